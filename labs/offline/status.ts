/**
 * `lab status`: `status` run on the offline lab's inventory (the same per-host probe and
 * rate reading, hosts/status-rows.ts), plus what only the offline lab has: whether each
 * test host is booted (one that is not shows DOWN and is not probed), the emulator, and
 * the records in the stream so far.
 */
import { hostList, type HostDetails } from '../../testhost/api';
import { kinesisClient } from '../stream/client';
import { isOurEmulator } from './emulator-service';
import { countRecords } from './local-stream';
import type { HostStatus } from '../hosts/host-status';
import { savedHosts } from '../hosts/inventory-file';
import { statusRows } from '../hosts/status-rows';
import { offlineInventoryPath, offlineLabRecordPath, readOfflineLab } from './record';

/** `status`'s view of a host, and whether its test host is booted, at which address. */
export interface TestHostStatus extends HostStatus {
  readonly address?: string;
  /** The test host is booted (its systemd-nspawn runs). */
  readonly running: boolean;
}

export interface LabStatus {
  readonly name: string;
  readonly up: boolean;
  readonly hosts: TestHostStatus[];
  readonly stream: {
    readonly name: string;
    readonly endpoint?: string;
    readonly emulator: 'running' | 'stopped';
    readonly records: number | null;
    readonly recordsPerSecond: number | null;
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
  const emulatorUp = isOurEmulator(record.emulator?.pid, offlineLabRecordPath(name, baseDir));
  // The inventory `lab up` wrote (none when it stopped before writing one): its booted
  // hosts go through status's own rows; the emulator down, nothing could give a rate.
  const entries = savedHosts(offlineInventoryPath(name, baseDir)).filter(
    (h) => booted.has(h.name) && record.hosts.includes(h.name),
  );
  const rows = await statusRows(entries, {
    rates: emulatorUp,
    rateWindowMs: opts.rateWindowMs ?? RATE_WINDOW_MS,
  });
  const hosts = record.hosts.map((h): TestHostStatus => {
    const d = booted.get(h);
    const row = rows.find((r) => r.name === h);
    if (!d || !row)
      return {
        name: h,
        ...(d ? { address: d.address } : {}),
        running: !!d,
        reachable: false,
        producer: 'unknown',
        ...(d ? { error: 'not provisioned yet (run `streamlab lab up`)' } : {}),
      };
    return {
      name: h,
      address: d.address,
      running: true,
      reachable: row.reachable,
      producer: row.producer,
      ...(row.error ? { error: row.error } : {}),
    };
  });
  const endpoint = record.hostsEndpoint;
  let records: number | null = null;
  if (emulatorUp && endpoint) {
    const client = kinesisClient({ region: record.region, endpoint });
    try {
      records = await countRecords(client, record.stream);
    } catch {
      records = null; // stream missing (an `up` that stopped early): reported as unknown
    } finally {
      client.destroy();
    }
  }
  const rate = rows.find((r) => r.stream === record.stream && r.recordsPerSecond !== undefined);
  return {
    name,
    up: emulatorUp && hosts.length > 0 && hosts.every((h) => h.producer === 'active'),
    hosts,
    stream: {
      name: record.stream,
      ...(endpoint ? { endpoint } : {}),
      emulator: emulatorUp ? 'running' : 'stopped',
      records,
      recordsPerSecond: rate?.recordsPerSecond ?? null,
    },
  };
}
