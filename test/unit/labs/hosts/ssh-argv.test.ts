/**
 * A hostile shared inventory (issue 16): the ssh and ssh-keyscan argv builders put `--`
 * before the host so no address is ever read as an option, and `streamlab ssh` refuses
 * the entry before running anything. `ssh -G` (OpenSSH's own parser, no connection)
 * reads back what the argv means. The values themselves: test/unit/provisioning/inventory.test.ts.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../scripts/cli/dispatch';
import { sshArgs, sshEnvironment } from '../../../../labs/hosts/ssh-argv';
import { keyscanArgs } from '../../../../labs/hosts/known-hosts';
import { runSync } from '../../../../process/run';
import { hostileConfigFile, LOCKED_DOWN, parseSshG, sshG } from '../../../support/ssh-g';

describe('the ssh argv builder, read back by ssh -G', () => {
  const base = { port: 2222, user: 'ubuntu', privateKeyPath: '/k/lab' };

  it('a good entry means what it says', () => {
    const r = sshG(sshArgs({ ...base, address: '10.0.0.5' }, '/tmp/kh', ['true']));
    expect(r.code).toBe(0);
    expect(r.config.get('hostname')).toBe('10.0.0.5');
    expect(r.config.get('user')).toBe('ubuntu');
    expect(r.config.get('port')).toBe('2222');
    expect(r.config.get('stricthostkeychecking')).toBe('true');
    expect(r.config.get('proxycommand')).toBeUndefined();
  });

  it('an address that looks like an option is a host name to ssh, never an option', () => {
    // Not through the schema (which refuses it): the argv must be safe on its own.
    const r = sshG(
      sshArgs({ ...base, address: '-oProxyCommand=touch /tmp/pwned' }, '/tmp/kh', ['true']),
    );
    expect(r.config.get('proxycommand')).toBeUndefined();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/hostname contains invalid characters/);
  });

  it('the remote command follows the host as typed: no second "--" for the remote shell', () => {
    // OpenSSH stops parsing options at the "--" before the host, so a "-x" word of the
    // command is the command's; a second "--" would be run as the command's first word.
    const host = { ...base, address: '10.200.3.2' };
    const args = sshArgs(host, '/tmp/kh', ['systemctl', '-q', 'is-active', 'x']);
    expect(args.slice(-6)).toEqual(['--', '10.200.3.2', 'systemctl', '-q', 'is-active', 'x']);
    expect(args.filter((a) => a === '--')).toHaveLength(1);
  });

  it('a hostile ~/.ssh/config turns nothing on: every forwarding, LocalCommand and shared connection stays off', () => {
    const file = hostileConfigFile();
    // The config alone does turn them on (so the check below can fail).
    const bare = sshG(['-l', 'ubuntu', '--', '10.0.0.5'], file);
    expect(bare.code).toBe(0);
    expect(bare.config.get('forwardagent')).toBe('yes');
    expect(bare.config.get('permitlocalcommand')).toBe('yes');
    expect(bare.all.get('localforward')).toHaveLength(1);

    const r = sshG(sshArgs({ ...base, address: '10.0.0.5' }, '/tmp/kh', []), file);
    expect(r.code).toBe(0);
    const seen = Object.fromEntries(Object.keys(LOCKED_DOWN).map((k) => [k, r.config.get(k)]));
    expect(seen).toEqual(LOCKED_DOWN);
    expect(r.all.get('setenv')).toEqual(['STREAMLAB_SSH=1']);
    // Forwardings the file lists are still printed, but ClearAllForwardings=yes drops them.
    expect(r.config.get('clearallforwardings')).toBe('yes');
    expect(r.config.get('stricthostkeychecking')).toBe('true');
    expect(r.config.get('userknownhostsfile')).toBe('/tmp/kh');
  });

  it('ssh is given only the variables it needs: a SendEnv AWS_* has no credential to send', () => {
    const env = sshEnvironment({
      HOME: '/home/op',
      PATH: '/usr/bin',
      TERM: 'xterm',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      STREAMLAB_X_BEARER_TOKEN: 'bearer',
      SSH_AUTH_SOCK: '/tmp/agent',
      DISPLAY: ':0',
    });
    expect(env).toEqual({
      HOME: '/home/op',
      PATH: '/usr/bin',
      TERM: 'xterm',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
    });
  });

  it('ssh-keyscan gets -- before the address too', () => {
    const args = keyscanArgs({ address: '-f/etc/shadow', port: 22 });
    expect(args.slice(-2)).toEqual(['--', '-f/etc/shadow']);
  });
});

describe('streamlab ssh with a hostile shared inventory', () => {
  it('exits 2 naming the address, and runs nothing locally', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-hostile-'));
    const marker = join(dir, 'pwned');
    writeFileSync(join(dir, 'kh'), '');
    writeFileSync(
      join(dir, 'inv.json'),
      JSON.stringify({
        hosts: [
          {
            name: 'lab',
            address: `-oProxyCommand=touch ${marker}`,
            privateKeyPath: join(dir, 'id'),
            knownHostsFile: join(dir, 'kh'),
          },
        ],
      }),
    );
    const errors: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(String(m)));
    const code = await main(['ssh', 'lab', '--inventory', join(dir, 'inv.json'), '--', 'true']);
    err.mockRestore();
    expect(existsSync(marker)).toBe(false);
    expect(code).toBe(2);
    expect(errors.join('\n')).toMatch(/hosts\[0\]\.address: /);
  });
});

describe('streamlab ssh under a hostile ~/.ssh/config and environment', () => {
  it('runs ssh with everything off and without the credentials of its environment', async () => {
    // The real ssh on PATH is wrapped: the wrapper records the environment it was given and
    // has the real ssh print (-G) what it would do with the argv streamlab built, reading
    // the hostile config as it would read ~/.ssh/config. Nothing connects.
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-ssh-run-'));
    const config = hostileConfigFile();
    const realSsh = runSync(['sh', '-c', 'command -v ssh']).stdout.trim();
    writeFileSync(join(dir, 'kh'), '10.0.0.5 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0\n');
    writeFileSync(
      join(dir, 'inv.json'),
      JSON.stringify({
        hosts: [
          {
            name: 'lab',
            address: '10.0.0.5',
            privateKeyPath: join(dir, 'id'),
            knownHostsFile: join(dir, 'kh'),
          },
        ],
      }),
    );
    const bin = join(dir, 'bin');
    runSync(['mkdir', bin]);
    writeFileSync(
      join(bin, 'ssh'),
      `#!/bin/sh\nenv > '${dir}/env'\nexec '${realSsh}' -G -F '${config}' "$@" > '${dir}/G'\n`,
    );
    chmodSync(join(bin, 'ssh'), 0o755);
    const saved = { ...process.env };
    Object.assign(process.env, {
      PATH: `${bin}:${process.env.PATH}`,
      AWS_SECRET_ACCESS_KEY: 'operator-secret',
      STREAMLAB_X_BEARER_TOKEN: 'operator-bearer',
      SSH_AUTH_SOCK: join(dir, 'agent.sock'),
    });
    let code: number;
    try {
      code = await main(['ssh', 'lab', '--inventory', join(dir, 'inv.json'), '--', 'true']);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(code).toBe(0);
    const g = parseSshG(readFileSync(join(dir, 'G'), 'utf8'));
    const seen = Object.fromEntries(Object.keys(LOCKED_DOWN).map((k) => [k, g.get(k)?.[0]]));
    expect(seen).toEqual(LOCKED_DOWN);
    const env = readFileSync(join(dir, 'env'), 'utf8');
    expect(env).not.toMatch(/operator-secret|operator-bearer|SSH_AUTH_SOCK/);
    expect(env).toMatch(/^PATH=/m);
  });
});
