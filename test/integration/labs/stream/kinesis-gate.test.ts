/**
 * One host's port of the Kinesis gate in front of a real kinesalite (on 127.0.0.1, no root):
 * the AWS SDK's own calls on the host's stream go through and land; a classmate's stream
 * cannot be deleted, written or read through it, nor a stream created; a body past the
 * bound is answered 413 without being buffered or passed on, and the gate serves on.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { once } from 'node:events';
import { request, type Server } from 'node:http';
import { kinesisClient } from '../../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../../labs/stream/emulator';
import { countRecords } from '../../../../labs/offline/local-stream';

const { ownStreamGate, MAX_BODY_BYTES } = require('../../../../labs/stream/kinesis-gate') as {
  ownStreamGate(to: URL, stream: string): Server;
  MAX_BODY_BYTES: number;
};

jest.setTimeout(60_000);

const OWN = 'gate-ana';
const OTHER = 'gate-bruno';
const REGION = 'us-east-1';

describe("the Kinesis gate's own-stream port, in front of kinesalite", () => {
  let emulator: RunningEmulator;
  let operator: KinesisClient;
  let gate: Server;
  let gatePort: number;
  let host: KinesisClient;

  beforeAll(async () => {
    emulator = await startEmulator();
    operator = kinesisClient({ region: REGION, endpoint: emulator.endpoint });
    for (const StreamName of [OWN, OTHER])
      await operator.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    gate = ownStreamGate(new URL(emulator.endpoint), OWN);
    gate.listen(0, '127.0.0.1');
    await once(gate, 'listening');
    gatePort = (gate.address() as { port: number }).port;
    host = kinesisClient({ region: REGION, endpoint: `http://127.0.0.1:${gatePort}` });
  });

  afterAll(async () => {
    host?.destroy();
    operator?.destroy();
    await new Promise((r) => gate?.close(r));
    await emulator?.close();
  });

  const records = [{ Data: Buffer.from('{"x":1}'), PartitionKey: 'k' }];

  it("passes the SDK's calls on the host's own stream", async () => {
    const shards = await host.send(new ListShardsCommand({ StreamName: OWN }));
    expect(shards.Shards).toHaveLength(1);
    await host.send(new DescribeStreamSummaryCommand({ StreamName: OWN }));
    const put = await host.send(new PutRecordsCommand({ StreamName: OWN, Records: records }));
    expect(put.FailedRecordCount).toBe(0);
    expect(await countRecords(operator, OWN)).toBe(1);
  });

  it("refuses a classmate's stream and every other call, with the reason", async () => {
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => 'passed',
        (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
      );
    expect(await refused(host.send(new DeleteStreamCommand({ StreamName: OTHER })))).toBe(403);
    expect(
      await refused(host.send(new PutRecordsCommand({ StreamName: OTHER, Records: records }))),
    ).toBe(403);
    expect(
      await refused(
        host.send(
          new GetShardIteratorCommand({
            StreamName: OTHER,
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        ),
      ),
    ).toBe(403);
    expect(
      await refused(host.send(new CreateStreamCommand({ StreamName: 'gate-new', ShardCount: 1 }))),
    ).toBe(403);
    // Its own stream cannot be deleted either: on AWS a host's role may only put.
    expect(await refused(host.send(new DeleteStreamCommand({ StreamName: OWN })))).toBe(403);
    const reply = await raw(JSON.stringify({ StreamName: OTHER }), 'Kinesis_20131202.DeleteStream');
    expect(reply).toEqual({
      status: 403,
      body: 'DeleteStream is not allowed: a host may put records to its own stream only\n',
    });
    // Nothing of it reached the emulator: both streams are there, the classmate's empty.
    await operator.send(new DescribeStreamSummaryCommand({ StreamName: OTHER }));
    await operator.send(new DescribeStreamSummaryCommand({ StreamName: OWN }));
    expect(await countRecords(operator, OTHER)).toBe(0);
  });

  it('answers a body past the bound with 413, passes nothing on, and serves on', async () => {
    const before = await countRecords(operator, OWN);
    // Declared too large: refused before a byte of the body is read.
    const declared = await raw(
      '{"StreamName":"gate-ana","Records":[',
      'Kinesis_20131202.PutRecords',
      {
        'content-length': String(MAX_BODY_BYTES + 1),
      },
    );
    expect(declared.status).toBe(413);
    // Sent without a length (chunked), growing past the bound: refused once it passes it,
    // or the connection is cut while the client still writes.
    const endless = await chunkedUntilAnswered(MAX_BODY_BYTES + 2 * 1024 * 1024);
    expect([413, 'reset']).toContain(endless);
    expect(await countRecords(operator, OWN)).toBe(before);
    const put = await host.send(new PutRecordsCommand({ StreamName: OWN, Records: records }));
    expect(put.FailedRecordCount).toBe(0);
  });

  /** One request by hand; with a declared length, only the start of the body is sent. */
  function raw(
    body: string,
    target: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number | undefined; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: gatePort,
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': target,
            authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/kinesis/aws4_request',
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode, body: text }));
        },
      );
      req.on('error', reject);
      if (headers['content-length']) req.write(body);
      else req.end(body);
    });
  }

  /** Writes a chunked body of up to `bytes` until the gate answers or cuts the connection. */
  function chunkedUntilAnswered(bytes: number): Promise<number | 'reset'> {
    return new Promise((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: gatePort,
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.PutRecords',
        },
      });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => answered || resolve('reset'));
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (!answered && sent < bytes) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
  }
});
