/**
 * One host's health as `status` shows it: reachable over SSH with its pinned key, and
 * the producer service's state. Reused by the offline `lab status` with its own inventory.
 */
import {
  connect,
  type Connection,
  type ConnectOptions,
} from '../../provisioning/engine/connection';
import { quote } from '../../provisioning/engine/quote';
import { hostSpecOf, type InventoryHost } from '../../provisioning/inventory';
import { PRODUCER_SERVICE } from '../../provisioning/playbooks/producer-host';

export type ProducerState = 'active' | 'inactive' | 'failed' | 'unknown';

/** A host's health, `status`'s row and `lab status`'s (which adds what the test host says). */
export interface HostStatus {
  readonly name: string;
  readonly reachable: boolean;
  readonly producer: ProducerState;
  /** Why the host is unreachable or the state unknown. */
  readonly error?: string;
  /**
   * With `statsLines`: the producer's recent stats lines from its journal, as the host sent
   * them (hostile text: labs/class/producer-stats.ts parses it), or why they could not be read.
   */
  readonly statsLog?: { readonly text: string } | { readonly error: string };
}

export interface ProbeOptions {
  /** Connection retries; a status probe should answer fast. @default 8 s, no auth grace */
  readonly connect?: ConnectOptions;
  /** @default "streamlab-producer" */
  readonly service?: string;
  /** Also read the producer's stats lines of the last STATS_MINUTES (same SSH login). */
  readonly statsLines?: boolean;
}

/** How far back the producer's journal is read for stats lines. */
export const STATS_MINUTES = 10;
/** What a host may send back of its journal: 60 lines of ~250 bytes, with room to spare. */
const STATS_MAX_BYTES = 32 * 1024;

/**
 * The service's own stats lines (the producer logs `stats in=… put_calls=…` every
 * --stats-interval), each with its journal time in epoch seconds (short-unix), newest last.
 */
function statsCommand(service: string): string {
  return (
    `journalctl -q --no-pager -o short-unix -u ${quote(service)} --since ${quote(`${STATS_MINUTES} min ago`)}` +
    ` | grep -F ' stats in=' | tail -n 60`
  );
}

/** `systemctl is-active` prints one word; anything in between (activating…) is "unknown". */
export function producerStateOf(word: string): ProducerState {
  const w = word.trim();
  return w === 'active' || w === 'inactive' || w === 'failed' ? w : 'unknown';
}

async function readStatsLog(
  conn: Connection,
  service: string,
): Promise<NonNullable<HostStatus['statsLog']>> {
  try {
    // The journal of a system unit is root's to read.
    const r = await conn.exec(statsCommand(service), {
      timeoutMs: 10_000,
      maxOutputBytes: STATS_MAX_BYTES,
    });
    return r.code === 0
      ? { text: r.stdout }
      : { error: `journalctl exited ${r.code}: ${r.stderr.trim().slice(0, 200)}` };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Hosts probed at once. Each probe's SSH connection has 8 s (attempts of 5 s); 30
 * handshakes started together on 2 busy cores did not fit in that (bench/RESULTS.md,
 * class), so a caller queues the rest: a host waits in the queue, not in its handshake.
 */
export const PROBE_PARALLEL = 10;

export async function probeHost(host: InventoryHost, opts: ProbeOptions = {}): Promise<HostStatus> {
  let conn;
  try {
    conn = await connect(hostSpecOf(host), {
      deadlineMs: 8_000,
      authGraceMs: 0,
      attemptTimeoutMs: 5_000,
      ...opts.connect,
    });
  } catch (e) {
    return { name: host.name, reachable: false, producer: 'unknown', error: (e as Error).message };
  }
  try {
    const service = opts.service ?? PRODUCER_SERVICE;
    const r = await conn.exec(`systemctl is-active ${quote(service)}`, {
      root: false,
      timeoutMs: 15_000,
    });
    const producer = producerStateOf(r.stdout);
    const statsLog = opts.statsLines ? await readStatsLog(conn, service) : undefined;
    return {
      name: host.name,
      reachable: true,
      producer,
      ...(producer === 'unknown'
        ? {
            error: `systemctl is-active ${service}: ${(r.stdout.trim() || r.stderr.trim()) ?? `exit ${r.code}`}`,
          }
        : {}),
      ...(statsLog ? { statsLog } : {}),
    };
  } catch (e) {
    return { name: host.name, reachable: true, producer: 'unknown', error: (e as Error).message };
  } finally {
    conn.close();
  }
}
