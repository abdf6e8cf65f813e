/**
 * `lab status`: what runs of the offline lab, from the record, the test hosts' state and
 * the emulator itself: each host (booted? SSH reachable? producer active?) and the stream
 * (records so far, and the input rate over a short window).
 */
import { hostList, type HostDetails } from '../testhost/api';
import { kinesisClient } from '../stream/client';
import { isOurEmulator } from './emulator-service';
import { countRecords } from './local-stream';
import { loadInventory, type InventoryHost } from '../../provisioning/inventory';
import { probeHost, type ProducerState } from '../hosts/host-status';
import {
  localEndpoint,
  offlineInventoryPath,
  offlineLabRecordPath,
  readOfflineLab,
} from './record';

export interface HostStatus {
  readonly name: string;
  readonly address?: string;
  /** The test host is booted (its systemd-nspawn runs). */
  readonly running: boolean;
  /** SSH answers with the pinned host key. */
  readonly reachable: boolean;
  readonly producer: ProducerState;
  readonly error?: string;
}

export interface LabStatus {
  readonly name: string;
  readonly up: boolean;
  readonly hosts: HostStatus[];
  readonly stream: {
    readonly name: string;
    readonly endpoint?: string;
    readonly emulator: 'running' | 'stopped';
    readonly records: number | null;
    readonly recordsPerSecond: number | null;
  };
}

/** The inventory `lab up` wrote; empty when it stopped before writing one. */
function savedHosts(file: string): InventoryHost[] {
  try {
    return loadInventory(file).hosts;
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  const inventory = savedHosts(offlineInventoryPath(name, baseDir));
  const hosts: HostStatus[] = await Promise.all(
    record.hosts.map(async (h): Promise<HostStatus> => {
      const d = booted.get(h);
      const entry = inventory.find((i) => i.name === h);
      if (!d || !entry)
        return {
          name: h,
          ...(d ? { address: d.address } : {}),
          running: !!d,
          reachable: false,
          producer: 'unknown',
          ...(d ? { error: 'not provisioned yet (run `streamlab lab up`)' } : {}),
        };
      const probe = await probeHost(entry);
      return {
        name: h,
        address: d.address,
        running: true,
        reachable: probe.reachable,
        producer: probe.producer,
        ...(probe.error ? { error: probe.error } : {}),
      };
    }),
  );
  const emulatorUp = isOurEmulator(record.emulator?.pid, offlineLabRecordPath(name, baseDir));
  let records: number | null = null;
  let recordsPerSecond: number | null = null;
  const endpoint = record.emulator ? localEndpoint(record.emulator.port) : undefined;
  if (emulatorUp && endpoint) {
    const client = kinesisClient({ region: record.region, endpoint });
    try {
      const window = opts.rateWindowMs ?? 2000;
      const first = await countRecords(client, record.stream);
      const t0 = Date.now();
      await sleep(window);
      records = await countRecords(client, record.stream);
      recordsPerSecond = Math.round(((records - first) * 10_000) / (Date.now() - t0)) / 10;
    } catch {
      records = null; // stream missing (an `up` that stopped early): reported as unknown
    } finally {
      client.destroy();
    }
  }
  return {
    name,
    up: emulatorUp && hosts.length > 0 && hosts.every((h) => h.producer === 'active'),
    hosts,
    stream: {
      name: record.stream,
      ...(endpoint ? { endpoint } : {}),
      emulator: emulatorUp ? 'running' : 'stopped',
      records,
      recordsPerSecond,
    },
  };
}
