/**
 * The emulated Kinesis as the stand-in hosts reach it. moto listens on the operator's
 * loopback, out of a test host's reach; the Kinesis gate (./kinesis-gate.js) listens on the
 * hosts' service address (the machine end of their links, testhost/aptcache.ts) and passes
 * Kinesis calls to moto, and the hosts' packet filter lets them open connections to it and
 * to the apt proxy only. It outlives the command (the producers write through it until
 * `down`), so its PID is kept in the rehearsal's dir, like moto's.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import { sleep, startDetached } from '../../process/run';
import { aptCacherEndpoint, hostsServiceAddress } from '../../testhost/aptcache';
import { hostFilterTable, installHostFilter } from '../../testhost/host-filter';
import { processAlive } from '../../testhost/state';
import type { Reporter } from '../progress';
import { freePort, waitForPort } from '../stream/emulator';
import type { Rehearsal } from './session';

const LAUNCHER = join(__dirname, 'kinesis-gate.js');
/** argv word that marks our gates, so a reused PID is never taken for one. */
const GATE_MARKER = 'streamlab-kinesis-gate';

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

/** True when the record's PID is still a gate of this rehearsal (marker and dir in argv). */
function isOurGate(record: GateRecord | undefined, rehearsalDir: string): boolean {
  if (!record || !processAlive(record.pid)) return false;
  try {
    const argv = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(GATE_MARKER) && argv.includes(rehearsalDir);
  } catch {
    return false;
  }
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
    isOurGate(running, rehearsal.dir) &&
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
  const log = join(rehearsal.dir, 'kinesis-gate.log');
  const fd = openSync(log, 'a', 0o600);
  let pid: number;
  try {
    const argv = ['--listen', address, '--port', String(port), '--to', rehearsal.endpoint];
    pid = startDetached([process.execPath, LAUNCHER, ...argv, GATE_MARKER, rehearsal.dir], {
      logFd: fd,
      cwd: rehearsal.dir,
      // Nothing of the operator's environment (AWS credentials, tokens): it needs none.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
  } finally {
    closeSync(fd);
  }
  const gate: GateRecord = { pid, address, port, to: rehearsal.endpoint };
  writeFileSync(recordPath(rehearsal.dir), `${JSON.stringify(gate, null, 2)}\n`, { mode: 0o600 });
  try {
    await waitForPort(address, port);
  } catch (e) {
    await stopHostsEndpoint(rehearsal.dir);
    throw new OperationalError(
      `the Kinesis gate did not start on ${address}:${port}; its output is in ${log}`,
      {
        cause: e,
      },
    );
  }
  return gate;
}

/** Ends the gate (SIGTERM, SIGKILL after 5 s) and forgets it; a no-op when it is gone. */
export async function stopHostsEndpoint(rehearsalDir: string): Promise<void> {
  const gate = readGate(rehearsalDir);
  if (gate && isOurGate(gate, rehearsalDir)) {
    process.kill(gate.pid, 'SIGTERM');
    for (let i = 0; i < 100 && isOurGate(gate, rehearsalDir); i++) await sleep(50);
    if (isOurGate(gate, rehearsalDir)) process.kill(gate.pid, 'SIGKILL');
  }
  rmSync(recordPath(rehearsalDir), { force: true });
}
