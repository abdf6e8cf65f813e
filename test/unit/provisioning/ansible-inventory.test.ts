/** Ansible's YAML inventory both ways: what is written, what is read, what is refused by name. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  ANSIBLE_SSH_ARGS,
  fromAnsibleInventory,
  shellWords,
  toAnsibleInventory,
} from '../../../provisioning/ansible-inventory';
import { loadInventory, type InventoryHost } from '../../../provisioning/inventory';

const host: InventoryHost = {
  name: 'ana',
  address: '10.200.1.2',
  port: 2222,
  user: 'ubuntu',
  privateKeyPath: '/keys/my lab/ana',
  hostKeyFingerprint: 'SHA256:gH0d33jbWbHjAIqDZ6ZTYwwXQNPy4hV6zw/bhR1M2Ig',
  stream: 'course-ana',
  region: 'eu-west-1',
};

describe('toAnsibleInventory', () => {
  it("writes each host's connection variables and the pinned known_hosts with strict checking", () => {
    expect(toAnsibleInventory([host], '/work/lab it.known_hosts')).toEqual({
      all: {
        hosts: {
          ana: {
            ansible_host: '10.200.1.2',
            ansible_port: 2222,
            ansible_user: 'ubuntu',
            ansible_ssh_private_key_file: '/keys/my lab/ana',
            ansible_ssh_args: ANSIBLE_SSH_ARGS,
            ansible_ssh_common_args:
              "-o StrictHostKeyChecking=yes -o 'UserKnownHostsFile=/work/lab it.known_hosts'",
            streamlab_stream: 'course-ana',
            streamlab_region: 'eu-west-1',
          },
        },
      },
    });
  });
});

describe('reading an Ansible inventory', () => {
  it('splits ssh options as shlex does', () => {
    expect(shellWords(`-o 'A=b c' -o"D=e\\"f" g\\ h`)).toEqual(['-o', 'A=b c', '-oD=e"f', 'g h']);
    expect(() => shellWords("-o 'x")).toThrow("unterminated ' quote");
  });

  it('layers vars all → group → child → host, and reads the record variables back', () => {
    const { hosts, problems } = fromAnsibleInventory({
      all: {
        vars: { ansible_user: 'admin', ansible_ssh_common_args: '-o UserKnownHostsFile=/k' },
        children: {
          students: {
            vars: { ansible_user: 'ubuntu', ansible_ssh_private_key_file: 'keys/x' },
            hosts: { ana: { ansible_host: '10.0.0.5', streamlab_stream: 's-ana' }, ben: null },
          },
        },
      },
    });
    expect(problems).toEqual([]);
    expect(hosts).toEqual([
      {
        name: 'ana',
        address: '10.0.0.5',
        user: 'ubuntu',
        knownHostsFile: '/k',
        privateKeyPath: 'keys/x',
        stream: 's-ana',
      },
      {
        name: 'ben',
        address: 'ben',
        user: 'ubuntu',
        knownHostsFile: '/k',
        privateKeyPath: 'keys/x',
      },
    ]);
  });

  it('refuses by name what it cannot honour', () => {
    const { problems } = fromAnsibleInventory({
      all: {
        hosts: {
          a: {
            ansible_password: 'hunter2',
            ansible_ssh_private_key_file: '/k',
            ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/k',
            ansible_ssh_args: '-C -o ForwardAgent=yes -o ControlPath=none',
          },
          b: { ansible_connection: 'docker' },
        },
        extra: 1,
      },
    });
    expect(problems).toEqual([
      'group "all": unknown key "extra" (an Ansible group has hosts, children and vars)',
      'host "a": ansible_password is not honoured (streamlab reads ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file, and ansible_ssh_common_args or ansible_ssh_args with UserKnownHostsFile)',
      'host "a": ansible_ssh_common_args: -o StrictHostKeyChecking=no is not honoured (streamlab always checks the pinned host key, locks the client down and takes no other ssh option)',
      'host "a": ansible_ssh_args: -o ForwardAgent=yes is not honoured (streamlab always checks the pinned host key, locks the client down and takes no other ssh option)',
      'host "b": ansible_connection "docker" is not honoured (streamlab connects over ssh only)',
      'host "b": has no ansible_ssh_private_key_file (streamlab connects with a key only)',
      'host "b": has no pinned host key: set ansible_ssh_common_args to "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=FILE" (host keys are never trusted on first use)',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('loadInventory reads what toAnsibleInventory wrote, paths relative to the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-ansible-inv-'));
    const { hostKeyFingerprint: _, ...rest } = host;
    const text = JSON.stringify(
      toAnsibleInventory([{ ...rest, privateKeyPath: 'keys/ana' }], 'lab.known_hosts'),
    );
    writeFileSync(join(dir, 'lab.yml'), text);
    expect(parse(text).all.hosts.ana.ansible_port).toBe(2222);
    expect(loadInventory(join(dir, 'lab.yml')).hosts).toEqual([
      {
        ...rest,
        privateKeyPath: join(dir, 'keys/ana'),
        knownHostsFile: join(dir, 'lab.known_hosts'),
      },
    ]);
  });
});
