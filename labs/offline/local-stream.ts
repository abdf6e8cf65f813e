/**
 * The lab's streams on the emulator (one per student): created when missing, deleted when
 * the student leaves or the lab goes down, and asked whether a record has arrived: one
 * record per shard read from the oldest, whatever the stream holds (`lab up` asks all of a
 * class's streams every second while it waits; kinesalite, single-threaded, also takes
 * every producer's PutRecords).
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceNotFoundException,
  waitUntilStreamExists,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { readToTip } from '../stream/shard-pages';

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

/** Whether the stream holds a record: one GetRecords of at most one record per shard. */
export async function hasRecord(client: KinesisClient, stream: string): Promise<boolean> {
  let found = false;
  await readToTip(client, stream, { from: 'trim-horizon', maxPages: 1, pageLimit: 1 }, (page) => {
    if (page.length > 0) found = true;
  });
  return found;
}

/**
 * Records in the stream now (every shard, oldest to newest): an exact count that reads the
 * whole stream, for the tests that prove what a gate let through; the lab itself asks
 * hasRecord or reads the last minute.
 */
export async function countRecords(client: KinesisClient, stream: string): Promise<number> {
  let total = 0;
  await readToTip(client, stream, { from: 'trim-horizon' }, (page) => (total += page.length));
  return total;
}
