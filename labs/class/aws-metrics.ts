/**
 * The course's four stream metrics on AWS, as CloudWatch has them: AWS/Kinesis
 * IncomingRecords (records in), and the PutRecords.* metrics of the call the producer really
 * makes (it batches: PutRecords, not PutRecord) for bytes put, put latency and put success.
 * One GetMetricData call for every stream (up to 500 queries a call: 4 per stream).
 */
import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { StreamMetricPoint, StreamMetrics } from './snapshot';

type MetricKey = keyof Omit<StreamMetricPoint, 't'>;

/** What each chart shows, from where, with which statistic. */
export const AWS_METRIC_SOURCES: Readonly<
  Record<MetricKey, { readonly metric: string; readonly stat: string; readonly source: string }>
> = {
  recordsIn: {
    metric: 'IncomingRecords',
    stat: 'Sum',
    source: 'CloudWatch AWS/Kinesis IncomingRecords (Sum per minute)',
  },
  bytesPut: {
    metric: 'PutRecords.Bytes',
    stat: 'Sum',
    source: 'CloudWatch AWS/Kinesis PutRecords.Bytes (Sum per minute)',
  },
  putLatencyMs: {
    metric: 'PutRecords.Latency',
    stat: 'Average',
    source: 'CloudWatch AWS/Kinesis PutRecords.Latency (Average per minute, ms)',
  },
  putSuccess: {
    metric: 'PutRecords.Success',
    stat: 'Average',
    source:
      'CloudWatch AWS/Kinesis PutRecords.Success (Average per minute: share of calls that succeeded)',
  },
};

const KEYS = Object.keys(AWS_METRIC_SOURCES) as MetricKey[];

/** Per stream, the last `minutes` at one-minute periods; a minute without data has no point. */
export async function cloudWatchStreamMetrics(
  cw: CloudWatchClient,
  streams: readonly string[],
  minutes = 15,
  now = Date.now(),
): Promise<StreamMetrics[]> {
  const queries: MetricDataQuery[] = streams.flatMap((stream, s) =>
    KEYS.map((key, k): MetricDataQuery => ({
      Id: `m${s}_${k}`,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Kinesis',
          MetricName: AWS_METRIC_SOURCES[key].metric,
          Dimensions: [{ Name: 'StreamName', Value: stream }],
        },
        Period: 60,
        Stat: AWS_METRIC_SOURCES[key].stat,
      },
      ReturnData: true,
    })),
  );
  // t → point, per stream.
  const byStream = streams.map(() => new Map<number, Record<string, number>>());
  let token: string | undefined;
  for (let chunk = 0; chunk < queries.length; chunk += 500) {
    do {
      const res = await cw.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries.slice(chunk, chunk + 500),
          StartTime: new Date(now - minutes * 60_000),
          EndTime: new Date(now),
          NextToken: token,
        }),
      );
      for (const r of res.MetricDataResults ?? []) {
        const [s, k] = (r.Id ?? '').slice(1).split('_').map(Number);
        const points = byStream[s!];
        if (!points || k === undefined) continue;
        (r.Timestamps ?? []).forEach((t, i) => {
          const value = r.Values?.[i];
          if (value === undefined) return;
          // CloudWatch stamps a period at its start; the contract's t is its end.
          const end = t.getTime() + 60_000;
          const p = points.get(end) ?? {};
          p[KEYS[k]!] = value;
          points.set(end, p);
        });
      }
      token = res.NextToken;
    } while (token);
  }
  return streams.map((stream, s) => ({
    stream,
    sources: Object.fromEntries(KEYS.map((k) => [k, AWS_METRIC_SOURCES[k].source])),
    points: [...byStream[s]!.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, values]) => ({ t, ...values })),
  }));
}
