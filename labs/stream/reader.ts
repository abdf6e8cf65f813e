/**
 * Reads every shard of a stream, as the course's Spark job did, but from a terminal:
 * poll GetRecords on each shard (≤ 5 calls/s/shard allowed; we use ≤ 1), follow
 * NextShardIterator, and report the input rate.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { shardIds } from './shard-pages';
import { sleep } from '../../process/run';

export interface StreamRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly arrivedAt: Date;
  readonly data: Buffer;
}

export interface TickStats {
  /** Records and bytes read in this tick, per second. */
  readonly recordsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly total: number;
  /** Largest MillisBehindLatest over the shards: how far the reader lags. */
  readonly millisBehind: number;
}

export interface ReadOptions {
  readonly from: 'latest' | 'trim-horizon';
  readonly pollMs?: number;
  /** Stop after this many records. */
  readonly limit?: number;
  readonly signal?: AbortSignal;
  readonly onRecord?: (r: StreamRecord) => void;
  readonly onTick?: (s: TickStats) => void;
  /** Records asked for per GetRecords call. @default 10000 (the API's most) */
  readonly recordsPerCall?: number;
  /** Awaited before each poll: a consumer that is behind holds the reader back. */
  readonly beforePoll?: () => Promise<void>;
}

/** Reads until the limit, the abort signal, or every shard is closed. Returns the count. */
export async function readStream(
  client: KinesisClient,
  stream: string,
  opts: ReadOptions,
): Promise<number> {
  const type: ShardIteratorType = opts.from === 'latest' ? 'LATEST' : 'TRIM_HORIZON';
  const iterators = new Map<string, string | undefined>();
  for (const id of await shardIds(client, stream)) {
    const it = await client.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: id, ShardIteratorType: type }),
    );
    iterators.set(id, it.ShardIterator);
  }
  const pollMs = opts.pollMs ?? 1000;
  let total = 0;
  while (!opts.signal?.aborted && [...iterators.values()].some(Boolean)) {
    await opts.beforePoll?.();
    const started = Date.now();
    let records = 0;
    let bytes = 0;
    let millisBehind = 0;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const res = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: opts.recordsPerCall ?? 10000 }),
      );
      iterators.set(shardId, res.NextShardIterator);
      millisBehind = Math.max(millisBehind, res.MillisBehindLatest ?? 0);
      for (const r of res.Records ?? []) {
        const data = Buffer.from(r.Data ?? new Uint8Array());
        records++;
        bytes += data.length;
        total++;
        opts.onRecord?.({
          shardId,
          sequenceNumber: r.SequenceNumber!,
          partitionKey: r.PartitionKey!,
          arrivedAt: r.ApproximateArrivalTimestamp ?? new Date(),
          data,
        });
        if (opts.limit !== undefined && total >= opts.limit) return total;
      }
    }
    const elapsed = Math.max(Date.now() - started, pollMs) / 1000;
    opts.onTick?.({
      recordsPerSecond: records / elapsed,
      bytesPerSecond: bytes / elapsed,
      total,
      millisBehind,
    });
    await sleep(Math.max(0, pollMs - (Date.now() - started)), opts.signal);
  }
  return total;
}

/** One line for a producer record: `@author: text #tags (place)`, or the raw bytes. */
export function describeRecord(r: StreamRecord, width = 100): string {
  let line: string;
  try {
    const post = JSON.parse(r.data.toString('utf8')) as {
      author?: string;
      text?: string;
      hashtags?: string[];
      place?: string | null;
    };
    const tags = (post.hashtags ?? []).map((t) => `#${t.replace(/^#/, '')}`).join(' ');
    line = `@${post.author ?? r.partitionKey}: ${(post.text ?? '').replace(/\s+/g, ' ')}${tags ? ` ${tags}` : ''}${post.place ? ` (${post.place})` : ''}`;
  } catch {
    line = `${r.partitionKey}: ${r.data.toString('utf8').replace(/\s+/g, ' ')}`;
  }
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
