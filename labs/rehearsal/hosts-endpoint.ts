/**
 * The emulated Kinesis as the stand-in hosts reach it. moto listens on the operator's
 * loopback, out of a test host's reach, and checks no IAM policy; the Kinesis gate
 * (../stream/host-gate.ts) listens on the hosts' service address (the machine end of their
 * links, testhost/aptcache.ts) and gives each stand-in a port of its own that passes only
 * its producer's calls on its own stream, as the host's role allows on AWS. The hosts'
 * packet filter lets each stand-in open its own port and the apt proxy, nothing else of
 * this machine. streamlab itself (status, tail, check) reads moto directly.
 *
 * The gate outlives the command (the producers write through it until `down`), so its
 * record is kept in the rehearsal's dir, like moto's.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostNames } from '../../config/hosts';
import { OperationalError } from '../../config/errors';
import type { LabConfig } from '../../config/schema';
import { aptCacherEndpoint, hostsServiceAddress } from '../../testhost/aptcache';
import { hostFilterTable } from '../../testhost/host-filter';
import type { Reporter } from '../progress';
import {
  ensureGate,
  installLabFilter,
  producerEndpoint,
  type HostGateRecord,
} from '../stream/host-gate';
import { stopGate } from '../stream/kinesis-gate-service';
import type { Rehearsal } from './session';

/** Where the lab's Kinesis is, for streamlab and for each stand-in's producer. */
export interface HostsKinesis {
  /** streamlab's own reads (status, tail, check): moto, on loopback. */
  readonly endpoint: string;
  /** Each stand-in's producer: its own port on the gate, by host name. */
  readonly producerEndpoints: Readonly<Record<string, string>>;
}

const recordPath = (rehearsalDir: string) => join(rehearsalDir, 'kinesis-gate.json');

function readGate(rehearsalDir: string): HostGateRecord | undefined {
  const file = recordPath(rehearsalDir);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<HostGateRecord>;
  // A record without ports is an older gate's (one port for every host): started afresh.
  return record.ports ? (record as HostGateRecord) : { ...(record as HostGateRecord), ports: {} };
}

/**
 * Starts the gate for the config's stand-ins under `runDir` (or finds it running, for the
 * same hosts, emulator and address; a host keeps its port across restarts) and installs
 * their packet filter.
 */
export async function ensureHostsEndpoint(
  rehearsal: Rehearsal,
  runDir: string,
  config: Pick<LabConfig, 'name' | 'students'>,
  r: Reporter,
): Promise<HostsKinesis> {
  const address = hostsServiceAddress(runDir);
  const proxy = aptCacherEndpoint(runDir);
  if (!address || !proxy)
    throw new OperationalError(
      `the stand-in hosts under ${runDir} are not up (no service address or apt proxy)`,
      { hint: 'run `streamlab up` again: it boots them' },
    );
  const hosts = hostNames(config);
  const record = (gate: HostGateRecord) =>
    writeFileSync(recordPath(rehearsal.dir), `${JSON.stringify(gate, null, 2)}\n`, {
      mode: 0o600,
    });
  const { gate, started } = await ensureGate(
    readGate(rehearsal.dir),
    {
      address,
      to: rehearsal.endpoint,
      hosts,
      config,
      tag: rehearsal.dir,
      log: join(rehearsal.dir, 'kinesis-gate.log'),
    },
    record,
  );
  if (started)
    r.line(
      'rehearsal',
      `each stand-in reaches moto's Kinesis through its own port on ${address} (its own stream only; gate pid ${gate.pid})`,
    );
  await installLabFilter(runDir, gate, proxy.port);
  r.line(
    'filter',
    `stand-ins reach this machine only at ${address}:${proxy.port} (apt proxy) and their own gate port; nftables table inet ${hostFilterTable(runDir)}`,
  );
  return {
    endpoint: rehearsal.endpoint,
    producerEndpoints: Object.fromEntries(hosts.map((h) => [h, producerEndpoint(gate, h)])),
  };
}

/** Ends the gate (SIGTERM, SIGKILL after 5 s) and forgets it; a no-op when it is gone. */
export async function stopHostsEndpoint(rehearsalDir: string): Promise<void> {
  await stopGate(readGate(rehearsalDir)?.pid, rehearsalDir);
  rmSync(recordPath(rehearsalDir), { force: true });
}
