/**
 * The class at one moment (snapshot.ts's ClassSnapshot), measured: every student probed —
 * at most PROBE_PARALLEL SSH logins at once, every stream read side by side — SSH with the pinned key and the producer's state, the last minute of their own
 * stream — plus, on AWS, their lake prefix and reader role; and the course's four metrics
 * per stream (AWS: CloudWatch; offline: what the emulator's records show). `streamlab check`
 * prints it, the dashboard draws it: one implementation of every milestone.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Gate, mapWithLimit } from '../../provisioning/engine/bounded';
import { missingFieldMessage, recordField, type InventoryHost } from '../../provisioning/inventory';
import { InputError } from '../../config/errors';
import { PRODUCER_SERVICE } from '../../provisioning/playbooks/producer-host';
import { lakePrefixFor } from '../../config/hosts';
import { cloudWatchClient, iamClient, s3Client } from '../aws-sdk/clients';
import {
  PROBE_PARALLEL,
  probeHost,
  STATS_MINUTES,
  type HostStatus,
  type ProbeOptions,
} from '../hosts/host-status';
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
  type LakeListing,
  type RecentRecords,
  type RoleCheck,
} from './milestones';
import { KeptAnswers } from './kept-answers';
import { parseStatsLog, PRODUCER_STATS_SOURCES, statsPoints } from './producer-stats';
import type { ClassSnapshot, Milestone, StreamMetrics, StudentSnapshot } from './snapshot';
import {
  newestAgeSeconds,
  RollingWindow,
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
  /** @default probeHost */
  readonly prober?: HostProber;
}

export interface ClassMonitorOptions extends Omit<ClassSnapshotOptions, 'now'> {
  /**
   * How long the slow answers are reused between rounds: each host's SSH probe, each lake
   * listing, CloudWatch's charts (their periods are a minute). A stream's last minute is
   * read every round. @default 0: every answer measured in every round
   */
  readonly slowEveryMs?: number;
}

/** How one host is probed: probeHost, or in a unit test a stand-in that counts the calls. */
export type HostProber = (host: InventoryHost, opts: ProbeOptions) => Promise<HostStatus>;

/** Students measured at once: a class of 30 in one round. */
const PARALLEL = 32;
/** A reader role's trust policy changes only with `streamlab up`: read again this rarely. */
const TRUST_EVERY_MS = 10 * 60_000;

/**
 * Offline chart sources for records and bytes (kinesalite keeps no metrics: the records
 * are counted); put latency and success are the producer's own (./producer-stats.ts).
 */
export const OFFLINE_METRIC_SOURCES = {
  recordsIn: 'records read back from kinesalite, counted by arrival time',
  bytesPut: 'bytes of the records read back from kinesalite, by arrival time',
} as const;

/** The class measured once, every answer fresh: what `streamlab check` prints. */
export async function classSnapshot(opts: ClassSnapshotOptions): Promise<ClassSnapshot> {
  const monitor = new ClassMonitor(opts);
  try {
    return await monitor.snapshot(opts.now);
  } finally {
    await monitor.close();
  }
}

/**
 * The class measured round after round (the dashboard's loop): the clients live as long as
 * the monitor, the slow answers are kept (./kept-answers.ts), and a round asked for while
 * one runs is that round, never a second one beside it.
 */
export class ClassMonitor {
  private readonly kinesis = new KinesisClients();
  private readonly s3: ReturnType<typeof s3Client> | undefined;
  private readonly iam: ReturnType<typeof iamClient> | undefined;
  private readonly probes: KeptAnswers<HostStatus>;
  private readonly lakes: KeptAnswers<LakeListing>;
  private readonly trusts = new KeptAnswers<RoleCheck>(TRUST_EVERY_MS);
  private readonly charts: KeptAnswers<StreamMetrics[]>;
  /** Each student's last minute, kept so a round reads only what is new. */
  private readonly windows = new Map<string, RollingWindow>();
  private round: Promise<ClassSnapshot> | undefined;
  /** Offline, the probe also reads the producer's stats lines (put latency and success). */
  private readonly probeOptions: ProbeOptions;
  /**
   * One queue for every SSH probe of this monitor: a round's and the background refreshes
   * that KeptAnswers starts after it, which no round awaits.
   */
  private readonly probeGate = new Gate(PROBE_PARALLEL);

  constructor(private readonly opts: ClassMonitorOptions) {
    if (opts.mode === 'aws' && !opts.aws)
      throw new Error('classSnapshot: the AWS lab needs its bucket (aws.bucket)');
    const slow = opts.slowEveryMs ?? 0;
    this.probeOptions = { ...opts.probe, statsLines: opts.mode === 'offline' };
    this.probes = new KeptAnswers(slow);
    this.lakes = new KeptAnswers(slow);
    this.charts = new KeptAnswers(slow);
    this.s3 = opts.mode === 'aws' ? s3Client(regionOf(opts.hosts)) : undefined;
    this.iam = opts.aws?.consumer ? iamClient(regionOf(opts.hosts)) : undefined;
  }

