/**
 * Poisoned handouts (issue 16): what a generated ssh_config means is read back with
 * OpenSSH's own parser (`ssh -G -F FILE ALIAS`, which connects nowhere). A hostile
 * inventory value must never become a directive (ProxyCommand), every value must read back
 * as written, and each block must pin the host key: a known_hosts built from the pinned
 * key next to it and StrictHostKeyChecking yes, never ask.
 */
import { runSync } from '../../../../process/run';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '../../../../provisioning/engine/host-key';
import { main } from '../../../../scripts/cli/dispatch';
import { sshConfigBlock } from '../../../../labs/handout/render';
import { parseConfig } from '../../../../config/load';

const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIBdEmR3m9zr0y9mRpHGZ5sK2Nn0tZ4wKZt7b2gUuXk4V';

function sshG(file: string, alias: string): Map<string, string> {
  const r = runSync(['ssh', '-G', '-F', file, alias], { allowFailure: true });
  expect({
    status: r.code,
    stderr: r.stderr.replace(/Pseudo-terminal[^\n]*/, '').trim(),
  }).toEqual({
    status: 0,
    stderr: '',
  });
  const config = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const at = line.indexOf(' ');
    if (at > 0) config.set(line.slice(0, at), line.slice(at + 1));
  }
  return config;
}

/** A handout written by `streamlab handout` for one host whose entry is `entry`. */
async function handoutFor(entry: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-handout-pin-'));
  writeFileSync(join(dir, 'kh'), `# pinned at up\n10.0.0.9,[10.0.0.9]:2222 ssh-ed25519 ${BLOB}\n`);
  const cfg = join(dir, 'streamlab.yaml');
  writeFileSync(cfg, 'name: class-a\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\n');
  const inv = join(dir, 'inv.json');
  writeFileSync(
    inv,
    JSON.stringify({
      hosts: [
        {
          name: 'lab',
          address: '10.0.0.9',
          port: 2222,
          privateKeyPath: '/home/prof/keys/lab',
          knownHostsFile: join(dir, 'kh'),
          stream: 'class-a-lab',
          ...entry,
        },
      ],
    }),
  );
  const errors: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  const err = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(String(m)));
  const code = await main([
    'handout',
    '--config',
    cfg,
    '--inventory',
    inv,
    '--out',
    join(dir, 'out'),
  ]);
  log.mockRestore();
  err.mockRestore();
  return { code, errors: errors.join('\n'), out: join(dir, 'out') };
}

describe('handout ssh_config read back by ssh -G', () => {
  it('means exactly the inventory entry, and pins the host key', async () => {
    const h = await handoutFor({ port: 22 });
    expect(h.code).toBe(0);
    const c = sshG(join(h.out, 'ssh_config'), 'streamlab-class-a-lab');
    expect(c.get('hostname')).toBe('10.0.0.9');
    expect(c.get('port')).toBe('22');
    expect(c.get('user')).toBe('ubuntu');
    expect(c.get('identityfile')).toBe('/home/prof/keys/lab');
    expect(c.get('stricthostkeychecking')).toBe('true');
    expect(c.get('userknownhostsfile')).toBe(join(h.out, 'lab.known_hosts'));
    expect(c.get('proxycommand')).toBeUndefined();
    // The known_hosts next to it holds the pinned key, under the name ssh will look up.
    const kh = readFileSync(join(h.out, 'lab.known_hosts'), 'utf8');
    const found = runSync(
      [
        'ssh-keygen',
        '-F',
        c.get('hostkeyalias') ?? '10.0.0.9',
        '-f',
        join(h.out, 'lab.known_hosts'),
      ],
      { allowFailure: true },
    );
    expect(found.code).toBe(0);
    expect(kh).toContain(`ssh-ed25519 ${BLOB}`);
    expect(readFileSync(join(h.out, 'lab.md'), 'utf8')).toContain(
      fingerprintOf(Buffer.from(BLOB, 'base64')).slice(0, 20),
    );
  });

  it('a key path with quotes, spaces, % and a backslash reads back as written', async () => {
    const path = '/home/prof/my "class" 100% \\keys/lab';
    const h = await handoutFor({ privateKeyPath: path });
    expect(h.code).toBe(0);
    const c = sshG(join(h.out, 'lab.ssh_config'), 'streamlab-class-a-lab');
    // ssh -G prints IdentityFile before expanding its % tokens, where %% is one %.
    expect(c.get('identityfile')).toBe(path.replace(/%/g, '%%'));
    expect(c.get('port')).toBe('2222');
    expect(c.get('proxycommand')).toBeUndefined();
  });

  it('an address with a newline and a ProxyCommand is refused (exit 2), nothing written', async () => {
    const h = await handoutFor({ address: '10.0.0.9\n  ProxyCommand sh -c "id > /tmp/x"' });
    expect(h.code).toBe(2);
    expect(h.errors).toMatch(/hosts\[0\]\.address: /);
  });

  it('a key path that ssh would expand as ${ENV} is refused, naming the field', () => {
    const config = parseConfig({
      name: 'class-a',
      region: 'eu-west-1',
      operatorCidr: '198.51.100.0/24',
    });
    const host = {
      name: 'lab',
      address: '10.0.0.9',
      port: 22,
      user: 'ubuntu',
      privateKeyPath: '/k/${HOME}/id',
      knownHostsFile: '/kh',
    };
    expect(() => sshConfigBlock(config, host, '/out/lab.known_hosts')).toThrow(
      /privateKeyPath: "\/k\/\$\{HOME\}\/id"/,
    );
    expect(() =>
      sshConfigBlock(config, { ...host, privateKeyPath: '/k/\nProxyCommand x' }, '/kh'),
    ).toThrow(/privateKeyPath: .*control character/);
  });
});
