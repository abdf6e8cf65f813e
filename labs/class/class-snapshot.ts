/**
 * The class at one moment (snapshot.ts's ClassSnapshot), measured: every student probed at
 * once — SSH with the pinned key and the producer's state, the last minute of their own
 * stream — plus, on AWS, their lake prefix and reader role; and the course's four metrics
 * per stream (AWS: CloudWatch; offline: what the emulator's records show). `streamlab check`
 * prints it, the dashboard draws it: one implementation of every milestone.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { mapWithLimit } from '../../provisioning/engine/bounded';
import { missingFieldMessage, recordField, type InventoryHost } from '../../provisioning/inventory';
import { InputError } from '../../config/errors';
import { PRODUCER_SERVICE } from '../../provisioning/playbooks/producer-host';
import { lakePrefixFor } from '../../config/hosts';
import { cloudWatchClient, iamClient, s3Client } from '../aws-sdk/clients';
import { probeHost, type HostStatus, type ProbeOptions } from '../hosts/host-status';
import { kinesisClient } from '../stream/client';
import { newestLakeObject, readerRoleTrust } from './aws-probes';
import { cloudWatchStreamMetrics } from './aws-metrics';
import {
  hostReachable,
  lakeObject,
  producerActive,
  readerRole,
  recordsFlowing,
  RECORDS_WINDOW_SECONDS,
  type RecentRecords,
  type RoleCheck,
} from './milestones';
import type { ClassSnapshot, Milestone, StreamMetrics, StudentSnapshot } from './snapshot';
import {
  newestAgeSeconds,
  readWindow,
  windowPoints,
  windowRate,
  type StreamWindow,
} from './stream-window';

/** What the AWS lab adds to each student's checks (from the stack's outputs and the config). */
export interface AwsClassFacts {
  /** The lake bucket (output `bucket`). */
  readonly bucket: string;
  /** Reader-role ARN per student (outputs `reader_<student>_role_arn`), with config consumer. */
  readonly readerRoles?: Readonly<Record<string, string>>;
  /** With config consumer: the principal every reader role trusts, and each student's own external id. */
  readonly consumer?: {
    readonly principal: string;
    readonly externalIds: Readonly<Record<string, string>>;
  };
}

export interface ClassSnapshotOptions {
  readonly lab: string;
  readonly mode: 'aws' | 'offline';
  /** The students' records (inventory entries: connection, stream, region, endpoint). */
  readonly hosts: readonly InventoryHost[];
  /** Required with mode 'aws'. */
  readonly aws?: AwsClassFacts;
  readonly probe?: ProbeOptions;
  /** Offline charts: the last minute in periods of this length. @default 10 */
  readonly periodSeconds?: number;
  /** @default Date.now() */
  readonly now?: number;
}

/** Students measured at once: a class of 30 in one round. */
const PARALLEL = 32;

/** Offline chart sources: what each number is, and why two charts stay empty. */
export const OFFLINE_METRIC_SOURCES = {
  recordsIn: 'records read back from kinesalite, counted by arrival time',
  bytesPut: 'bytes of the records read back from kinesalite, by arrival time',
  putLatencyMs:
    'not measured offline: kinesalite keeps no metrics, and the producer reports its put latency only to CloudWatch and its log',
  putSuccess:
    'not measured offline: kinesalite keeps no metrics, and the producer reports its put outcomes only to CloudWatch and its log',
} as const;

export async function classSnapshot(opts: ClassSnapshotOptions): Promise<ClassSnapshot> {
  const at = opts.now ?? Date.now();
  if (opts.mode === 'aws' && !opts.aws)
    throw new Error('classSnapshot: the AWS lab needs its bucket (aws.bucket)');
  const clients = new KinesisClients();
  const s3 = opts.mode === 'aws' ? s3Client(regionOf(opts.hosts)) : undefined;
  const iam = opts.aws?.consumer ? iamClient(regionOf(opts.hosts)) : undefined;
  try {
    const measured = await mapWithLimit(opts.hosts, PARALLEL, async (h) => {
      const [probe, window, extra] = await Promise.all([
        probeHost(h, opts.probe),
        readOwnWindow(clients, h, at),
        awsMilestones(h.name, opts.aws, s3, iam, at),
      ]);
      return { host: h, probe, window, extra };
    });
    const students = measured.map(({ host, probe, window, extra }) =>
      studentSnapshot(host, probe, window, extra),
    );
    const streams =
      opts.mode === 'aws'
        ? await awsStreamMetrics(opts.hosts, at)
        : measured.map(({ host, window }) =>
            offlineStreamMetrics(host.stream ?? '', window, opts.periodSeconds ?? 10),
          );
    return { lab: opts.lab, mode: opts.mode, at, students, streams };
  } finally {
    clients.close();
    s3?.destroy();
    iam?.destroy();
  }
}

