/**
 * `up` → status → logs → ssh → `down` end to end with REAL parts where they can run here:
 * the real terraform on a local terraform_data stack whose outputs look like the lab's
 * (host_lab_public_dns = a real test host's address, instance id fake), the real
 * provisioner against that host (Debian 12 + systemd + OpenSSH in a network namespace),
 * the real producer writing into kinesalite bound to the host's gateway. Only the AWS
 * control plane is mocked (EC2: status ok, console output with the host's REAL
 * fingerprint block; STS: a caller identity; Tagging API: nothing left; IAM: never called,
 * the stack has no IAM) — aws-sdk-client-mock.
 */
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
} from '@aws-sdk/client-ec2';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  copyFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config/load';
import { keyPathFor } from '../../../../config/hosts';
import type { LabConfig } from '../../../../config/schema';
import { connect } from '../../../../provisioning/engine/connection';
import { fingerprintOf } from '../../../../provisioning/engine/host-key';
import { recapExitCode } from '../../../../provisioning/engine/recap';
import type { TaskEvent } from '../../../../provisioning/engine/runner';
import { hostSpecOf, loadInventory } from '../../../../provisioning/inventory';
import { OperationalError } from '../../../../config/errors';
import { commandContext } from '../../../../scripts/cli/context';
import { command as logsCommand } from '../../../../scripts/commands/logs';
import { command as sshCommand } from '../../../../scripts/commands/ssh';
import { command as statusCommand } from '../../../../scripts/commands/status';
import { acceptNewHostKeys } from '../../../../labs/hosts/accept-host-keys';
import { defaultDownDeps, runDown, type DownDeps } from '../../../../labs/aws/down';
import { awsClientConfig } from '../../../../labs/aws-sdk/clients';
import { probeHost } from '../../../../labs/hosts/host-status';
import { PRODUCER_SERVICE } from '../../../../provisioning/playbooks/producer-host';
import { memoryReporter } from '../../../../labs/progress';
import type { StackDeps } from '../../../../labs/aws/stack';
import { defaultUpDeps, runUp, type UpDeps } from '../../../../labs/aws/up';
import { inventoryPathFor } from '../../../../labs/local-state/paths';
import { runSync } from '../../../../process/run';
import { kinesisClient } from '../../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../../labs/stream/emulator';
import { describeAsRoot } from '../../../support/root';
import { ownRunDir } from '../../../support/run-dir';

// Our own run dir, passed to every test host call: other suites may take down every
// host of the default one.
const here = { runDir: ownRunDir('awsup-test') };
const testhost = require('../../../../testhost/api') as typeof import('../../../../testhost/api');

jest.setTimeout(600_000);

const HOST = 'awsup-lab';
const INSTANCE = 'i-0fa4e000000000001';

/** A stack with the lab's output names, built from terraform_data only (no provider). */
/** The discard port on loopback: nothing listens, so a stray call fails at once. */
const CLOSED_PORT = 'http://127.0.0.1:9';

function localStack(dir: string, address: string): void {
  mkdirSync(dir, { recursive: true });
  const out = (value: string) => ({ value });
  writeFileSync(
    join(dir, 'cdk.tf.json'),
    JSON.stringify({
      resource: { terraform_data: { host_lab: { input: address } } },
      output: {
        region: out('us-east-1'),
        bucket: out('awsup-lake-0123456789ab'),
        host_lab_public_dns: out('${terraform_data.host_lab.output}'),
        host_lab_public_ip: out('${terraform_data.host_lab.output}'),
        host_lab_instance_id: out(INSTANCE),
        stream_lab_name: out('awsup-lab'),
        stream_lab_arn: out('arn:aws:kinesis:us-east-1:000000000000:stream/awsup-lab'),
      },
    }),
  );
}

