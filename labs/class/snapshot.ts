/**
 * What the class looks like at one moment: the contract between the code that measures a lab
 * (milestones, per-student streams, metrics — `streamlab check`, `status`) and the code that shows
 * it (`streamlab dashboard`). One shape for the AWS lab and the offline lab; each number says where
 * it comes from, and a number nobody measured is `null`, never a guess.
 */
import type { ProducerState } from '../hosts/host-status';

/** A step a student must reach, in the order a class reaches them. */
export type MilestoneId =
  | 'host-reachable'
  | 'producer-active'
  | 'records-flowing'
  | 'lake-object'
  | 'documents-indexed'
  | 'reader-role';

export interface Milestone {
  readonly id: MilestoneId;
  /** Words an instructor reads on a tile or in `check`'s table. */
  readonly label: string;
  readonly pass: boolean;
  /** Why it passed or failed, e.g. "no record in the last 60 s (newest 4 min ago)". */
  readonly reason: string;
}

export interface StudentSnapshot {
  /** The student's (or the single operator host's) name, as in the inventory. */
  readonly name: string;
  /** `unreachable` when SSH with the pinned key failed. */
  readonly producer: ProducerState | 'unreachable';
  /** The student's own stream. */
  readonly stream: string;
  /** Records per second into that stream over the last measuring window; null before one has passed. */
  readonly recordsPerSecond: number | null;
  /** Age of the newest record in the student's stream, in seconds; null when it has none. */
  readonly newestRecordAgeSeconds: number | null;
  readonly milestones: readonly Milestone[];
}

/** One point of the course's four stream metrics; a metric nobody measured is absent. */
export interface StreamMetricPoint {
  /** Epoch milliseconds at the end of the period. */
  readonly t: number;
  readonly recordsIn?: number;
  readonly bytesPut?: number;
  readonly putLatencyMs?: number;
  readonly putSuccess?: number;
}

export interface StreamMetrics {
  readonly stream: string;
  /**
   * Where the numbers come from, shown under the chart (e.g. "CloudWatch AWS/Kinesis
   * IncomingRecords"). A metric that was not measured has no points, and its source, when
   * given, says why (offline: "not measured offline: …").
   */
  readonly sources: Readonly<Partial<Record<keyof Omit<StreamMetricPoint, 't'>, string>>>;
  readonly points: readonly StreamMetricPoint[];
}

export interface ClassSnapshot {
  readonly lab: string;
  readonly mode: 'aws' | 'offline';
  /** Epoch milliseconds when the snapshot was taken. */
  readonly at: number;
  readonly students: readonly StudentSnapshot[];
  readonly streams: readonly StreamMetrics[];
}
