/**
 * One host's health as `status` shows it: reachable over SSH with its pinned key, and
 * the producer service's state. Reused by the offline `lab status` with its own inventory.
 */
import { connect, type ConnectOptions } from '../../provisioning/engine/connection';
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
}

export interface ProbeOptions {
  /** Connection retries; a status probe should answer fast. @default 8 s, no auth grace */
  readonly connect?: ConnectOptions;
  /** @default "streamlab-producer" */
  readonly service?: string;
}

/** `systemctl is-active` prints one word; anything in between (activating…) is "unknown". */
export function producerStateOf(word: string): ProducerState {
  const w = word.trim();
  return w === 'active' || w === 'inactive' || w === 'failed' ? w : 'unknown';
}

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
    return producer === 'unknown'
      ? {
          name: host.name,
          reachable: true,
          producer,
          error: `systemctl is-active ${service}: ${(r.stdout.trim() || r.stderr.trim()) ?? `exit ${r.code}`}`,
        }
      : { name: host.name, reachable: true, producer };
  } catch (e) {
    return { name: host.name, reachable: true, producer: 'unknown', error: (e as Error).message };
  } finally {
    conn.close();
  }
}
