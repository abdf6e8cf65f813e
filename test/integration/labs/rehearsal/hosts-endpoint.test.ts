/**
 * How a rehearsal's stand-in hosts reach the emulated Kinesis: two real test hosts (two
 * students), a real moto on loopback, the Kinesis gate on the hosts' service address and
 * their nftables filter. From inside Ana's namespace her own gate port answers, Bruno's and
 * moto's own do not; through her port her producer's calls on her stream pass, a put to
 * Bruno's stream, a stream made or deleted, and every other service's call are refused
 * (moto itself checks no policy: the refusals are the gate's); a second `up` reuses the
 * gate and keeps each port; stopping it closes them.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryReporter } from '../../../../labs/progress';
import { kinesisClient } from '../../../../labs/stream/client';
import {
  ensureHostsEndpoint,
  stopHostsEndpoint,
  type HostsKinesis,
} from '../../../../labs/rehearsal/hosts-endpoint';
import { startMoto, type RunningMoto } from '../../../../labs/rehearsal/moto';
import { run } from '../../../../process/run';
import { hostDown, hostUp } from '../../../../testhost/api';
import { hostFilterTable, removeHostFilter } from '../../../../testhost/host-filter';
import { readState } from '../../../../testhost/state';
import { describeWith, missingMoto } from '../../../support/emulated-aws';
import { isRoot } from '../../../support/root';
import { ownRunDir } from '../../../support/run-dir';

jest.setTimeout(300_000);

const runDir = ownRunDir('hosts-endpoint');
const missing = () => [
  ...missingMoto(),
  ...(isRoot ? [] : ['root (the stand-in is a systemd-nspawn test host)']),
];

/** Whether a TCP connection from inside the namespace to address:port completes (≤ 2 s). */
async function reachesFrom(netns: string, address: string, port: number): Promise<boolean> {
  const probe = `exec 3<>/dev/tcp/${address}/${port}`;
  const argv = ['ip', 'netns', 'exec', netns, 'timeout', '2', 'bash', '-c', probe];
  return (await run(argv, { allowFailure: true })).code === 0;
}

/** SDK settings for a call to `endpoint` with moto's test credentials, tried once. */
const at = (endpoint: string) => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  maxAttempts: 1,
});

