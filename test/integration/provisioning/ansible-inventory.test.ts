/**
 * Ansible interoperability against a real test host, through the real CLI and Debian's
 * ansible-core: `streamlab inventory --format ansible` writes an inventory that
 * `ansible all -m ping` passes with, its known_hosts pinning the host key (a wrong key is
 * refused: StrictHostKeyChecking=yes holds); `provision --inventory` reads that file back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pinnedSshArgs } from '../../../provisioning/ansible-inventory';
import type { InventoryHost } from '../../../provisioning/inventory';
import { runSync } from '../../../process/run';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';

const here = { runDir: ownRunDir('ansible-inventory-test') };
const testhost = require('../../../testhost/api') as typeof import('../../../testhost/api');

jest.setTimeout(300_000);

const CLI = join(__dirname, '../../../scripts/streamlab.js');

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
   * `ansible all -m ping`. Ansible's ssh keeps a master connection for 60 s (ControlPersist)
   * in its control path dir (~/.ansible/cp whatever ANSIBLE_HOME says); a fresh one has no
   * master to reuse, so the host key is checked anew.
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