function studentSnapshot(
  host: InventoryHost,
  probe: HostStatus,
  window: StreamWindow | { error: string },
  extra: readonly Milestone[],
): StudentSnapshot {
  const stream = host.stream ?? '';
  const recent: RecentRecords =
    'error' in window
      ? window
      : { count: window.arrivals.length, newestAgeSeconds: newestAgeSeconds(window) };
  return {
    name: host.name,
    producer: probe.reachable ? probe.producer : 'unreachable',
    stream,
    recordsPerSecond: 'error' in window ? null : Number(windowRate(window).toFixed(2)),
    newestRecordAgeSeconds: 'error' in recent ? null : recent.newestAgeSeconds,
    milestones: [
      hostReachable(probe),
      producerActive(probe, PRODUCER_SERVICE),
      recordsFlowing(stream || '(no stream)', recent),
      ...extra,
    ],
  };
}

async function readOwnWindow(
  clients: KinesisClients,
  h: InventoryHost,
  now: number,
): Promise<StreamWindow | { error: string }> {
  if (!h.stream) return { error: missingFieldMessage(h, 'stream') };
  if (!h.region) return { error: missingFieldMessage(h, 'region') };
  try {
    return await readWindow(
      clients.get(h.region, h.endpoint),
      h.stream,
      RECORDS_WINDOW_SECONDS,
      now,
    );
  } catch (e) {
    return { error: (e as Error).message };
  }
}

async function awsMilestones(
  student: string,
  aws: AwsClassFacts | undefined,
  s3: ReturnType<typeof s3Client> | undefined,
  iam: ReturnType<typeof iamClient> | undefined,
  now: number,
): Promise<Milestone[]> {
  if (!aws || !s3) return [];
  const lake = lakeObject(
    aws.bucket,
    lakePrefixFor(student),
    await newestLakeObject(s3, aws.bucket, student, now),
  );
  if (!aws.consumer || !iam) return [lake];
  const arn = aws.readerRoles?.[student];
  const externalId = aws.consumer.externalIds[student];
  const trust: RoleCheck =
    arn === undefined
      ? {}
      : externalId === undefined
        ? {
            problem:
              'no external id of this student is stored here (run `streamlab up` from this folder)',
          }
        : await readerRoleTrust(iam, arn, { principal: aws.consumer.principal, externalId });
  return [lake, readerRole(arn, trust)];
}

function offlineStreamMetrics(
  stream: string,
  window: StreamWindow | { error: string },
  periodSeconds: number,
): StreamMetrics {
  return {
    stream,
    sources: OFFLINE_METRIC_SOURCES,
    points: 'error' in window ? [] : windowPoints(window, periodSeconds),
  };
}

async function awsStreamMetrics(hosts: readonly InventoryHost[], now: number) {
  const streams = hosts.map((h) => h.stream ?? '').filter((s) => s !== '');
  const cw = cloudWatchClient(regionOf(hosts));
  try {
    return await cloudWatchStreamMetrics(cw, streams, 15, now);
  } catch (e) {
    // Charts without points, each saying why: the milestones above still stand.
    const why = `CloudWatch could not be read: ${(e as Error).message}`;
    return streams.map((stream) => ({
      stream,
      sources: { recordsIn: why, bytesPut: why, putLatencyMs: why, putSuccess: why },
      points: [],
    }));
  } finally {
    cw.destroy();
  }
}

/** The lab's region: every AWS student's record names the same one. */
function regionOf(hosts: readonly InventoryHost[]): string {
  const first = hosts[0];
  if (!first) throw new InputError('the class has no student to check');
  return recordField(first, 'region');
}

/** One Kinesis client per region and endpoint. */
class KinesisClients {
  private readonly clients = new Map<string, KinesisClient>();

  get(region: string, endpoint: string | undefined): KinesisClient {
    const key = `${region} ${endpoint ?? ''}`;
    if (!this.clients.has(key)) this.clients.set(key, kinesisClient({ region, endpoint }));
    return this.clients.get(key)!;
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
  }
}
