/** The problems a bad config is rejected with (ConfigError, exit status 2); fails if accepted. */
import { ConfigError, parseConfig } from '../../config';

export function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}
