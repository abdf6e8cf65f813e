/**
 * EC2 discovery against aws-sdk-client-mock: the AWS control plane cannot run here, so
 * these tests mock the EC2 API (the names say so).
 */
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { runSync } from '../../../../process/run';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInventory } from '../../../../provisioning/inventory';
import { discoverInventory, readHostKeyPin } from '../../../../labs/aws/discovery';
import { parseConsoleFingerprints, preferredFingerprint } from '../../../../labs/aws/host-keys';

const CONSOLE = [
  '[   12.3] cloud-init[812]: Cloud-init v. 24.1 running',
  'ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----',
  'ec2: 256 SHA256:oldoldoldoldoldoldoldoldoldoldoldoldoldoldo root@ip-10-0-1-5 (ED25519)',
  'ec2: -----END SSH HOST KEY FINGERPRINTS-----',
  'reboot',
  '-----BEGIN SSH HOST KEY FINGERPRINTS-----',
  '256 SHA256:Qm3cXbq1vYk7gJ0Hh0a8w2mG3kq9Yt3Xo1n0pX5m8Zs root@ip-10-0-1-5 (ECDSA)',
  '256 SHA256:u7xH3mC2cJ0dP8kE1fYq3Wn9rT4sV6bL2aZ5oK8iG0w root@ip-10-0-1-5 (ED25519)',
  '3072 SHA256:Y2d7pR9xW1kS3nV5bL8mQ0aZ4cE6gT2hJ7uI9oP1sD4 root@ip-10-0-1-5 (RSA)',
  '-----END SSH HOST KEY FINGERPRINTS-----',
].join('\n');

describe('console fingerprints', () => {
  it('reads the newest block and prefers ED25519', () => {
    const f = parseConsoleFingerprints(CONSOLE)!;
    expect(f.ED25519).toBe('SHA256:u7xH3mC2cJ0dP8kE1fYq3Wn9rT4sV6bL2aZ5oK8iG0w');
    expect(f.RSA).toBe('SHA256:Y2d7pR9xW1kS3nV5bL8mQ0aZ4cE6gT2hJ7uI9oP1sD4');
    expect(preferredFingerprint(f)).toBe(f.ED25519);
    expect(preferredFingerprint({ RSA: 'SHA256:r' })).toBe('SHA256:r');
  });

  it('is undefined before cloud-init printed the block', () => {
    expect(parseConsoleFingerprints('[    0.0] Linux version 6.8\n')).toBeUndefined();
    expect(parseConsoleFingerprints('-----BEGIN SSH HOST KEY FINGERPRINTS-----\n')).toBeUndefined();
  });
});

