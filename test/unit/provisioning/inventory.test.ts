import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hostSpecOf,
  InventoryError,
  loadInventory,
  parseInventory,
} from '../../../provisioning/inventory';
import { selectHosts } from '../../../provisioning/provision';
import { fingerprintOf } from '../../../provisioning/engine/host-key';

const FP = 'SHA256:qtCvZkBbVk9w3d5bnKytRu2+ECZLTtctODlETkqiufc';
const host = (o: Record<string, unknown> = {}) => ({
  name: 'lab',
  address: '10.200.3.2',
  port: 22,
  user: 'ubuntu',
  privateKeyPath: '/k/id',
  hostKeyFingerprint: FP,
  ...o,
});

function problems(raw: unknown): string[] {
  try {
    parseInventory(raw, 'inv.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InventoryError);
    expect((e as InventoryError).exitCode).toBe(2);
    return (e as InventoryError).problems;
  }
  throw new Error('expected an InventoryError');
}

function problemText(raw: unknown): string {
  return problems(raw).join('\n');
}

describe('inventory', () => {
  it('accepts what `lab host up --json` prints, ignoring extra keys like gateway', () => {
    const inv = parseInventory({ hosts: [host({ gateway: '10.200.3.1', netns: 'x' })] });
    expect(inv.hosts[0]).toEqual(host());
    expect(hostSpecOf(inv.hosts[0]!).hostKey).toEqual({ kind: 'fingerprint', fingerprint: FP });
  });

  it.each([
    [{}, 'hosts: is required'.replace('is required', 'must be a list of hosts')],
    [{ hosts: [] }, 'hosts: must list at least one host'],
    [{ hosts: [host({ port: 70000 })] }, 'hosts[0].port: 70000 is out of range 1..65535'],
    [
      { hosts: [host({ hostKeyFingerprint: 'md5:aa' })] },
      'hosts[0].hostKeyFingerprint: "md5:aa" is not a SHA256 fingerprint',
    ],
    [
      { hosts: [host({ hostKeyFingerprint: '' })] },
      'hosts[0].hostKeyFingerprint: host "lab" has no pinned host key',
    ],
    [{ hosts: [host(), host()] }, 'hosts[1].name: "lab" is listed twice'],
    [{ hosts: [host({ name: 'a b' })] }, 'hosts[0].name: "a b" is not a host name'],
    [{ hosts: [host()], extra: 1 }, '(top level): unknown key(s) extra'],
  ])('names the path of a bad value: %j', (raw, expected) => {
    expect(problems(raw).join('\n')).toContain(expected);
  });

  it('pins the public key read from the console, and refuses one of another fingerprint', () => {
    // An ed25519 key blob (wire format) and another one; FP above belongs to neither.
    const blob = 'AAAAC3NzaC1lZDI1NTE5AAAAIBdEmR3m9zr0y9mRpHGZ5sK2Nn0tZ4wKZt7b2gUuXk4V';
    const fp = fingerprintOf(Buffer.from(blob, 'base64'));
    const key = `ssh-ed25519 ${blob}`;
    const inv = parseInventory({ hosts: [host({ hostKeyFingerprint: fp, hostPublicKey: key })] });
    expect(hostSpecOf(inv.hosts[0]!).hostKey).toEqual({ kind: 'public-key', key });
    expect(problems({ hosts: [host({ hostPublicKey: key })] }).join('\n')).toContain(
      `hosts[0].hostPublicKey: host "lab": hostPublicKey has fingerprint ${fp}, not the pinned ${FP}`,
    );
    expect(problems({ hosts: [host({ hostPublicKey: `${key} root@x` })] }).join('\n')).toContain(
      'hosts[0].hostPublicKey: "ssh-ed25519 AAAA',
    );
  });

  it('accepts a known_hosts file instead of a fingerprint', () => {
    const inv = parseInventory({
      hosts: [host({ hostKeyFingerprint: undefined, knownHostsFile: '/kh' })],
    });
    expect(hostSpecOf(inv.hosts[0]!).hostKey).toEqual({ kind: 'known-hosts', file: '/kh' });
  });

  it('loads YAML and JSON; relative key paths are relative to the inventory file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-inv-'));
    writeFileSync(
      join(dir, 'inv.yaml'),
      `hosts:\n  - name: a\n    address: 10.0.0.2\n    privateKeyPath: keys/a\n    hostKeyFingerprint: "${FP}"\n`,
    );
    const inv = loadInventory(join(dir, 'inv.yaml'));
    expect(inv.hosts[0]).toMatchObject({
      port: 22,
      user: 'ubuntu',
      privateKeyPath: join(dir, 'keys/a'),
    });
    writeFileSync(join(dir, 'inv.json'), '{"hosts": [');
    expect(() => loadInventory(join(dir, 'inv.json'))).toThrow(/not valid JSON/);
    expect(() => loadInventory(join(dir, 'missing.json'))).toThrow(/cannot read it \(ENOENT\)/);
  });

  it('--limit selects hosts and names an unknown one', () => {
    const hosts = parseInventory({ hosts: [host(), host({ name: 'b' })] }).hosts;
    expect(selectHosts(hosts, ['b']).map((h) => h.name)).toEqual(['b']);
    expect(selectHosts(hosts, undefined)).toHaveLength(2);
    expect(() => selectHosts(hosts, ['nope'])).toThrow(
      '--limit: no host named "nope" in the inventory (hosts: lab, b)',
    );
  });
});

