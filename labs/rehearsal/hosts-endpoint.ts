/**
 * The emulated Kinesis as the stand-in hosts reach it. moto listens on the operator's
 * loopback, out of a test host's reach; the Kinesis gate (../stream/kinesis-gate.js) listens on the
 * hosts' service address (the machine end of their links, testhost/aptcache.ts) and passes
 * Kinesis calls to moto, and the hosts' packet filter lets them open connections to it and
 * to the apt proxy only. It outlives the command (the producers write through it until
 * `down`), so its PID is kept in the rehearsal's dir, like moto's.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import { aptCacherEndpoint, hostsServiceAddress } from '../../testhost/aptcache';
import { hostFilterTable, installHostFilter } from '../../testhost/host-filter';
import type { Reporter } from '../progress';
import { freePort } from '../stream/emulator';
import { isOurGate, startGate, stopGate } from '../stream/kinesis-gate-service';
import type { Rehearsal } from './session';

interface GateRecord {
  readonly pid: number;
  /** Where the hosts reach it. */
  readonly address: string;
  readonly port: number;
  /** The emulator it passes calls to. */
  readonly to: string;
}

const recordPath = (rehearsalDir: string) => join(rehearsalDir, 'kinesis-gate.json');

function readGate(rehearsalDir: string): GateRecord | undefined {
  const file = recordPath(rehearsalDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GateRecord) : undefined;
}

export const gateEndpoint = (g: Pick<GateRecord, 'address' | 'port'>) =>
  `http://${g.address}:${g.port}`;

/**
 * Starts the gate for the stand-ins of `runDir` (or finds it running, for the same emulator
 * at the same address) and installs their packet filter; returns the endpoint the hosts'
 * producers, `status` and `tail` use. The address is a local one, so this machine reaches
 * the gate there too.
 */
export async function ensureHostsEndpoint(
  rehearsal: Rehearsal,
  runDir: string,
  r: Reporter,
): Promise<string> {
  const address = hostsServiceAddress(runDir);
  const proxy = aptCacherEndpoint(runDir);
  if (!address || !proxy)
    throw new OperationalError(
      `the stand-in hosts under ${runDir} are not up (no service address or apt proxy)`,
      { hint: 'run `streamlab up` again: it boots them' },
    );
  const running = readGate(rehearsal.dir);
  let gate: GateRecord;
  if (
    running &&
    isOurGate(running.pid, rehearsal.dir) &&
    running.address === address &&
    running.to === rehearsal.endpoint
  ) {
    gate = running;
  } else {
    await stopHostsEndpoint(rehearsal.dir);
    gate = await spawnGate(rehearsal, address);
    r.line(
      'rehearsal',
      `the stand-ins reach moto's Kinesis at ${gateEndpoint(gate)} (Kinesis calls only; pid ${gate.pid})`,
    );
  }
  // The hosts may reach this machine at these two ports only (testhost/host-filter.ts).
  await installHostFilter(runDir, address, [proxy.port, gate.port]);
  r.line(
    'filter',
    `stand-ins reach this machine only at ${address}:${proxy.port} (apt proxy) and :${gate.port} (Kinesis); nftables table inet ${hostFilterTable(runDir)}`,
  );
  return gateEndpoint(gate);
}

async function spawnGate(rehearsal: Rehearsal, address: string): Promise<GateRecord> {
  const port = await freePort(address);
  const record = (pid: number): GateRecord => ({ pid, address, port, to: rehearsal.endpoint });
  const pid = await startGate(
    {
      address,
      to: rehearsal.endpoint,
      ports: { anyCall: port },
      tag: rehearsal.dir,
      log: join(rehearsal.dir, 'kinesis-gate.log'),
    },
    (spawned) =>
      writeFileSync(recordPath(rehearsal.dir), `${JSON.stringify(record(spawned), null, 2)}\n`, {
        mode: 0o600,
      }),
  );
  return record(pid);
}

/** Ends the gate (SIGTERM, SIGKILL after 5 s) and forgets it; a no-op when it is gone. */
export async function stopHostsEndpoint(rehearsalDir: string): Promise<void> {
  await stopGate(readGate(rehearsalDir)?.pid, rehearsalDir);
  rmSync(recordPath(rehearsalDir), { force: true });
}
