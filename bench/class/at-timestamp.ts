/**
 * What `check` and the dashboard ask of every student's stream on the offline lab, timed on
 * the lab's kinesalite (labs/stream/kinesalite-server.js) in-process: GetShardIterator
 * AT_TIMESTAMP for the last 60 s, then its GetRecords, on one shard holding HISTORY older
 * records (a stream's age: 10 records/s for ten minutes is 6,000) and 600 in the window.
 * No root needed.
 *
 *   npx tsx bench/class/at-timestamp.ts [HISTORY=6000] [ROUNDS=5]
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../labs/stream/client';
import { startEmulator } from '../../labs/stream/emulator';

const HISTORY = Number(process.argv[2] ?? 6000);
const ROUNDS = Number(process.argv[3] ?? 5);
const WINDOW = 600;
const STREAM = 'aged';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const emulator = await startEmulator();
  const client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
  const put = async (n: number) => {
    for (let done = 0; done < n; done += 500)
      await client.send(
        new PutRecordsCommand({
          StreamName: STREAM,
          Records: Array.from({ length: Math.min(500, n - done) }, (_, i) => ({
            Data: Buffer.from(
              `{"id":"p${done + i}","text":"a post of about a hundred bytes, as the synthetic source writes"}`,
            ),
            PartitionKey: `k${i}`,
          })),
        }),
      );
  };
  try {
    await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
    await pause(600);
    await put(HISTORY);
    await pause(1100);
    const windowStart = new Date();
    await pause(20);
    await put(WINDOW);
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: STREAM,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: windowStart,
        }),
      );
      const page = await client.send(new GetRecordsCommand({ ShardIterator }));
      times.push(performance.now() - t0);
      if (page.Records?.length !== WINDOW)
        throw new Error(`read ${page.Records?.length} records, expected ${WINDOW}`);
    }
    times.sort((a, b) => a - b);
    console.log(
      `AT_TIMESTAMP + GetRecords, ${HISTORY} older records + ${WINDOW} in the window: ` +
        `median ${times[Math.floor(ROUNDS / 2)]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}) of ${ROUNDS}`,
    );
  } finally {
    client.destroy();
    await emulator.close();
  }
}

void main();
