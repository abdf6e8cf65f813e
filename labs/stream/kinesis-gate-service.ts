/**
 * The Kinesis gate (./kinesis-gate.js) as a detached process: started for the test hosts of
 * the offline lab or of a rehearsal (one port per host, for that host's own stream), and ended by PID only once its argv shows it is ours (the marker
 * and the caller's tag), so a PID the kernel reused for something else is never signalled.
 * Where its record lives is the caller's: the rehearsal's dir, the offline lab's record.
 */
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import { startDetached } from '../../process/run';
import { processWithArgv, stopProcessWithArgv } from '../../testhost/state';
import { waitForPort } from './emulator';

const LAUNCHER = join(__dirname, 'kinesis-gate.js');
/** argv word that marks our gates, so a reused PID is never taken for one. */
const GATE_MARKER = 'streamlab-kinesis-gate';

/** Each port's own stream: a call on the port may touch that stream only. */
export type GatePorts = ReadonlyMap<number, string>;

export interface GateSpec {
  /** Where the hosts reach it (their service address). */
  readonly address: string;
  /** The emulator it passes calls to. */
  readonly to: string;
  readonly ports: GatePorts;
  /** Follows the marker in argv: the caller's own name for this gate (a dir, a record path). */
  readonly tag: string;
  /** Its output, appended (never a symlink followed). */
  readonly log: string;
}

/** True when PID is a live gate started with `tag`. */
export function isOurGate(pid: number | undefined, tag: string): boolean {
  return processWithArgv(pid, GATE_MARKER, tag);
}

function portArgs(ports: GatePorts): string[] {
  return [...ports].flatMap(([port, stream]) => ['--own', `${port}=${stream}`]);
}

/**
 * Starts the gate and resolves with its PID once every port accepts connections;
 * `onSpawned` gets the PID first, so the caller can record it before any wait.
 */
export async function startGate(
  spec: GateSpec,
  onSpawned: (pid: number) => void = () => {},
): Promise<number> {
  const fd = openSync(
    spec.log,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o600,
  );
  let pid: number;
  try {
    const argv = ['--listen', spec.address, '--to', spec.to, ...portArgs(spec.ports)];
    pid = startDetached([process.execPath, LAUNCHER, ...argv, GATE_MARKER, spec.tag], {
      logFd: fd,
      cwd: __dirname,
      // Nothing of the operator's environment (AWS credentials, tokens): it needs none.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
  } finally {
    closeSync(fd);
  }
  onSpawned(pid);
  const ports = [...spec.ports.keys()];
  try {
    for (const port of ports) await waitForPort(spec.address, port);
    if (!isOurGate(pid, spec.tag)) throw new Error('it exited');
  } catch (e) {
    await stopGate(pid, spec.tag);
    throw new OperationalError(
      `the Kinesis gate did not start on ${spec.address} port(s) ${ports.join(', ')}; its output is in ${spec.log}`,
      { cause: e },
    );
  }
  return pid;
}

/** Ends our gate (SIGTERM, SIGKILL after 5 s); a no-op when it is gone. */
export function stopGate(pid: number | undefined, tag: string): Promise<void> {
  return stopProcessWithArgv(pid, GATE_MARKER, tag);
}