describe('inventory values that reach ssh', () => {
  it.each([
    '-oProxyCommand=sh -c "touch /tmp/pwned"',
    '-p2222',
    'lab host',
    'lab\n  ProxyCommand sh',
    'root@10.0.0.2',
    'lab\x1b]0;x\x07',
    'bad_label.example.com',
    'trailing-.example.com',
    '-lead.example.com',
    `${'a'.repeat(64)}.example.com`,
    'fe80::1%-oProxyCommand=x',
  ])('refuses address %j with the field named', (address) => {
    expect(problemText({ hosts: [host({ address })] })).toMatch(
      /^hosts\[0\]\.address: .* is not an IPv4\/IPv6 address or a host name/,
    );
  });

  it.each([
    '10.0.0.2',
    '2001:db8::7',
    '::1',
    'fe80::1%eth0',
    'localhost',
    'ec2-3-250-1-2.eu-west-1.compute.amazonaws.com',
    'lab.example.com.',
  ])('accepts address %j', (address) => {
    expect(parseInventory({ hosts: [host({ address })] }).hosts[0]!.address).toBe(address);
  });

  it.each(['-oProxyCommand=x', 'a'.repeat(33), 'ubu ntu', 'Root\n'])('refuses user %j', (user) => {
    expect(problemText({ hosts: [host({ user })] })).toMatch(/^hosts\[0\]\.user: /);
  });

  it.each([
    ['privateKeyPath', '/k/id\nProxyCommand sh -c x'],
    ['privateKeyPath', '/k/\x1b[2Jid'],
    ['knownHostsFile', '/kh\r\nHost *'],
    ['knownHostsFile', '/kh\u0085'],
  ])('refuses %s with a control character', (field, value) => {
    expect(problemText({ hosts: [host({ [field]: value })] })).toMatch(
      new RegExp(`^hosts\\[0\\]\\.${field}: .*control character`),
    );
  });
});

describe("the host's record: stream, region, endpoint, instance id", () => {
  const record = {
    instanceId: 'i-0123456789abcdef0',
    stream: 'course-lab',
    region: 'eu-west-1',
    endpoint: 'http://10.200.9.1:4567',
  };

  it('keeps them, and needs none of them (a hand-written entry)', () => {
    expect(parseInventory({ hosts: [host(record)] }).hosts[0]).toEqual(host(record));
    expect(parseInventory({ hosts: [host()] }).hosts[0]).not.toHaveProperty('stream');
  });

  it.each([
    [{ stream: 'two words' }, 'hosts[0].stream: "two words" is not a Kinesis stream name'],
    [{ stream: 'x'.repeat(129) }, 'hosts[0].stream: '],
    [{ region: 'mars-1' }, 'hosts[0].region: "mars-1" is not an AWS region'],
    [{ endpoint: 'ftp://10.0.0.1' }, 'hosts[0].endpoint: "ftp://10.0.0.1" is not an http(s) URL'],
    [{ endpoint: 'http://a b' }, 'hosts[0].endpoint: "http://a b" is not an http(s) URL'],
    [{ instanceId: 'vol-0a' }, 'hosts[0].instanceId: "vol-0a" is not an EC2 instance id'],
  ])('refuses %j, naming the field', (o, message) => {
    expect(problemText({ hosts: [host(o)] })).toContain(message);
  });

  it('provision refuses an entry without a stream before any host is touched, naming it', async () => {
    const { provision } = await import('../../../provisioning/provision');
    const { InputError } = await import('../../../config/errors');
    const { parseConfig } = await import('../../../config/load');
    const config = parseConfig({
      name: 'course',
      region: 'eu-west-1',
      operatorCidr: '203.0.113.7/32',
    });
    const hosts = parseInventory({ hosts: [host({ ...record, name: 'a' }), host({ name: 'b' })] });
    const run = provision({ hosts: hosts.hosts, config });
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(
      'host "b": its inventory entry has no stream (field "stream")',
    );
  });
});
