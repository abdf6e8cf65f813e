/**
 * `lab status`: `status` run on the offline lab's inventory (the same per-host probe and
 * rate reading, hosts/status-rows.ts), plus what only the offline lab has: whether each
 * test host is booted (one that is not shows DOWN and is not probed), the emulator, the
 * hosts' Kinesis gate, and the records that arrived in each student's own stream in the
 * last minute: the window `check` reads (labs/class/stream-window.ts), a bounded read
 * however long the lab has run.
 */
import { streamNameFor } from '../../config/hosts';
import { hostList, type HostDetails } from '../../testhost/api';
import { kinesisClient } from '../stream/client';
import { RECORDS_WINDOW_SECONDS } from '../class/milestones';
import { RollingWindow } from '../class/stream-window';
import { isOurEmulator } from './emulator-service';
import { isOurGate } from '../stream/kinesis-gate-service';
import type { HostStatus } from '../hosts/host-status';
import { savedHosts } from '../hosts/inventory-file';
import { statusRows } from '../hosts/status-rows';
import {
  emulatorEndpoint,
  offlineInventoryPath,
  offlineLabRecordPath,
  readOfflineLab,
} from './record';

/** `status`'s view of a host, whether its test host is booted, and its own stream. */
export interface TestHostStatus extends HostStatus {
  readonly address?: string;
  /** The test host is booted (its systemd-nspawn runs). */
  readonly running: boolean;
  /** The student's stream on the emulator. */
  readonly stream: string;
  /**
   * Records that arrived in it in the last RECORDS_WINDOW_SECONDS (60 s); null when nothing
   * could count them (emulator down, stream missing).
   */
  readonly recordsLastMinute: number | null;
  /** Records per second arriving in it; null when not measured. */
  readonly recordsPerSecond: number | null;
}

export interface LabStatus {
  readonly name: string;
  readonly up: boolean;
  readonly hosts: TestHostStatus[];
  readonly emulator: {
    readonly state: 'running' | 'stopped';
    readonly endpoint?: string;
  };
  /** The hosts' way to their own streams (../stream/host-gate.ts): its address and each host's port. */
  readonly gate: {
    readonly state: 'running' | 'stopped';
    readonly address?: string;
    readonly ports?: Readonly<Record<string, number>>;
  };
}

/** Over how long the input rate is counted. */
const RATE_WINDOW_MS = 2_000;

export async function labStatus(
  name: string,
  opts: { baseDir?: string; rateWindowMs?: number } = {},
): Promise<LabStatus | undefined> {
  const baseDir = opts.baseDir ?? process.cwd();
  const record = readOfflineLab(name, baseDir);
  if (!record) return undefined;
  const booted = new Map<string, HostDetails>(
    (await hostList({ runDir: record.runDir })).map((h) => [h.name, h]),
  );
  const tag = offlineLabRecordPath(name, baseDir);
  const emulatorUp = isOurEmulator(record.emulator?.pid, tag);
  const gateUp = isOurGate(record.gate?.pid, tag);
  // The inventory `lab up` wrote (none when it stopped before writing one): its booted
  // hosts go through status's own rows; the emulator down, nothing could give a rate.
  const entries = savedHosts(offlineInventoryPath(name, baseDir)).filter(
    (h) => booted.has(h.name) && record.hosts.includes(h.name),
  );
  const endpoint = record.emulator && emulatorEndpoint(record.emulator);
  const [rows, counts] = await Promise.all([
    statusRows(entries, {
      rates: emulatorUp,
      rateWindowMs: opts.rateWindowMs ?? RATE_WINDOW_MS,
    }),
    emulatorUp && endpoint
      ? countLastMinute(
          record.hosts.map((h) => streamNameFor(record, h)),
          record.region,
          endpoint,
        )
      : record.hosts.map(() => null),
  ]);
  const hosts = record.hosts.map((h, i): TestHostStatus => {
    const d = booted.get(h);
    const row = rows.find((r) => r.name === h);
    const stream = {
      stream: streamNameFor(record, h),
      recordsLastMinute: counts[i] ?? null,
      recordsPerSecond: row?.recordsPerSecond ?? null,
    };
    if (!d || !row)
      return {
        name: h,
        ...(d ? { address: d.address } : {}),
        running: !!d,
        reachable: false,
        producer: 'unknown',
        ...(d ? { error: 'not provisioned yet (run `streamlab lab up`)' } : {}),
        ...stream,
      };
    return {
      name: h,
      address: d.address,
      running: true,
      reachable: row.reachable,
      producer: row.producer,
      ...(row.error ? { error: row.error } : {}),
      ...stream,
    };
  });
  return {
    name,
    up: emulatorUp && gateUp && hosts.length > 0 && hosts.every((h) => h.producer === 'active'),
    hosts,
    emulator: { state: emulatorUp ? 'running' : 'stopped', ...(endpoint ? { endpoint } : {}) },
    gate: {
      state: gateUp ? 'running' : 'stopped',
      ...(record.gate ? { address: record.gate.address, ports: record.gate.ports } : {}),
    },
  };
}

/** Each stream's last minute, counted; null for one that cannot be read (missing after an early stop). */
async function countLastMinute(
  streams: readonly string[],
  region: string,
  endpoint: string,
): Promise<(number | null)[]> {
  const client = kinesisClient({ region, endpoint });
  try {
    return await Promise.all(
      streams.map((s) =>
        new RollingWindow().read(client, s, RECORDS_WINDOW_SECONDS).then(
          (w) => w.arrivals.length,
          () => null,
        ),
      ),
    );
  } finally {
    client.destroy();
  }
}