  /** The class now; joins the round under way if there is one. */
  snapshot(now?: number): Promise<ClassSnapshot> {
    this.round ??= this.measure(now ?? Date.now()).finally(() => (this.round = undefined));
    return this.round;
  }

  private async measure(at: number): Promise<ClassSnapshot> {
    const { opts } = this;
    const measured = await mapWithLimit(opts.hosts, PARALLEL, async (h) => {
      const [probe, window, extra] = await Promise.all([
        this.probes.get(h.name, () => this.probeGate.run(() => this.probe(h)), at),
        readOwnWindow(this.kinesis, h, this.windowOf(h.name), at),
        this.awsMilestones(h.name, at),
      ]);
      return { host: h, probe, window, extra };
    });
    const students = measured.map(({ host, probe, window, extra }) =>
      studentSnapshot(host, probe, window, extra),
    );
    const streams =
      opts.mode === 'aws'
        ? await this.charts.get('cloudwatch', () => awsStreamMetrics(opts.hosts, at), at)
        : measured.map(({ host, window, probe }) =>
            offlineStreamMetrics(host.stream ?? '', window, probe, opts.periodSeconds ?? 10, at),
          );
    return { lab: opts.lab, mode: opts.mode, at, students, streams };
  }

  private probe(h: InventoryHost): Promise<HostStatus> {
    return (this.opts.prober ?? probeHost)(h, this.probeOptions);
  }

  private windowOf(student: string): RollingWindow {
    let w = this.windows.get(student);
    if (!w) this.windows.set(student, (w = new RollingWindow()));
    return w;
  }

  private async awsMilestones(student: string, now: number): Promise<Milestone[]> {
    const { aws } = this.opts;
    const { s3, iam } = this;
    if (!aws || !s3) return [];
    const lake = lakeObject(
      aws.bucket,
      lakePrefixFor(student),
      await this.lakes.get(student, () => newestLakeObject(s3, aws.bucket, student, now), now),
    );
    if (!aws.consumer || !iam) return [lake];
    const arn = aws.readerRoles?.[student];
    const externalId = aws.consumer.externalIds[student];
    const principal = aws.consumer.principal;
    const trust: RoleCheck =
      arn === undefined
        ? {}
        : externalId === undefined
          ? {
              problem:
                'no external id of this student is stored here (run `streamlab up` from this folder)',
            }
          : await this.trusts.get(
              student,
              () => readerRoleTrust(iam, arn, { principal, externalId }),
              now,
            );
    return [lake, readerRole(arn, trust)];
  }

  /** Waits for the measurements under way, then frees the clients. */
  async close(): Promise<void> {
    await this.round?.catch(() => undefined);
    await Promise.all([this.probes, this.lakes, this.trusts, this.charts].map((k) => k.settled()));
    this.kinesis.close();
    this.s3?.destroy();
    this.iam?.destroy();
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
  window: RollingWindow,
  now: number,
): Promise<StreamWindow | { error: string }> {
  if (!h.stream) return { error: missingFieldMessage(h, 'stream') };
  if (!h.region) return { error: missingFieldMessage(h, 'region') };
  try {
    return await window.read(
      clients.get(h.region, h.endpoint),
      h.stream,
      RECORDS_WINDOW_SECONDS,
      now,
    );
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function offlineStreamMetrics(
  stream: string,
  window: StreamWindow | { error: string },
  probe: HostStatus,
  periodSeconds: number,
  now: number,
): StreamMetrics {
  const records = 'error' in window ? [] : windowPoints(window, periodSeconds);
  const log = probe.statsLog;
  const samples =
    log && 'text' in log ? parseStatsLog(log.text, now, now - STATS_MINUTES * 60_000) : [];
  const puts = statsPoints(samples);
  const why = !probe.reachable
    ? "not measured: the host is unreachable, so its producer's stats lines cannot be read"
    : !log || 'error' in log
      ? `not measured: the producer's journal could not be read (${log && 'error' in log ? log.error : 'not asked'})`
      : samples.length === 0
        ? `not measured: no producer stats line in the last ${STATS_MINUTES} min (one is logged every --stats-interval, 30 s by default)`
        : undefined;
  return {
    stream,
    sources: {
      recordsIn: OFFLINE_METRIC_SOURCES.recordsIn,
      bytesPut: OFFLINE_METRIC_SOURCES.bytesPut,
      putLatencyMs: why ?? PRODUCER_STATS_SOURCES.putLatencyMs,
      putSuccess: why ?? PRODUCER_STATS_SOURCES.putSuccess,
    },
    points: [...records, ...puts].sort((x, y) => x.t - y.t),
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
