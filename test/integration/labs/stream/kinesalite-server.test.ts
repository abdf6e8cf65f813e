/**
 * GetShardIterator AT_TIMESTAMP on the lab's kinesalite (labs/stream/kinesalite-server.js
 * answers it from the shard's tip backwards): the iterator starts at the first record that
 * arrived at or after the timestamp, whatever came before; with none, at the tip, so a
 * record put afterwards is read and nothing older is.
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../../labs/stream/emulator';

jest.setTimeout(60_000);

const STREAM = 'window';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kinesalite-server: GetShardIterator AT_TIMESTAMP', () => {
  let emulator: RunningEmulator;
  let client: KinesisClient;
  let atStart: Date;
  let between: Date;

  const put = (ids: string[]) =>
    client.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: ids.map((id) => ({ Data: Buffer.from(id), PartitionKey: id })),
      }),
    );

  /** The records read from an AT_TIMESTAMP iterator at `at`, as their data. */
  async function readFrom(at: Date): Promise<string[]> {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: STREAM,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: at,
      }),
    );
    const page = await client.send(new GetRecordsCommand({ ShardIterator }));
    return (page.Records ?? []).map((r) => Buffer.from(r.Data!).toString());
  }

  beforeAll(async () => {
    emulator = await startEmulator();
    client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
    await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
    await pause(600); // kinesalite's CREATING → ACTIVE
    atStart = new Date();
    await pause(20);
    await put(['old1', 'old2', 'old3', 'old4']);
    await pause(1100);
    between = new Date();
    await pause(20);
    await put(['new1', 'new2']);
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
  });

  it('starts at the first record at or after the timestamp', async () => {
    expect(await readFrom(between)).toEqual(['new1', 'new2']);
    expect(await readFrom(atStart)).toEqual(['old1', 'old2', 'old3', 'old4', 'new1', 'new2']);
  });

  it('with no record since the timestamp, starts at the tip', async () => {
    await pause(20);
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: STREAM,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Date(),
      }),
    );
    await put(['later']);
    const page = await client.send(new GetRecordsCommand({ ShardIterator }));
    expect((page.Records ?? []).map((r) => Buffer.from(r.Data!).toString())).toEqual(['later']);
  });

  it("keeps kinesalite's own answer for a shard the stream does not have", async () => {
    await expect(
      client.send(
        new GetShardIteratorCommand({
          StreamName: STREAM,
          ShardId: 'shardId-000000000007',
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: between,
        }),
      ),
    ).rejects.toThrow(/shardId-000000000007.*does not exist/);
  });
});
