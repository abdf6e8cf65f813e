/**
 * Records per second into a host's stream, for `status`. On AWS: the stream's CloudWatch
 * IncomingRecords metric (the one the course watches), the newest minute. Against a local
 * emulator (no CloudWatch there): count what GetRecords returns during a short window.
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { readStream } from './reader';

export interface StreamRate {
  readonly stream: string;
  /** undefined when no datapoint exists yet (CloudWatch lags ~1-2 minutes). */
  readonly recordsPerSecond?: number;
  readonly source: 'cloudwatch' | 'getrecords';
  readonly error?: string;
}

/** Newest 1-minute Sum of IncomingRecords over the last 10 minutes, per second. */
export async function cloudWatchRate(
  cw: CloudWatchClient,
  stream: string,
  now = new Date(),
): Promise<StreamRate> {
  try {
    const res = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Kinesis',
        MetricName: 'IncomingRecords',
        Dimensions: [{ Name: 'StreamName', Value: stream }],
        StartTime: new Date(now.getTime() - 10 * 60_000),
        EndTime: now,
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    const newest = (res.Datapoints ?? [])
      .filter((d) => d.Timestamp && d.Sum !== undefined)
      .sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
    return newest
      ? { stream, source: 'cloudwatch', recordsPerSecond: newest.Sum! / 60 }
      : { stream, source: 'cloudwatch' };
  } catch (e) {
    return { stream, source: 'cloudwatch', error: (e as Error).message };
  }
}

/** Reads from the tip for `windowMs` and counts the records that arrive. */
export async function sampledRate(
  kinesis: KinesisClient,
  stream: string,
  windowMs = 3_000,
): Promise<StreamRate> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), windowMs);
  const started = Date.now();
  try {
    const total = await readStream(kinesis, stream, {
      from: 'latest',
      pollMs: 500,
      signal: abort.signal,
    });
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return { stream, source: 'getrecords', recordsPerSecond: total / seconds };
  } catch (e) {
    return { stream, source: 'getrecords', error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
