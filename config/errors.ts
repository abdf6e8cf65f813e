/**
 * The config's error, apart from the loader so the dispatcher can recognise it without
 * loading zod and yaml (`streamlab --help` stays light).
 */

/** Exit status for a config the user must fix: distinct from runtime failures (1). */
export const CONFIG_EXIT_CODE = 2;

export class ConfigError extends Error {
  readonly exitCode = CONFIG_EXIT_CODE;
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`);
    this.name = 'ConfigError';
  }
}
