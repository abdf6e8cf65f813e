/**
 * A stream read once, shard by shard, from a starting point to its tip: the one way the
 * lab pages a stream's shards for a count or a window (the class's last minute, the
 * offline lab's record count). The continuous reader (./reader.ts) follows shards instead.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type _Record,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

/** Every shard's id, following ListShards' pages. */
export async function shardIds(client: KinesisClient, stream: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const res = await client.send(
      token
        ? new ListShardsCommand({ NextToken: token })
        : new ListShardsCommand({ StreamName: stream }),
    );
    ids.push(...(res.Shards ?? []).map((s) => s.ShardId!));
    token = res.NextToken;
  } while (token);
  return ids;
}

/**
 * Where each shard's read starts: its oldest record, or the first at or after a time —
 * except, with `after`, a shard named there, which resumes just after that sequence number
 * (a window read again reads only what is new).
 */
export type ReadFrom =
  'trim-horizon' | { readonly at: Date; readonly after?: ReadonlyMap<string, string> };

export interface ReadToTipOptions {
  readonly from: ReadFrom;
  /** GetRecords pages per shard at most: a bound on time. @default unbounded */
  readonly maxPages?: number;
  /** Records per GetRecords page at most. @default 10_000 (the API's own maximum) */
  readonly pageLimit?: number;
}

/**
 * Reads every shard (in parallel) from `from` until a page comes back empty or at the tip
 * (MillisBehindLatest 0: nothing newer had arrived when that read began), handing each
 * page's records to `onPage`.
 */
export async function readToTip(
  client: KinesisClient,
  stream: string,
  opts: ReadToTipOptions,
  onPage: (records: readonly _Record[], shardId: string) => void,
): Promise<void> {
  const maxPages = opts.maxPages ?? Infinity;
  const ids = await shardIds(client, stream);
  await Promise.all(
    ids.map(async (ShardId) => {
      const from = opts.from;
      const after = from === 'trim-horizon' ? undefined : from.after?.get(ShardId);
      let iterator = (
        await client.send(
          new GetShardIteratorCommand(
            from === 'trim-horizon'
              ? { StreamName: stream, ShardId, ShardIteratorType: 'TRIM_HORIZON' }
              : after
                ? {
                    StreamName: stream,
                    ShardId,
                    ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
                    StartingSequenceNumber: after,
                  }
                : {
                    StreamName: stream,
                    ShardId,
                    ShardIteratorType: 'AT_TIMESTAMP',
                    Timestamp: from.at,
                  },
          ),
        )
      ).ShardIterator;
      for (let page = 0; iterator && page < maxPages; page++) {
        const res = await client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: opts.pageLimit ?? 10_000 }),
        );
        const records = res.Records ?? [];
        onPage(records, ShardId);
        if (records.length === 0 || res.MillisBehindLatest === 0) break;
        iterator = res.NextShardIterator;
      }
    }),
  );
}
