/**
 * The offline lab's Kinesis gate, tested from inside real test hosts' network namespaces
 * (two students, as in a class): host A puts to its own stream through its own gate port;
 * through it A can neither delete, write nor read B's stream, nor create a stream; A
 * cannot open B's gate port, nor reach kinesalite itself; taking B's address does not
 * make A into B (the filter drops it by the veth it arrives on); B's stream is still
 * there and takes B's records afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamNameFor } from '../../../../config/hosts';
import { ensureEmulator, stopEmulator } from '../../../../labs/offline/emulator-service';
import {
  ensureGate,
  installLabFilter,
  type HostGateRecord,
} from '../../../../labs/stream/host-gate';
import { countRecords, ensureStream } from '../../../../labs/offline/local-stream';
import { emulatorEndpoint, type EmulatorRecord } from '../../../../labs/offline/record';
import { kinesisClient } from '../../../../labs/stream/client';
import { stopGate } from '../../../../labs/stream/kinesis-gate-service';
import { run } from '../../../../process/run';
import { hostDown, hostUp, type HostDetails } from '../../../../testhost/api';
import { aptCacherEndpoint, hostsServiceAddress } from '../../../../testhost/aptcache';
import { hostFilterTable, removeHostFilter } from '../../../../testhost/host-filter';
import { describeAsRoot } from '../../../support/root';
import { ownRunDir } from '../../../support/run-dir';

jest.setTimeout(300_000);

const runDir = ownRunDir('offline-gate');
const LAB = { name: 'gatelab' };
const REGION = 'us-east-1';

/**
 * One Kinesis call by hand from inside a host's namespace (node runs there on this
 * machine's files, with the host's network), as boto3 sends it: the JSON protocol, a
 * SigV4-shaped Authorization header (kinesalite wants one and checks nothing in it).
 */
const CLIENT = `
const a = JSON.parse(process.argv[1]);
const req = require('http').request({
  host: a.host, port: a.port, method: 'POST', localAddress: a.localAddress, timeout: 3000,
  headers: {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'Kinesis_20131202.' + a.action,
    'x-amz-date': '20260101T000000Z',
    authorization: 'AWS4-HMAC-SHA256 Credential=streamlab-offline/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
  },
}, (res) => {
  let text = '';
  res.on('data', (c) => (text += c));
  res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, body: text })));
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (e) => console.log(JSON.stringify({ error: e.code || e.message })));
req.end(JSON.stringify(a.body));
`;

interface Call {
  readonly port: number;
  readonly action: string;
  readonly body: object;
  readonly localAddress?: string;
}

