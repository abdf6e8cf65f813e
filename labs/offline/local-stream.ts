/**
 * The lab's streams on the emulator (one per student): created when missing, deleted when
 * the student leaves or the lab goes down, and counted. Counting reads the stream from the
 * oldest record (kinesalite keeps no counter); fine for a lab's volumes (10 records/s for an
 * hour is 36,000 records, a handful of GetRecords calls).
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  ResourceNotFoundException,
  waitUntilStreamExists,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

/** Creates the stream with `shards` shards unless it exists; resolves when ACTIVE. */
export async function ensureStream(
  client: KinesisClient,
  stream: string,
  shards: number,
): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    return 'exists';
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  await waitUntilStreamExists({ client, maxWaitTime: 30, minDelay: 1 }, { StreamName: stream });
  return 'created';
}

/** Deletes the stream; 'missing' when there was none. Kinesalite deletes it at once. */
export async function deleteStream(
  client: KinesisClient,
  stream: string,
): Promise<'deleted' | 'missing'> {
  try {
    await client.send(new DeleteStreamCommand({ StreamName: stream }));
    return 'deleted';
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return 'missing';
    throw e;
  }
}

/** Records in the stream now (every shard, oldest to newest). */
export async function countRecords(client: KinesisClient, stream: string): Promise<number> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  let total = 0;
  for (const shard of shards) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
      );
      const n = page.Records?.length ?? 0;
      total += n;
      // An empty page at the tip means we have seen everything written so far.
      if (n === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return total;
}
