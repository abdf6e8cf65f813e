/**
 * Option parsing and usage errors of plan, up, down, status, logs and ssh: each bad
 * line fails with a UsageError (exit 2) before any config, network or terraform work.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '../../../../config/errors';
import { commandContext } from '../../../../scripts/cli/context';
import { command as down } from '../../../../scripts/commands/down';
import { command as logs } from '../../../../scripts/commands/logs';
import { command as plan } from '../../../../scripts/commands/plan';
import { command as ssh } from '../../../../scripts/commands/ssh';
import { sshArgs } from '../../../../labs/hosts/ssh-argv';
import { command as status } from '../../../../scripts/commands/status';
import { command as up } from '../../../../scripts/commands/up';
import { terminalConfirm } from '../../../../scripts/cli/confirm';

const usageError = async (p: Promise<unknown>, message: RegExp) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UsageError);
  expect((e as UsageError).exitCode).toBe(2);
  expect((e as Error).message).toMatch(message);
};

describe('AWS commands: usage errors', () => {
  const ctx = commandContext({ configFile: '/nonexistent/streamlab.yaml' });

  it.each([
    ['plan', ['--bogus'], /Unknown option '--bogus'/],
    ['up', ['--yes', 'extra'], /Unexpected argument 'extra'/],
    ['up', ['--connect-timeout', 'soon'], /--connect-timeout: "soon" is not a number of seconds/],
    ['down', ['--force'], /Unknown option '--force'/],
    ['status', ['--endpoint-url', 'localhost:4567'], /"localhost:4567" is not an http\(s\) URL/],
    ['logs', [], /name a HOST/],
    ['logs', ['a', 'b'], /name exactly one HOST/],
    ['logs', ['a', '-n', 'many'], /--lines: "many" is not a whole number/],
    ['ssh', [], /name a HOST/],
    ['ssh', ['a', 'uptime'], /put a remote command after "--"/],
  ])('%s %j', async (name, args, message) => {
    const cmd = { plan, up, down, status, logs, ssh }[name as string]!;
    await usageError(cmd.run(args as string[], ctx), message as RegExp);
  });

  it('every command documents its options, exit codes and examples', () => {
    for (const c of [plan, up, down, status, logs, ssh]) {
      expect(c.usage).toMatch(/^Usage: streamlab /);
      expect(c.usage).toMatch(/Exit status:/);
      expect(c.usage).toMatch(/Examples:/);
    }
  });

  it('a missing --inventory file is named', async () => {
    const e = await logs
      .run(['lab', '--inventory', '/nonexistent/inv.json'], ctx)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/--inventory: \/nonexistent\/inv.json does not exist/);
  });
});

describe('confirmation', () => {
  it('--yes answers without a terminal', async () => {
    await expect(terminalConfirm({ yes: true, isTTY: false })('apply?')).resolves.toBe(true);
  });

  it('no terminal and no --yes: refuses with exit 2 and says how', async () => {
    const e = await terminalConfirm({ yes: false, isTTY: false })('Apply this plan?').catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(2);
    expect((e as Error).message).toMatch(/pass --yes to confirm \(nothing was changed\)/);
  });
});

describe('ssh argv', () => {
  it('pins the host key strictly and passes the remote command after --', () => {
    const args = sshArgs(
      { address: '10.0.0.5', port: 2222, user: 'ubuntu', privateKeyPath: '/k/lab' },
      '/tmp/kh',
      ['systemctl', 'is-active', 'x'],
    );
    expect(args).toEqual(
      expect.arrayContaining(['StrictHostKeyChecking=yes', 'UserKnownHostsFile=/tmp/kh']),
    );
    expect(args.slice(0, 4)).toEqual(['-i', '/k/lab', '-p', '2222']);
    expect(args.slice(-6)).toEqual(['ubuntu', '--', '10.0.0.5', 'systemctl', 'is-active', 'x']);
    expect(args.join(' ')).not.toMatch(/accept-new|StrictHostKeyChecking=no/);
  });
});

describe('up and down without a terminal', () => {
  it.each([
    ['up', up],
    ['down', down],
  ])(
    '%s without --yes refuses at once with exit 2 (before AWS or terraform)',
    async (name, cmd) => {
      const stdinTTY = process.stdin.isTTY;
      process.stdin.isTTY = false as unknown as true;
      try {
        const dir = mkdtempSync(join(tmpdir(), 'sl-confirm-'));
        const configFile = join(dir, 'streamlab.yaml');
        writeFileSync(configFile, 'name: lab\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\n');
        const missing = await cmd
          .run([], commandContext({ configFile: join(dir, 'nonexistent.yaml') }))
          .catch((err: unknown) => err);
        expect((missing as Error).message).toMatch(/no such file/); // the config is checked first
        const e = await cmd.run([], commandContext({ configFile })).catch((err: unknown) => err);
        rmSync(dir, { recursive: true, force: true });
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).exitCode).toBe(2);
        expect((e as Error).message).toBe(
          `streamlab ${name} asks for confirmation, but there is no terminal to ask on: pass --yes (nothing was changed)`,
        );
      } finally {
        process.stdin.isTTY = stdinTTY;
      }
    },
  );
});
