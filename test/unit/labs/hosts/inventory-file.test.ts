/**
 * From Terraform outputs and the EC2 API (aws-sdk-client-mock: the control plane cannot
 * run here) to the saved inventory: pinned fingerprints, key paths, atomic 0600 file.
 */
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config/load';
import { OperationalError, UsageError } from '../../../../config/errors';
import { findHost, writeInventory } from '../../../../labs/hosts/inventory-file';
import { buildInventory, labOutputs } from '../../../../labs/aws/lab-inventory';
import { InventoryError, loadInventory } from '../../../../provisioning/inventory';

const config = parseConfig({
  name: 'demo',
  region: 'us-east-1',
  operatorCidr: '203.0.113.7/32',
  students: ['ana-maria', 'bruno'],
});

const FP = {
  ana: 'SHA256:u7xH3mC2cJ0dP8kE1fYq3Wn9rT4sV6bL2aZ5oK8iG0w',
  bruno: 'SHA256:Qm3cXbq1vYk7gJ0Hh0a8w2mG3kq9Yt3Xo1n0pX5m8Zs',
};
const consoleOf = (fp: string) =>
  Buffer.from(
    [
      'Cloud-init v. 24.1 finished',
      '-----BEGIN SSH HOST KEY FINGERPRINTS-----',
      `256 ${fp} root@ip-10-0-1-5 (ED25519)`,
      '-----END SSH HOST KEY FINGERPRINTS-----',
    ].join('\n'),
  ).toString('base64');

const outputsJson = (): Record<string, { value: unknown; type: unknown; sensitive: boolean }> => {
  const o = (value: string) => ({ value, type: 'string', sensitive: false });
  return {
    region: o('us-east-1'),
    bucket: o('demo-lake-0123456789ab'),
    host_ana_maria_public_dns: o('ec2-1.compute-1.amazonaws.com'),
    host_ana_maria_public_ip: o('198.51.100.1'),
    host_ana_maria_instance_id: o('i-0aaa'),
    stream_ana_maria_name: o('demo-ana-maria'),
    stream_ana_maria_arn: o('arn:aws:kinesis:us-east-1:1:stream/demo-ana-maria'),
    host_bruno_public_dns: o('ec2-2.compute-1.amazonaws.com'),
    host_bruno_public_ip: o('198.51.100.2'),
    host_bruno_instance_id: o('i-0bbb'),
    stream_bruno_name: o('demo-bruno'),
    stream_bruno_arn: o('arn:aws:kinesis:us-east-1:1:stream/demo-bruno'),
  };
};

describe('inventory from outputs + discovery (mocked EC2 API)', () => {
  const ec2Mock = mockClient(EC2Client);
  const ec2 = new EC2Client({ region: 'us-east-1' });
  const work = mkdtempSync(join(tmpdir(), 'streamlab-inv-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(DescribeInstanceStatusCommand).resolves({
      InstanceStatuses: ['i-0aaa', 'i-0bbb'].map((id) => ({
        InstanceId: id,
        InstanceStatus: { Status: 'ok' },
        SystemStatus: { Status: 'ok' },
      })),
    });
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-0aaa', State: { Name: 'running' }, PublicDnsName: 'ec2-1.x' },
            { InstanceId: 'i-0bbb', State: { Name: 'running' }, PublicDnsName: 'ec2-2.x' },
          ],
        },
      ],
    });
    ec2Mock
      .on(GetConsoleOutputCommand, { InstanceId: 'i-0aaa' })
      .resolves({ Output: consoleOf(FP.ana) })
      .on(GetConsoleOutputCommand, { InstanceId: 'i-0bbb' })
      .resolves({ Output: consoleOf(FP.bruno) });
  });

  it('builds one pinned entry per host, in config order, with the key paths of keysDir', async () => {
    const hosts = await buildInventory(config, labOutputs(config, outputsJson()), {
      ec2,
      baseDir: '/labs/x',
    });
    expect(hosts).toEqual([
      {
        name: 'ana-maria',
        address: 'ec2-1.x',
        port: 22,
        user: 'ubuntu',
        privateKeyPath: '/labs/x/.streamlab/keys/demo/ana-maria',
        hostKeyFingerprint: FP.ana,
      },
      {
        name: 'bruno',
        address: 'ec2-2.x',
        port: 22,
        user: 'ubuntu',
        privateKeyPath: '/labs/x/.streamlab/keys/demo/bruno',
        hostKeyFingerprint: FP.bruno,
      },
    ]);
    // The saved file round-trips through the provisioner's own loader.
    const file = join(work, 'demo', 'inventory.json');
    writeInventory(file, hosts);
    expect(loadInventory(file).hosts).toEqual(hosts);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(work, 'demo')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(work, 'demo'))).toEqual(['inventory.json']);
    expect(JSON.parse(readFileSync(file, 'utf8')).hosts[1].hostKeyFingerprint).toBe(FP.bruno);
  });

  it('--accept-new-host-keys keeps the pins an earlier up saved for the same address (mock)', async () => {
    const previous = [
      {
        name: 'ana-maria',
        address: 'ec2-1.x',
        port: 22,
        user: 'ubuntu',
        privateKeyPath: '/k/a',
        hostKeyFingerprint: FP.ana,
      },
      {
        name: 'bruno',
        address: 'ec2-2.x',
        port: 22,
        user: 'ubuntu',
        privateKeyPath: '/k/b',
        hostKeyFingerprint: FP.bruno,
      },
    ];
    // Every host keeps its pin, so nothing connects (no SSH server exists here).
    const hosts = await buildInventory(config, labOutputs(config, outputsJson()), {
      ec2,
      acceptNewHostKeys: true,
      previous,
    });
    expect(hosts.map((h) => h.hostKeyFingerprint)).toEqual([FP.ana, FP.bruno]);
    expect(ec2Mock.commandCalls(GetConsoleOutputCommand)).toHaveLength(0);
  });

  it('outputs of a stack never applied with this config: says to run `streamlab up`', () => {
    const partial = outputsJson();
    delete partial.host_bruno_instance_id;
    expect(() => labOutputs(config, partial)).toThrow(OperationalError);
    expect(() => labOutputs(config, partial)).toThrow(
      /"host_bruno_instance_id" is missing.*run `streamlab up`/,
    );
  });

  it('refuses to save an entry without a pinned key, and keeps the old file', () => {
    const file = join(work, 'keep', 'inventory.json');
    const pinned = {
      name: 'lab',
      address: 'a',
      port: 22,
      user: 'ubuntu',
      privateKeyPath: '/k',
      hostKeyFingerprint: FP.ana,
    };
    writeInventory(file, [pinned]);
    const before = readFileSync(file, 'utf8');
    expect(() => writeInventory(file, [{ ...pinned, hostKeyFingerprint: '' }])).toThrow(
      InventoryError,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(join(work, 'keep'))).toEqual(['inventory.json']);
  });

  it('unknown HOST lists the known', () => {
    const inv = {
      hosts: [
        { name: 'ana', address: 'a', port: 22, user: 'ubuntu', privateKeyPath: '/k' },
        { name: 'bruno', address: 'b', port: 22, user: 'ubuntu', privateKeyPath: '/k' },
      ],
    };
    expect(() => findHost(inv, 'carla')).toThrow(UsageError);
    expect(() => findHost(inv, 'carla')).toThrow(
      'unknown host "carla"; the inventory has: ana, bruno',
    );
  });
});