describeAsRoot("the offline lab's Kinesis gate, from inside the students' hosts (root)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-gate-'));
  const tag = join(dir, 'offline-lab.json');
  let a: HostDetails;
  let b: HostDetails;
  let service: string;
  let emulator: EmulatorRecord | undefined;
  let gate: HostGateRecord | undefined;
  const streamA = streamNameFor(LAB, 'gatea');
  const streamB = streamNameFor(LAB, 'gateb');

  const call = async (host: HostDetails, c: Call) => {
    const { stdout } = await run([
      ...['ip', 'netns', 'exec', host.netns, process.execPath, '-e', CLIENT],
      JSON.stringify({ host: service, ...c }),
    ]);
    return JSON.parse(stdout) as { status?: number; body?: string; error?: string };
  };
  const put = (stream: string) => ({
    StreamName: stream,
    Records: [{ Data: Buffer.from('{"post":1}').toString('base64'), PartitionKey: 'k' }],
  });
  /** PutRecords of one record into `stream`, from `host` through gate port `port`. */
  const putFrom = (host: HostDetails, port: number, stream: string) =>
    call(host, { port, action: 'PutRecords', body: put(stream) });
  /** `ip addr add|del` of `address` on A's side of its link, as its root would. */
  const addressOnA = (verb: 'add' | 'del', address: string) =>
    run(['ip', 'netns', 'exec', a.netns, 'ip', 'addr', verb, `${address}/32`, 'dev', 'eth0']);
  const operator = () => kinesisClient({ region: REGION, endpoint: emulatorEndpoint(emulator!) });

  beforeAll(async () => {
    [a, b] = await Promise.all([hostUp('gatea', { runDir }), hostUp('gateb', { runDir })]);
    service = hostsServiceAddress(runDir)!;
    emulator = (await ensureEmulator(undefined, ['127.0.0.1'], tag, join(dir, 'kinesalite.log')))
      .emulator;
    const client = operator();
    try {
      for (const s of [streamA, streamB]) await ensureStream(client, s, 1);
    } finally {
      client.destroy();
    }
    gate = (
      await ensureGate(undefined, {
        address: service,
        to: emulatorEndpoint(emulator),
        hosts: ['gatea', 'gateb'],
        config: LAB,
        tag,
        log: join(dir, 'gate.log'),
      })
    ).gate;
    await installLabFilter(runDir, gate, aptCacherEndpoint(runDir)!.port);
  });

  afterAll(async () => {
    await removeHostFilter(runDir);
    await stopGate(gate?.pid, tag);
    await stopEmulator(emulator, tag);
    await Promise.all(['gatea', 'gateb'].map((h) => hostDown(h, { runDir })));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets host A put to its own stream through its own port', async () => {
    const reply = await putFrom(a, gate!.ports.gatea!, streamA);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body!).FailedRecordCount).toBe(0);
    const reply2 = await call(a, {
      port: gate!.ports.gatea!,
      action: 'ListShards',
      body: { StreamName: streamA },
    });
    expect(reply2.status).toBe(200);
  });

  it("refuses A every call on B's stream, and CreateStream, through A's port", async () => {
    const port = gate!.ports.gatea!;
    const attempts: [string, object][] = [
      ['DeleteStream', { StreamName: streamB }],
      ['PutRecords', put(streamB)],
      ['PutRecord', { StreamName: streamB, Data: 'eA==', PartitionKey: 'k' }],
      [
        'GetShardIterator',
        { StreamName: streamB, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' },
      ],
      ['DescribeStreamSummary', { StreamName: streamB }],
      ['CreateStream', { StreamName: `${LAB.name}-mallory`, ShardCount: 1 }],
      ['ListStreams', {}],
      // Its own stream may not be deleted either (on AWS a host's role may only put).
      ['DeleteStream', { StreamName: streamA }],
    ];
    for (const [action, body] of attempts) {
      const reply = await call(a, { port, action, body });
      expect({ action, status: reply.status }).toEqual({ action, status: 403 });
      expect(reply.body).toMatch(/^.+\n$/);
    }
  });

  it("keeps A from B's gate port and from kinesalite itself", async () => {
    const reply = await putFrom(a, gate!.ports.gateb!, streamB);
    expect(reply.error).toBeDefined();
    const direct = await call(a, {
      port: emulator!.port,
      action: 'DeleteStream',
      body: { StreamName: streamB },
    });
    expect(direct.error).toBeDefined();
  });

  it("does not take A for B when A takes B's address", async () => {
    const drops = async () => {
      const { stdout } = await run([
        'nft',
        '-j',
        'list',
        'chain',
        'inet',
        hostFilterTable(runDir),
        'input',
      ]);
      const rules = (
        JSON.parse(stdout).nftables as { rule?: { expr: { counter?: { packets: number } }[] } }[]
      ).flatMap((e) => e.rule?.expr ?? []);
      return rules.find((x) => x.counter)!.counter!.packets;
    };
    await addressOnA('add', b.address);
    try {
      const before = await drops();
      const reply = await call(a, {
        port: gate!.ports.gateb!,
        action: 'DeleteStream',
        body: { StreamName: streamB },
        localAddress: b.address,
      });
      expect(reply.error).toBeDefined();
      // Dropped by the filter on A's veth, not lost on the way back: the drop counter grew.
      expect(await drops()).toBeGreaterThan(before);
    } finally {
      await addressOnA('del', b.address);
    }
  });

  it("leaves B's stream in place, taking B's records through B's own port", async () => {
    const reply = await putFrom(b, gate!.ports.gateb!, streamB);
    expect(reply.status).toBe(200);
    const client = operator();
    try {
      // Exactly B's one record: none of A's attempts landed in it.
      expect(await countRecords(client, streamB)).toBe(1);
      expect(await countRecords(client, streamA)).toBe(1);
    } finally {
      client.destroy();
    }
  });
});