describeAsRoot(
  'up / status / logs / ssh / down (real terraform + test host, mocked EC2/STS)',
  () => {
    const ec2Mock = mockClient(EC2Client);
    const stsMock = mockClient(STSClient);
    const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);
    const iamMock = mockClient(IAMClient);
    const base = mkdtempSync(join(tmpdir(), 'streamlab-awsup-'));
    const stackDir = join(base, 'cdktf.out', 'stacks', 'awsup');
    let config: LabConfig;
    let host: Awaited<ReturnType<typeof testhost.hostUp>>;
    let emulator: RunningEmulator;
    let inventoryFile: string;
    let hostPublicKey: string;
    const events: TaskEvent[] = [];

    // down's probes by name: Kinesis at kinesalite, S3 and CloudWatch Logs at a closed
    // loopback port (this stack names neither, and a call would fail as "could not check").
    const byNameDeps = (): Pick<DownDeps, 'kinesis' | 's3' | 'logs'> => ({
      kinesis: (region) => kinesisClient({ region, endpoint: emulator.endpoint }),
      s3: (region) => new S3Client(awsClientConfig('S3', region, CLOSED_PORT)),
      logs: (region) =>
        new CloudWatchLogsClient(awsClientConfig('CloudWatch Logs', region, CLOSED_PORT)),
    });

    const stackDeps = (): Pick<StackDeps, 'synth'> => ({
      synth: () => {
        localStack(stackDir, host.address);
        return { stackDir, localStateFile: join(stackDir, 'terraform.tfstate') };
      },
    });

    const capture = async (fn: () => Promise<number>) => {
      const out: string[] = [];
      const err: string[] = [];
      const log = jest
        .spyOn(console, 'log')
        .mockImplementation((...a) => void out.push(a.join(' ')));
      const error = jest
        .spyOn(console, 'error')
        .mockImplementation((...a) => void err.push(a.join(' ')));
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out.push(String(chunk));
        return true;
      });
      try {
        const code = await fn();
        return { code, out: out.join('\n'), err: err.join('\n') };
      } finally {
        log.mockRestore();
        error.mockRestore();
        write.mockRestore();
      }
    };

    beforeAll(async () => {
      host = await testhost.hostUp(HOST, here);
      // kinesalite on the machine side of the host's veth: the producer's stream.
      emulator = await startEmulator(host.gateway);
      const kinesis = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
      await kinesis.send(new CreateStreamCommand({ StreamName: 'awsup-lab', ShardCount: 1 }));
      kinesis.destroy();
      config = parseConfig({
        name: 'awsup',
        region: 'us-east-1',
        operatorCidr: '203.0.113.7/32',
        producer: { source: 'synthetic', rate: 5 },
      });
      // The lab's key path (keysDir/<lab>/<host>) holds the test host's operator key.
      const key = keyPathFor(config, 'lab', base).privateKeyPath;
      mkdirSync(join(key, '..'), { recursive: true });
      copyFileSync(host.privateKeyPath, key);
      chmodSync(key, 0o600);
      taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
      stsMock.on(GetCallerIdentityCommand).resolves({
        Account: '000000000000',
        Arn: 'arn:aws:iam::000000000000:user/operator',
      });
      ec2Mock.on(DescribeInstanceStatusCommand).resolves({
        InstanceStatuses: [
          {
            InstanceId: INSTANCE,
            InstanceStatus: { Status: 'ok' },
            SystemStatus: { Status: 'ok' },
          },
        ],
      });
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [
          {
            Instances: [
              { InstanceId: INSTANCE, State: { Name: 'running' }, PublicDnsName: host.address },
            ],
          },
        ],
      });
      // The host's real public key, read over a connection pinned to its fingerprint.
      const pinned = await connect(hostSpecOf(testhost.inventoryEntry(host)));
      try {
        const pub = await pinned.exec('cat /etc/ssh/ssh_host_ed25519_key.pub', { root: false });
        hostPublicKey = pub.stdout.trim().split(/\s+/).slice(0, 2).join(' ');
      } finally {
        pinned.close();
      }
      // As current cloud-init prints it: fingerprints through `logger -s` (syslog
      // header, tag cloud-init), then the keys themselves; CRLF from the serial console.
      const syslog = '<14>Dec  1 17:59:12 cloud-init: ';
      const consoleText = [
        '[   14.2] cloud-init[901]: Cloud-init v. 24.1 running modules:final',
        `${syslog}#############################################################`,
        `${syslog}-----BEGIN SSH HOST KEY FINGERPRINTS-----`,
        `${syslog}256 ${host.hostKeyFingerprint} root@${HOST} (ED25519)`,
        `${syslog}-----END SSH HOST KEY FINGERPRINTS-----`,
        `${syslog}#############################################################`,
        '-----BEGIN SSH HOST KEY KEYS-----',
        `${hostPublicKey} root@${HOST}`,
        '-----END SSH HOST KEY KEYS-----',
      ].join('\r\n');
      ec2Mock
        .on(GetConsoleOutputCommand)
        .resolves({ Output: Buffer.from(consoleText).toString('base64') });
    });

    afterAll(async () => {
      await emulator?.close();
      await testhost.hostDown(HOST, here);
      rmSync(base, { recursive: true, force: true });
      ec2Mock.restore();
      stsMock.restore();
      taggingMock.restore();
      iamMock.restore();
    });

    it('up: applies, pins the console fingerprint, saves the inventory, provisions', async () => {
      const r = memoryReporter();
      let asked = '';
      const deps: UpDeps = { ...defaultUpDeps, ...stackDeps() };
      const result = await runUp(
        {
          config,
          reporter: r,
          confirm: async (q) => ((asked = q), true),
          baseDir: base,
          connect: { deadlineMs: 30_000, authGraceMs: 3_000 },
          vars: {
            endpointUrl: emulator.endpoint,
            extraEnv: { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
            upgradePip: false,
          },
          onTaskEvent: (e) => events.push(e),
        },
        deps,
      );
      const text = r.lines.join('\n');
      expect(asked).toMatch(/Apply this plan/);
      expect(text).toContain('Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy.');
      expect(text).toMatch(/terraform \| .*Apply complete! Resources: 1 added/);
      expect(text).toContain('AWS account 000000000000');
      expect(result.recap && recapExitCode(result.recap)).toBe(0);
      expect(result.exitCode).toBe(0);
      expect(events.some((e) => e.status === 'changed')).toBe(true);
      expect(text).toContain(
        `host lab: ssh ubuntu@${host.address} (${INSTANCE})  stream awsup-lab`,
      );
      expect(text).toContain('S3 bucket: awsup-lake-0123456789ab');
      expect(text).toContain(
        'next: npm exec --no -- streamlab status | npm exec --no -- streamlab tail | npm exec --no -- streamlab handout',
      );

      inventoryFile = inventoryPathFor('awsup', base);
      expect(result.inventoryFile).toBe(inventoryFile);
      expect(statSync(inventoryFile).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(inventoryFile, 'utf8'));
      expect(saved.hosts).toEqual([
        expect.objectContaining({
          name: 'lab',
          address: host.address,
          hostKeyFingerprint: host.hostKeyFingerprint,
          hostPublicKey,
        }),
      ]);
      expect(ec2Mock.commandCalls(GetConsoleOutputCommand)[0]!.args[0].input.InstanceId).toBe(
        INSTANCE,
      );
    });

    it('up again: no terraform changes, no question, hosts converge with nothing changed', async () => {
      const r = memoryReporter();
      const again: TaskEvent[] = [];
      const result = await runUp(
        {
          config,
          reporter: r,
          confirm: async () => {
            throw new Error('must not ask: nothing to apply');
          },
          baseDir: base,
          connect: { deadlineMs: 30_000 },
          vars: {
            endpointUrl: emulator.endpoint,
            extraEnv: { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
            upgradePip: false,
          },
          onTaskEvent: (e) => again.push(e),
        },
        { ...defaultUpDeps, ...stackDeps() },
      );
      expect(result.exitCode).toBe(0);
      expect(r.lines.join('\n')).toContain('No changes');
      expect(again.filter((e) => e.status === 'changed')).toEqual([]);
    });

    it('status --json: reachable, producer active, records/s flowing into the stream', async () => {
      // The producer needs a moment after its (re)start before records arrive.
      let parsed: { hosts: Array<Record<string, unknown>> } = { hosts: [] };
      let code = -1;
      for (let i = 0; i < 5; i++) {
        const r = await capture(() =>
          statusCommand.run(
            ['--inventory', inventoryFile, '--endpoint-url', emulator.endpoint, '--json'],
            commandContext({ configFile: writeConfig() }),
          ),
        );
        code = r.code;
        parsed = JSON.parse(r.out);
        if ((parsed.hosts[0]?.recordsPerSecond as number) > 0) break;
      }
      expect(parsed.hosts).toEqual([
        expect.objectContaining({
          name: 'lab',
          reachable: true,
          producer: 'active',
          stream: 'awsup-lab',
        }),
      ]);
      expect(parsed.hosts[0]!.recordsPerSecond).toBeGreaterThan(0);
      expect(code).toBe(0);
    });

    it('probeHost: a wrong pin is unreachable with the mismatch, never connected', async () => {
      const other = 'SHA256:' + 'A'.repeat(43);
      const s = await probeHost({
        name: 'lab',
        address: host.address,
        port: 22,
        user: 'ubuntu',
        privateKeyPath: keyPathFor(config, 'lab', base).privateKeyPath,
        hostKeyFingerprint: other,
      });
      expect(s).toMatchObject({ name: 'lab', reachable: false, producer: 'unknown' });
      expect(s.error).toMatch(/host key mismatch/);
    });

    it('logs -n 20: the producer journal over the pinned connection; unknown HOST lists the known', async () => {
      const r = await capture(() =>
        logsCommand.run(['lab', '-n', '20', '--inventory', inventoryFile], commandContext()),
      );
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/streamlab-producer|streamlab_producer|python/);
      await expect(
        logsCommand.run(['nobody', '--inventory', inventoryFile], commandContext()),
      ).rejects.toThrow('unknown host "nobody"; the inventory has: lab');
    });

    it('logs -f: the journal streams until stopped; stopping closes the channel', async () => {
      const [saved] = loadInventory(inventoryFile).hosts;
      const conn = await connect(hostSpecOf(saved!));
      try {
        const abort = new AbortController();
        const chunks: string[] = [];
        const code = await conn.stream(`journalctl -u ${PRODUCER_SERVICE} -f -n 1 --no-pager`, {
          onStdout: (d) => {
            chunks.push(d.toString());
            // New lines keep coming while following: stop after the second chunk.
            if (chunks.length >= 2) abort.abort();
          },
          signal: abort.signal,
        });
        expect(code).toBeNull();
        expect(chunks.length).toBeGreaterThanOrEqual(2);
        // The connection stays usable after a stopped follow.
        expect((await conn.exec('echo still-here', { root: false })).stdout).toBe('still-here\n');
      } finally {
        conn.close();
      }
    });

    it('ssh -- true: exit 0 with a known_hosts holding only the pinned key; a wrong pin is refused', async () => {
      expect(
        await sshCommand.run(['lab', '--inventory', inventoryFile, '--', 'true'], commandContext()),
      ).toBe(0);
      expect(
        await sshCommand.run(
          ['lab', '--inventory', inventoryFile, '--', 'exit 3'],
          commandContext(),
        ),
      ).toBe(3);
      const bad = join(base, 'bad-inventory.json');
      const inv = JSON.parse(readFileSync(inventoryFile, 'utf8'));
      // A fingerprint alone: the key ssh-keyscan reads must match it.
      delete inv.hosts[0].hostPublicKey;
      inv.hosts[0].hostKeyFingerprint = 'SHA256:' + 'B'.repeat(43);
      writeFileSync(bad, JSON.stringify(inv));
      const e = await sshCommand
        .run(['lab', '--inventory', bad, '--', 'true'], commandContext())
        .catch((x) => x);
      expect(e).toBeInstanceOf(OperationalError);
      expect((e as Error).message).toMatch(/presents no key with the pinned fingerprint.*refusing/);
    });

    it('a pinned public key is used as it is: another key is refused by ssh and by logs', async () => {
      const keyFile = join(base, 'impostor_ed25519');
      runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
      const impostor = readFileSync(`${keyFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      const inv = JSON.parse(readFileSync(inventoryFile, 'utf8'));
      inv.hosts[0].hostPublicKey = impostor;
      inv.hosts[0].hostKeyFingerprint = fingerprintOf(
        Buffer.from(impostor.split(' ')[1]!, 'base64'),
      );
      const wrong = join(base, 'impostor-inventory.json');
      writeFileSync(wrong, JSON.stringify(inv));
      // ssh's own StrictHostKeyChecking refuses: 255, "Host key verification failed".
      expect(
        await sshCommand.run(['lab', '--inventory', wrong, '--', 'true'], commandContext()),
      ).toBe(255);
      await expect(
        logsCommand.run(['lab', '-n', '1', '--inventory', wrong], commandContext()),
      ).rejects.toThrow(/host key mismatch/);
    });

    it('accept-new: learns the host key on first connect, and it is the real one', async () => {
      const accepted: string[] = [];
      const [h] = await acceptNewHostKeys(
        [
          {
            name: 'lab',
            address: host.address,
            port: 22,
            user: 'ubuntu',
            privateKeyPath: keyPathFor(config, 'lab', base).privateKeyPath,
            hostKeyFingerprint: '',
          },
        ],
        { onAccepted: (_h, fp) => accepted.push(fp) },
      );
      expect(h!.hostKeyFingerprint).toBe(host.hostKeyFingerprint);
      expect(accepted).toEqual([host.hostKeyFingerprint]);
    });

    it('down: destroys the stack, EC2 shows no leftover, the inventory is removed', async () => {
      ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
      const r = memoryReporter();
      const result = await runDown(
        { config, reporter: r, confirm: async () => true, baseDir: base },
        { ...defaultDownDeps, ...stackDeps(), ...byNameDeps() },
      );
      const text = r.lines.join('\n');
      expect(text).toContain('Plan: 0 to add, 0 to change, 0 to replace, 1 to destroy.');
      expect(text).toContain('awsup is down: nothing tagged lab=awsup remains');
      expect(iamMock.calls()).toHaveLength(0);
      expect(result).toMatchObject({ exitCode: 0, destroyed: true, leftovers: [] });
      expect(existsSync(inventoryFile)).toBe(false);
      // And again: the state is empty now.
      const twice = memoryReporter();
      expect(
        (
          await runDown(
            { config, reporter: twice, confirm: async () => true, baseDir: base },
            { ...defaultDownDeps, ...stackDeps(), ...byNameDeps() },
          )
        ).exitCode,
      ).toBe(0);
      expect(twice.lines.join('\n')).toMatch(/nothing to destroy/);
    });

    /** The config as a file, for the commands that read one. */
    function writeConfig(): string {
      const file = join(base, 'streamlab.yaml');
      if (!existsSync(file))
        writeFileSync(
          file,
          'name: awsup\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\nproducer:\n  source: synthetic\n',
        );
      return file;
    }
  },
);
