/**
 * How a rehearsal's stand-in hosts reach the emulated Kinesis: a real test host, a real
 * moto on loopback, the Kinesis gate on the hosts' service address and their nftables
 * filter. From inside the host's namespace the gate answers and moto's own port does not;
 * Kinesis calls pass through the gate (a stream made and written), every other service's
 * call is refused there; a second `up` reuses the gate; stopping it closes the port.
 */
import { CreateStreamCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryReporter } from '../../../../labs/progress';
import { kinesisClient } from '../../../../labs/stream/client';
import { ensureHostsEndpoint, stopHostsEndpoint } from '../../../../labs/rehearsal/hosts-endpoint';
import { startMoto, type RunningMoto } from '../../../../labs/rehearsal/moto';
import { run } from '../../../../process/run';
import { hostDown, hostUp, type HostDetails } from '../../../../testhost/api';
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

describeWith(missing)('the stand-ins reach moto through the Kinesis gate only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-gate-'));
  let moto: RunningMoto;
  let host: HostDetails;
  let endpoint: string;
  const rehearsal = () => ({ endpoint: moto.endpoint, dir });

  beforeAll(async () => {
    [moto, host] = await Promise.all([startMoto({ workDir: dir }), hostUp('gate', { runDir })]);
    endpoint = await ensureHostsEndpoint(rehearsal(), runDir, memoryReporter());
  });

  afterAll(async () => {
    await stopHostsEndpoint(dir);
    await hostDown('gate', { runDir }).catch(() => {});
    // The filter names the host's interface, which a later host of any run dir may reuse.
    await removeHostFilter(runDir);
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on the service address, which the host reaches; moto on loopback it does not', async () => {
    const url = new URL(endpoint);
    expect(url.hostname).toMatch(/^10\.200\.\d+\.1$/);
    const netns = readState(runDir, 'gate')!.netns;
    expect(await reachesFrom(netns, url.hostname, Number(url.port))).toBe(true);
    expect(await reachesFrom(netns, url.hostname, moto.port)).toBe(false);
    const { stdout } = await run(['nft', 'list', 'table', 'inet', hostFilterTable(runDir)]);
    expect(stdout).toContain(`tcp dport { `);
    expect(stdout).toContain(url.port);
    void host;
  });

  it('passes Kinesis calls to moto (the SDK as status and tail use it): a stream made and written', async () => {
    const kinesis = kinesisClient({ region: 'us-east-1', endpoint });
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: 'gate-s', ShardCount: 1 }));
      const put = await kinesis.send(
        new PutRecordCommand({ StreamName: 'gate-s', PartitionKey: 'k', Data: Buffer.from('x') }),
      );
      expect(put.ShardId).toMatch(/^shardId-/);
    } finally {
      kinesis.destroy();
    }
  });

  it("refuses every other service's call (IAM, S3): a host may not touch the rest of the lab", async () => {
    const iam = new IAMClient(at(endpoint));
    const s3 = new S3Client({ ...at(endpoint), forcePathStyle: true });
    try {
      await expect(iam.send(new ListRolesCommand({}))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
      await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
      // The same calls straight to moto answer: the refusal is the gate's.
      const direct = new IAMClient(at(moto.endpoint));
      await expect(direct.send(new ListRolesCommand({}))).resolves.toBeDefined();
      direct.destroy();
    } finally {
      iam.destroy();
      s3.destroy();
    }
  });

  it('a second up reuses the running gate; stopping it closes the port', async () => {
    const record = () => JSON.parse(readFileSync(join(dir, 'kinesis-gate.json'), 'utf8'));
    const pid = record().pid as number;
    expect(await ensureHostsEndpoint(rehearsal(), runDir, memoryReporter())).toBe(endpoint);
    expect(record().pid).toBe(pid);
    await stopHostsEndpoint(dir);
    const url = new URL(endpoint);
    const probe = `exec 3<>/dev/tcp/${url.hostname}/${url.port}`;
    expect(
      (await run(['timeout', '2', 'bash', '-c', probe], { allowFailure: true })).code,
    ).not.toBe(0);
  });
});