describe('EC2 discovery (mocked EC2 API)', () => {
  const ec2Mock = mockClient(EC2Client);
  const ec2 = new EC2Client({ region: 'us-east-1' });
  // The part of the stack's outputs discovery reads (stacks/outputs.ts HostRecord).
  const hosts = [
    {
      host: 'ana',
      instanceId: 'i-0a',
      publicDns: 'ec2-1.compute.amazonaws.com',
      publicIp: '198.51.100.8',
    },
  ];
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(DescribeInstanceStatusCommand).resolves({
      InstanceStatuses: [
        { InstanceId: 'i-0a', InstanceStatus: { Status: 'ok' }, SystemStatus: { Status: 'ok' } },
      ],
    });
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0a',
              State: { Name: 'running' },
              PublicDnsName: 'ec2-2.compute.amazonaws.com',
              PublicIpAddress: '198.51.100.9',
            },
          ],
        },
      ],
    });
  });

  it('polls the console until fingerprints appear, then pins ED25519', async () => {
    ec2Mock
      .on(GetConsoleOutputCommand)
      .resolvesOnce({ Output: b64('booting…') })
      .resolves({ Output: b64(CONSOLE) });
    const inventory = await discoverInventory(ec2, hosts, (h) => `/keys/${h}`, {
      sleep: async () => {},
      pollMs: 1,
    });
    expect(inventory).toEqual([
      {
        name: 'ana',
        address: 'ec2-2.compute.amazonaws.com',
        port: 22,
        user: 'ubuntu',
        privateKeyPath: '/keys/ana',
        hostKeyFingerprint: 'SHA256:u7xH3mC2cJ0dP8kE1fYq3Wn9rT4sV6bL2aZ5oK8iG0w',
      },
    ]);
    expect(ec2Mock.commandCalls(GetConsoleOutputCommand)).toHaveLength(2);
  });

  it('pins the public key printed under the fingerprints; refuses one that does not match', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'discovery-test-'));
    try {
      const keyOf = (name: string) => {
        runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
        return readFileSync(join(dir, `${name}.pub`), 'utf8')
          .split(' ')
          .slice(0, 2)
          .join(' ');
      };
      const key = keyOf('host');
      const fp = runSync(['ssh-keygen', '-lf', join(dir, 'host.pub')]).stdout.split(' ')[1]!;
      const consoleWith = (printedKey: string) =>
        [
          '<14>Dec  1 17:59:12 cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----',
          `<14>Dec  1 17:59:12 cloud-init: 256 ${fp} root@ip-10-0-1-5 (ED25519)`,
          '<14>Dec  1 17:59:12 cloud-init: -----END SSH HOST KEY FINGERPRINTS-----',
          '-----BEGIN SSH HOST KEY KEYS-----',
          `${printedKey} root@ip-10-0-1-5`,
          '-----END SSH HOST KEY KEYS-----',
        ].join('\r\n');
      ec2Mock.on(GetConsoleOutputCommand).resolves({ Output: b64(consoleWith(key)) });
      const [entry] = await discoverInventory(ec2, hosts, (h) => `/keys/${h}`);
      expect(entry).toMatchObject({ hostKeyFingerprint: fp, hostPublicKey: key });
      expect(() => parseInventory({ hosts: [entry] })).not.toThrow();

      ec2Mock.on(GetConsoleOutputCommand).resolves({ Output: b64(consoleWith(keyOf('other'))) });
      await expect(readHostKeyPin(ec2, hosts[0]!)).rejects.toThrow(
        /ana \(i-0a\): the console's ED25519 host key does not match the fingerprint printed above it/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails at the deadline naming the host and the way out', async () => {
    ec2Mock.on(GetConsoleOutputCommand).resolves({});
    await expect(
      readHostKeyPin(ec2, hosts[0]!, { timeoutMs: 0, sleep: async () => {} }),
    ).rejects.toThrow(
      /ana \(i-0a\): cloud-init has not printed SSH host-key fingerprints.*--accept-new-host-keys/,
    );
  });

  it('says one line per change of the console, with the deadline and the host-key choice first', async () => {
    ec2Mock
      .on(GetConsoleOutputCommand)
      .resolvesOnce({})
      .resolvesOnce({})
      .resolvesOnce({ Output: b64('[    0.0] Linux version 6.8\n') })
      .resolvesOnce({ Output: b64('[    0.0] Linux version 6.8\n') })
      .resolves({ Output: b64(CONSOLE) });
    const said: string[] = [];
    const pin = await readHostKeyPin(ec2, hosts[0]!, {
      sleep: async () => {},
      onProgress: (m) => said.push(m),
    });
    expect(pin.fingerprint).toBe('SHA256:u7xH3mC2cJ0dP8kE1fYq3Wn9rT4sV6bL2aZ5oK8iG0w');
    expect(said).toHaveLength(3);
    expect(said[0]).toMatch(
      /^ana: no console output yet; waiting for cloud-init to print them until \d\d:\d\d:\d\d UTC \(10 min from now\) \(.*`npm exec --no -- streamlab up --accept-new-host-keys` trusts the first key seen instead\)$/,
    );
    expect(said[1]).toMatch(
      /^ana: console output has no host-key fingerprints yet; waiting .* UTC \(10 min from now\)$/,
    );
    expect(said[2]).toBe('ana: host-key fingerprints found in the console output');
  });

  it('says a network error in words', async () => {
    ec2Mock.on(GetConsoleOutputCommand).rejects(
      Object.assign(new Error('getaddrinfo EAI_AGAIN ec2.us-east-1.amazonaws.com'), {
        code: 'EAI_AGAIN',
      }),
    );
    await expect(readHostKeyPin(ec2, hosts[0]!, { sleep: async () => {} })).rejects.toThrow(
      /ana \(i-0a\): cannot read the console output: getaddrinfo EAI_AGAIN .*\(EAI_AGAIN: the name could not be looked up right now/,
    );
  });

  it('skips pinning only when asked to accept new host keys', async () => {
    const inventory = await discoverInventory(ec2, hosts, (h) => `/keys/${h}`, {
      acceptNewHostKeys: true,
    });
    expect(inventory[0]!.hostKeyFingerprint).toBe('');
    expect(ec2Mock.commandCalls(GetConsoleOutputCommand)).toHaveLength(0);
  });

  it('refuses a stopped instance', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0a', State: { Name: 'stopped' } }] }],
    });
    await expect(
      discoverInventory(ec2, hosts, (h) => h, { acceptNewHostKeys: true }),
    ).rejects.toThrow(/ana: instance i-0a is stopped, not running/);
  });
});
