/**
 * `provision --env` against the producer's environment contract, through the real command
 * line: a secret's value is refused on the command line (exit 2, named, never echoed) and
 * comes from the environment instead; a variable provisioning sets itself cannot be given
 * again. Each refusal happens before any inventory, config or host is read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../scripts/cli/dispatch';
import { envPairs } from '../../../../scripts/commands/provision';

/** Runs `streamlab provision ARGS` on an inventory that does not exist: what it printed and its exit status. */
async function provision(...args: string[]): Promise<{ code: number; printed: string }> {
  const missing = join(mkdtempSync(join(tmpdir(), 'sl-provision-env-')), 'none.json');
  const printed: string[] = [];
  const err = jest.spyOn(console, 'error').mockImplementation((m) => void printed.push(String(m)));
  try {
    const code = await main(['provision', '--inventory', missing, ...args]);
    return { code, printed: printed.join('\n') };
  } finally {
    err.mockRestore();
  }
}

describe('provision --env', () => {
  it.each([
    'STREAMLAB_X_BEARER_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'DB_PASSWORD',
  ])('refuses the secret %s=VALUE with exit 2, naming it and saying to export it', async (name) => {
    const { code, printed } = await provision('--env', `${name}=hunter2-secret`);
    expect(code).toBe(2);
    expect(printed).toContain(`--env ${name}=…: a secret is never taken from the command line`);
    expect(printed).toContain(
      name === 'STREAMLAB_X_BEARER_TOKEN'
        ? `export ${name}=… in the environment: provision reads it from there`
        : `export ${name}=… in the environment and pass --env ${name} (no value)`,
    );
    expect(printed).not.toContain('hunter2');
  });

  it('an unusable name is refused without echoing what followed "="', async () => {
    const { code, printed } = await provision('--env', 'aws_secret=hunter2');
    expect(code).toBe(2);
    expect(printed).toContain('--env: "aws_secret" is not an upper-case variable name');
    expect(printed).not.toContain('hunter2');
  });

  it.each([
    [
      'STREAMLAB_STREAM=course-bruno',
      "STREAMLAB_STREAM is set by provisioning from the host's record (stream)",
    ],
    [
      'STREAMLAB_SOURCE=x',
      'STREAMLAB_SOURCE is set by provisioning from the config (producer.source)',
    ],
    [
      'STREAMLAB_ENDPOINT_URL=http://10.0.0.1:4567',
      'STREAMLAB_ENDPOINT_URL is set by provisioning',
    ],
    [
      'STREAMLAB_X_BEARER_TOKEN',
      'STREAMLAB_X_BEARER_TOKEN is set by provisioning from the environment variable STREAMLAB_X_BEARER_TOKEN',
    ],
    ['STREAMLAB_LIMIT=-3', 'STREAMLAB_LIMIT=-3: must be within 0..'],
  ])('%s is refused with exit 2: %s', async (pair, message) => {
    const { code, printed } = await provision('--env', pair);
    expect(code).toBe(2);
    expect(printed).toContain(message);
  });

  it('--env KEY takes the value of the environment; a KEY not set there is refused', () => {
    const env = { AWS_SECRET_ACCESS_KEY: 'local', STREAMLAB_LIMIT: '9' };
    expect(
      envPairs(['AWS_ACCESS_KEY_ID=local', 'AWS_SECRET_ACCESS_KEY', 'STREAMLAB_LIMIT'], env),
    ).toEqual({ AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', STREAMLAB_LIMIT: '9' });
    expect(() => envPairs(['AWS_SESSION_TOKEN'], env)).toThrow(
      '--env AWS_SESSION_TOKEN: AWS_SESSION_TOKEN is not set in the environment',
    );
  });
});