describeWith(missing)(
  'each stand-in reaches its own stream in moto, through its own gate port only',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-gate-'));
    const config = { name: 'gatelab', students: ['gana', 'gbruno'] };
    let moto: RunningMoto;
    let kinesis: HostsKinesis;
    const rehearsal = () => ({ endpoint: moto.endpoint, dir });
    const port = (host: string) => Number(new URL(kinesis.producerEndpoints[host]!).port);
    const netnsOf = (host: string) => readState(runDir, host)!.netns;

    beforeAll(async () => {
      [moto] = await Promise.all([
        startMoto({ workDir: dir }),
        hostUp('gana', { runDir }),
        hostUp('gbruno', { runDir }),
      ]);
      const direct = kinesisClient({ region: 'us-east-1', endpoint: moto.endpoint });
      for (const StreamName of ['gatelab-gana', 'gatelab-gbruno'])
        await direct.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
      direct.destroy();
      kinesis = await ensureHostsEndpoint(rehearsal(), runDir, config, memoryReporter());
    });

    afterAll(async () => {
      await stopHostsEndpoint(dir);
      for (const h of config.students) await hostDown(h, { runDir }).catch(() => {});
      // The filter names the hosts' interfaces, which a later host of any run dir may reuse.
      await removeHostFilter(runDir);
      await moto?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("streamlab reads moto itself; each producer gets its own port on the hosts' service address", () => {
      expect(kinesis.endpoint).toBe(moto.endpoint);
      const [ana, bruno] = config.students.map((h) => new URL(kinesis.producerEndpoints[h]!));
      expect(ana!.hostname).toMatch(/^10\.200\.\d+\.1$/);
      expect(bruno!.hostname).toBe(ana!.hostname);
      expect(bruno!.port).not.toBe(ana!.port);
    });

    it("from Ana's host: her own port answers; Bruno's port and moto's own do not", async () => {
      const address = new URL(kinesis.producerEndpoints.gana!).hostname;
      expect(await reachesFrom(netnsOf('gana'), address, port('gana'))).toBe(true);
      expect(await reachesFrom(netnsOf('gana'), address, port('gbruno'))).toBe(false);
      expect(await reachesFrom(netnsOf('gana'), address, moto.port)).toBe(false);
      expect(await reachesFrom(netnsOf('gbruno'), address, port('gbruno'))).toBe(true);
      const { stdout } = await run(['nft', 'list', 'table', 'inet', hostFilterTable(runDir)]);
      expect(stdout).toContain(String(port('gana')));
    });

    it("through Ana's port: her producer's calls on her stream pass; Bruno's stream, a new stream and a delete do not", async () => {
      const viaAna = kinesisClient({
        region: 'us-east-1',
        endpoint: kinesis.producerEndpoints.gana,
      });
      const put = (StreamName: string) =>
        viaAna.send(
          new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('x') }),
        );
      try {
        expect((await put('gatelab-gana')).ShardId).toMatch(/^shardId-/);
        await expect(
          viaAna.send(new DescribeStreamSummaryCommand({ StreamName: 'gatelab-gana' })),
        ).resolves.toBeDefined();
        const refused = { $metadata: { httpStatusCode: 403 } };
        await expect(put('gatelab-gbruno')).rejects.toMatchObject(refused);
        await expect(
          viaAna.send(new CreateStreamCommand({ StreamName: 'gatelab-eve', ShardCount: 1 })),
        ).rejects.toMatchObject(refused);
        await expect(
          viaAna.send(new DeleteStreamCommand({ StreamName: 'gatelab-gbruno' })),
        ).rejects.toMatchObject(refused);
      } finally {
        viaAna.destroy();
      }
      // Bruno's stream is still there, and the refusals were the gate's: moto checks nothing.
      const direct = kinesisClient({ region: 'us-east-1', endpoint: moto.endpoint });
      try {
        await expect(
          direct.send(new DescribeStreamSummaryCommand({ StreamName: 'gatelab-gbruno' })),
        ).resolves.toBeDefined();
      } finally {
        direct.destroy();
      }
    });

    it("refuses every other service's call (IAM, S3): a host may not touch the rest of the lab", async () => {
      const endpoint = kinesis.producerEndpoints.gana!;
      const iam = new IAMClient(at(endpoint));
      const s3 = new S3Client({ ...at(endpoint), forcePathStyle: true });
      try {
        await expect(iam.send(new ListRolesCommand({}))).rejects.toMatchObject({
          $metadata: { httpStatusCode: 403 },
        });
        await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({
          $metadata: { httpStatusCode: 403 },
        });
        // The same call straight to moto answers: the refusal is the gate's.
        const direct = new IAMClient(at(moto.endpoint));
        await expect(direct.send(new ListRolesCommand({}))).resolves.toBeDefined();
        direct.destroy();
      } finally {
        iam.destroy();
        s3.destroy();
      }
    });

    it('a second up reuses the running gate and every port; stopping it closes them', async () => {
      const record = () => JSON.parse(readFileSync(join(dir, 'kinesis-gate.json'), 'utf8'));
      const pid = record().pid as number;
      const again = await ensureHostsEndpoint(rehearsal(), runDir, config, memoryReporter());
      expect(again).toEqual(kinesis);
      expect(record().pid).toBe(pid);
      await stopHostsEndpoint(dir);
      const url = new URL(kinesis.producerEndpoints.gana!);
      const probe = `exec 3<>/dev/tcp/${url.hostname}/${url.port}`;
      expect(
        (await run(['timeout', '2', 'bash', '-c', probe], { allowFailure: true })).code,
      ).not.toBe(0);
    });
  },
);
