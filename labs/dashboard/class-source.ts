/**
 * The class snapshot the page shows, built from what exists today: each host probed over
 * SSH with its pinned key (hosts/host-status.ts) and its stream's records as the
 * dashboard's own reader counts them (./stream-watch.ts). `ClassSource` is the one seam: a
 * builder shared with `streamlab check` replaces `interimClassSource` in one line.
 */
import { mapWithLimit } from '../../provisioning/engine/bounded';
import type { InventoryHost } from '../../provisioning/inventory';
import type { ClassSnapshot, Milestone, StreamMetrics, StudentSnapshot } from '../class/snapshot';
import { probeHost, type HostStatus } from '../hosts/host-status';
import type { StreamWatch } from './stream-watch';

export type ClassSource = () => Promise<ClassSnapshot>;

export interface ClassSourceOptions {
  readonly lab: string;
  readonly mode: ClassSnapshot['mode'];
  readonly hosts: readonly InventoryHost[];
  /** The dashboard's reader of each stream, by name. */
  readonly watches: ReadonlyMap<string, StreamWatch>;
  /** How often hosts are probed again (SSH costs the hosts a login each). @default 10 s */
  readonly probeEveryMs?: number;
}

/** A student must have a record this recent to count as flowing (the 60 s). */
const FLOWING_SECONDS = 60;
const PROBE_PARALLEL = 10;

export function interimClassSource(opts: ClassSourceOptions): ClassSource {
  const probeEveryMs = opts.probeEveryMs ?? 10_000;
  let last: HostStatus[] | undefined;
  let running: Promise<void> | undefined;
  let probedAt = -Infinity;
  // Probes run in the background: the page keeps the last answer while a slow one runs.
  const refresh = () => {
    if (running || Date.now() - probedAt < probeEveryMs) return running;
    probedAt = Date.now();
    running = mapWithLimit(opts.hosts, PROBE_PARALLEL, (h) => probeHost(h))
      .then((s) => void (last = s))
      .finally(() => (running = undefined));
    return running;
  };
  return async () => {
    const probing = refresh();
    if (!last) await probing;
    const settled = last!;
    const now = Date.now();
    const students = opts.hosts.map((h, i) =>
      studentOf(h, settled[i]!, h.stream ? opts.watches.get(h.stream) : undefined, now),
    );
    const streams = [...opts.watches.values()].map((w) => metricsOf(w, opts.mode, now));
    return { lab: opts.lab, mode: opts.mode, at: now, students, streams };
  };
}

function studentOf(
  host: InventoryHost,
  status: HostStatus,
  watch: StreamWatch | undefined,
  now: number,
): StudentSnapshot {
  const producer = status.reachable ? status.producer : 'unreachable';
  const newest = watch?.newest();
  const age = newest === undefined ? null : Math.max(0, (now - newest) / 1000);
  const milestones: Milestone[] = [
    {
      id: 'host-reachable',
      label: 'host reachable',
      pass: status.reachable,
      reason: status.reachable ? 'SSH with the pinned key answered' : (status.error ?? 'no answer'),
    },
    {
      id: 'producer-active',
      label: 'producer active',
      pass: producer === 'active',
      reason: `the producer service is ${producer}`,
    },
    {
      id: 'records-flowing',
      label: `records in the last ${FLOWING_SECONDS} s`,
      pass: age !== null && age <= FLOWING_SECONDS,
      reason:
        age === null ? 'no record in the stream yet' : `newest record ${Math.round(age)} s ago`,
    },
  ];
  return {
    name: host.name,
    producer,
    stream: host.stream ?? '',
    recordsPerSecond: watch?.recordsPerSecond(now) ?? null,
    newestRecordAgeSeconds: age,
    milestones,
  };
}

function metricsOf(watch: StreamWatch, mode: ClassSnapshot['mode'], now: number): StreamMetrics {
  const where = mode === 'offline' ? 'the local Kinesis emulator' : 'Kinesis';
  return {
    stream: watch.stream,
    sources: {
      recordsIn: `records read back from ${where} (GetRecords), per second of arrival`,
      bytesPut: `bytes of those records, per second of arrival`,
    },
    points: watch.counts(now).map((c) => ({ t: c.t, recordsIn: c.records, bytesPut: c.bytes })),
  };
}
