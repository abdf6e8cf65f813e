/**
 * How test hosts reach the lab's Kinesis emulator (kinesalite for the offline lab, moto for
 * a rehearsal's stand-ins): not at all directly (it listens on this machine's loopback,
 * where status, tail, check and the dashboard read it), but through the Kinesis gate
 * (./kinesis-gate.js) on the hosts' service address, which gives each host a port of its
 * own and lets a call on that port through only when it is one of the producer's calls on
 * that host's own stream `<lab>-<student>`. The packet filter lets
 * each host's veth open only its own gate port (and the apt proxy), so a student with root
 * on their host can neither delete, read nor write a classmate's stream, nor create one:
 * the emulator, which checks nothing, never sees such a call.
 *
 * A host keeps its port for the lab's life (a rerun of `up`, `reset STUDENT`): its
 * producer's env file names it.
 */
import { streamNameFor } from '../../config/hosts';
import type { LabConfig } from '../../config/schema';
import { installHostFilter } from '../../testhost/host-filter';
import { freePort } from './emulator';
import { isOurGate, startGate, stopGate } from './kinesis-gate-service';

export interface HostGateRecord {
  readonly pid: number;
  /** The hosts' service address, where every port listens. */
  readonly address: string;
  /** The emulator it passes calls to (on loopback). */
  readonly to: string;
  /** Each host's own port, by host (student) name. */
  readonly ports: Readonly<Record<string, number>>;
}

export interface GateWanted {
  readonly address: string;
  readonly to: string;
  /** The lab's hosts, each given a port for its own stream. */
  readonly hosts: readonly string[];
  readonly config: Pick<LabConfig, 'name'>;
  /** The lab's record path: the gate's argv carries it, so only this lab's gate is signalled. */
  readonly tag: string;
  readonly log: string;
}

const sameHosts = (ports: Readonly<Record<string, number>>, hosts: readonly string[]) =>
  Object.keys(ports).length === hosts.length && hosts.every((h) => ports[h] !== undefined);

/**
 * The running gate when it already serves exactly these hosts at this address for this
 * emulator; otherwise it is started again, every host that had a port keeping it.
 */
export async function ensureGate(
  current: HostGateRecord | undefined,
  want: GateWanted,
  /** Called as soon as the process is spawned, so a crash cannot orphan it. */
  onSpawned: (gate: HostGateRecord) => void = () => {},
): Promise<{ gate: HostGateRecord; started: boolean }> {
  if (
    current &&
    isOurGate(current.pid, want.tag) &&
    current.address === want.address &&
    current.to === want.to &&
    sameHosts(current.ports, want.hosts)
  )
    return { gate: current, started: false };
  await stopGate(current?.pid, want.tag);
  const ports: Record<string, number> = {};
  const kept = new Set<number>();
  for (const h of want.hosts) {
    const port = current?.address === want.address ? current.ports[h] : undefined;
    if (port !== undefined) {
      ports[h] = port;
      kept.add(port);
    }
  }
  for (const h of want.hosts) {
    if (ports[h] !== undefined) continue;
    let port = await freePort(want.address);
    // A kept port is free while the gate is down: the kernel may hand it out again.
    while (kept.has(port)) port = await freePort(want.address);
    ports[h] = port;
    kept.add(port);
  }
  const record = (pid: number): HostGateRecord => ({
    pid,
    address: want.address,
    to: want.to,
    ports,
  });
  const pid = await startGate(
    {
      address: want.address,
      to: want.to,
      ports: new Map(want.hosts.map((h) => [ports[h]!, streamNameFor(want.config, h)])),
      tag: want.tag,
      log: want.log,
    },
    (spawned) => onSpawned(record(spawned)),
  );
  return { gate: record(pid), started: true };
}

/** The endpoint host `name`'s producer writes to: its own port on the gate. */
export function producerEndpoint(gate: HostGateRecord, name: string): string {
  const port = gate.ports[name];
  if (port === undefined) throw new Error(`the Kinesis gate has no port for host ${name}`);
  return `http://${gate.address}:${port}`;
}

/**
 * The hosts' packet filter for the lab: every host may open the apt proxy's port, and its
 * own gate port alone besides (testhost/host-filter.ts). Installed again whenever a host
 * is booted, since a new host may come up on another veth.
 */
export function installLabFilter(
  runDir: string,
  gate: HostGateRecord,
  aptProxyPort: number,
): Promise<void> {
  return installHostFilter(
    runDir,
    gate.address,
    [aptProxyPort],
    new Map(Object.entries(gate.ports)),
  );
}
