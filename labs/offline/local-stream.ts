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

/** Records in the stream now (every shard, oldest to newest). */
export async function countRecords(client: KinesisClient, stream: string): Promise<number> {
  let total = 0;
  await readToTip(client, stream, { from: 'trim-horizon' }, (page) => (total += page.length));
  return total;
}
