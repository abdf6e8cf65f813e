/**
 * Ansible interoperability against a real test host, through the real CLI and Debian's
 * ansible-core: `streamlab inventory --format ansible` writes an inventory that
 * `ansible all -m ping` passes with, its known_hosts pinning the host key (a wrong key is
 * refused: StrictHostKeyChecking=yes holds); `provision --inventory` reads that file back.
 * Without a host: the ssh command line Ansible builds from that inventory, read back by
 * `ssh -G` under a hostile ~/.ssh/config, is as locked down as `streamlab ssh`.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { pinnedSshArgs, toAnsibleInventory } from '../../../provisioning/ansible-inventory';
import type { InventoryHost } from '../../../provisioning/inventory';
import { runSync } from '../../../process/run';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';
import { hostileConfigFile, LOCKED_DOWN, sshG } from '../../support/ssh-g';

const here = { runDir: ownRunDir('ansible-inventory-test') };
const testhost = require('../../../testhost/api') as typeof import('../../../testhost/api');

jest.setTimeout(300_000);

const CLI = join(__dirname, '../../../scripts/streamlab.js');

describe("the ssh command line Ansible builds from streamlab's inventory", () => {
  it('keeps agent, X11 and port forwarding, LocalCommand and shared connections off, whatever ~/.ssh/config says', () => {
    const work = mkdtempSync(join(tmpdir(), 'streamlab-ansible-argv-'));
    try {
      // Ansible's ssh, replaced by a recorder of its argv (NUL-separated), run once.
      const argvFile = join(work, 'argv');
      const recorder = join(work, 'ssh');
      writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\0' "$@" > '${argvFile}'\nexit 255\n`);
      chmodSync(recorder, 0o755);
      const target = {
        name: 'ana',
        address: '10.0.0.5',
        port: 2222,
        user: 'ubuntu',
        privateKeyPath: join(work, 'id'),
      };
      writeFileSync(
        join(work, 'lab.yml'),
        stringify(toAnsibleInventory([target], join(work, 'lab.known_hosts'))),
      );
      const r = runSync(['ansible', 'all', '-i', 'lab.yml', '-m', 'ping'], {
        cwd: work,
        env: {
          ...process.env,
          ANSIBLE_HOME: join(work, 'home'),
          ANSIBLE_SSH_EXECUTABLE: recorder,
          // An operator who turned host key checking off must still get the pinned key.
          ANSIBLE_HOST_KEY_CHECKING: 'False',
          ANSIBLE_NOCOLOR: '1',
        },
        allowFailure: true,
        timeout: 120_000,
      });
      expect(r.stdout).toContain('UNREACHABLE');
      const argv = readFileSync(argvFile, 'utf8').split('\0').slice(0, -1);
      // The options and the host, without the remote command Ansible adds last.
      const host = argv.lastIndexOf('10.0.0.5');
      expect(host).toBeGreaterThan(0);
      const g = sshG(argv.slice(0, host + 1), hostileConfigFile());
      expect(g.code).toBe(0);
      const seen = Object.fromEntries(Object.keys(LOCKED_DOWN).map((k) => [k, g.config.get(k)]));
      expect(seen).toEqual(LOCKED_DOWN);
      expect(g.config.get('stricthostkeychecking')).toBe('true');
      expect(g.config.get('userknownhostsfile')).toBe(join(work, 'lab.known_hosts'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describeAsRoot('Ansible inventory (real test host, ansible-core)', () => {
  const work = mkdtempSync(join(tmpdir(), 'streamlab-ansible-'));
  // Ansible keeps its control sockets and temp files under ANSIBLE_HOME, not in root's home.
  const env = { ...process.env, ANSIBLE_HOME: join(work, 'home'), ANSIBLE_NOCOLOR: '1' };
  let host: InventoryHost;

  const cli = (...args: string[]) =>
    runSync([process.execPath, CLI, ...args], {
      cwd: work,
      env,
      allowFailure: true,
      timeout: 120_000,
    });
  /**
   * `ansible all -m ping`. The inventory turns Ansible's shared master connection off
   * (ControlMaster=no); a fresh home and control path dir besides make sure no earlier
   * connection is reused, so the host key is checked anew.
   */
  const ping = (inventory: string, home = 'home') =>
    runSync(['ansible', 'all', '-i', inventory, '-m', 'ping'], {
      cwd: work,
      env: {
        ...env,
        ANSIBLE_HOME: join(work, home),
        ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, home, 'cp'),
      },
      allowFailure: true,
      timeout: 120_000,
    });

  beforeAll(async () => {
    host = testhost.inventoryEntry(await testhost.hostUp('ansible-a', here));
    writeFileSync(join(work, 'hosts.json'), JSON.stringify({ hosts: [host] }));
    writeFileSync(
      join(work, 'streamlab.yaml'),
      [
        'name: ansible',
        'region: us-east-1',
        'operatorCidr: 203.0.113.7/32',
        'hosts:',
        '  roles: [tasks]',
        '  tasks:',
        '    - file: { path: /etc/streamlab-ansible-check, content: "from an Ansible inventory\\n" }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await testhost.hostDown('ansible-a', here);
  });

  it('inventory --format ansible writes what `ansible all -m ping` passes with', () => {
    const r = cli(
      'inventory',
      '--format',
      'ansible',
      '--inventory',
      'hosts.json',
      '--output',
      'lab.yml',
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining('lab.yml (1 host(s))'),
    });
    const text = readFileSync(join(work, 'lab.yml'), 'utf8');
    expect(text).toContain(`ansible_host: ${host.address}`);
    expect(parse(text).all.hosts['ansible-a'].ansible_ssh_common_args).toBe(
      pinnedSshArgs(join(work, 'lab.known_hosts')),
    );
    const p = ping('lab.yml');
    expect({ code: p.code, out: p.stdout }).toEqual({
      code: 0,
      out: expect.stringMatching(/ansible-a \| SUCCESS =>[\s\S]*"ping": "pong"/),
    });
  });

  it('a known_hosts with another key fails the ping: the pin holds', () => {
    const known = join(work, 'lab.known_hosts');
    const good = readFileSync(known, 'utf8');
    const other = runSync([
      'ssh-keygen',
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-f',
      join(work, 'other'),
    ]);
    expect(other.code).toBe(0);
    const otherKey = readFileSync(join(work, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(known, `${good.split(' ')[0]} ${otherKey}\n`);
    try {
      const p = ping('lab.yml', 'fresh-home');
      expect(p.code).not.toBe(0);
      expect(`${p.stdout}${p.stderr}`).toMatch(/UNREACHABLE[\s\S]*Host key verification failed/);
    } finally {
      writeFileSync(known, good);
    }
  });

  it('provision --inventory reads the Ansible inventory back, and refuses an option it cannot honour by name', () => {
    const first = cli('provision', '--inventory', 'lab.yml', '--json');
    expect({ code: first.code, stderr: first.code === 0 ? '' : first.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(JSON.parse(first.stdout).recap['ansible-a']).toMatchObject({ changed: 1, failed: 0 });
    const again = cli('provision', '--inventory', 'lab.yml', '--json');
    expect(JSON.parse(again.stdout).recap['ansible-a']).toMatchObject({ changed: 0, failed: 0 });

    writeFileSync(
      join(work, 'password.yml'),
      readFileSync(join(work, 'lab.yml'), 'utf8').replace(
        'ansible_user:',
        'ansible_password: hunter2\n      ansible_user:',
      ),
    );
    const refused = cli('provision', '--inventory', 'password.yml');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('host "ansible-a": ansible_password is not honoured');
    expect(refused.stderr).not.toContain('hunter2');
  });
});
