/**
 * A hostile shared inventory (issue 16): the ssh and ssh-keyscan argv builders put `--`
 * before the host so no address is ever read as an option, and `streamlab ssh` refuses
 * the entry before running anything. `ssh -G` (OpenSSH's own parser, no connection)
 * reads back what the argv means. The values themselves: test/unit/provisioning/inventory.test.ts.
 */
import { runSync } from '../../../../process/run';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../scripts/cli/dispatch';
import { sshArgs } from '../../../../labs/hosts/ssh-argv';
import { keyscanArgs } from '../../../../labs/hosts/known-hosts';

/** What OpenSSH makes of an argv: `ssh -G` parses it like a connection, then prints the config. */
function sshG(args: string[]): {
  code: number | null;
  config: Map<string, string>;
  stderr: string;
} {
  const r = runSync(['ssh', '-G', '-F', '/dev/null', ...args], { allowFailure: true });
  const config = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const [k, ...v] = line.split(' ');
    if (k) config.set(k, v.join(' '));
  }
  return { code: r.code, config, stderr: r.stderr };
}

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
