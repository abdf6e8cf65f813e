/**
 * The offline lab's Kinesis: one detached kinesalite per lab, listening on this machine's
 * loopback only, where the operator's commands (status, tail, check, the dashboard) read
 * it. Kinesalite checks nothing, so no host reaches it directly: each host goes through its
 * own port on the Kinesis gate, for its own stream only (../stream/host-gate.ts). It is
 * identified by PID *and* by its argv (marker + the lab's record path), so a PID the
 * kernel reused for something else is never signalled.
 */
import { closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { refuseSymlinks } from '../../config/no-follow';
import { dirname } from 'node:path';
import { EMULATOR_MARKER, freePort, spawnEmulatorProcess, waitForPort } from '../stream/emulator';
import { OperationalError } from '../../config/errors';
import { processWithArgv, stopProcessWithArgv } from '../../testhost/state';
import type { EmulatorRecord } from './record';

/** True when PID is our emulator for this tag (not a reused PID). */
export function isOurEmulator(pid: number | undefined, tag: string): boolean {
  return processWithArgv(pid, EMULATOR_MARKER, tag);
}

const sameAddresses = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/**
 * Returns the running emulator when it already listens on exactly `addresses`; otherwise
 * (re)starts it. A restart loses the streams' records: kinesalite keeps them in memory.
 */
export async function ensureEmulator(
  current: EmulatorRecord | undefined,
  addresses: readonly string[],
  tag: string,
  log: string,
  /** Called with each process as soon as it is spawned, so a crash cannot orphan it. */
  onSpawned: (emulator: EmulatorRecord) => void = () => {},
): Promise<{ emulator: EmulatorRecord; started: boolean }> {
  if (current && isOurEmulator(current.pid, tag) && sameAddresses(current.addresses, addresses))
    return { emulator: current, started: false };
  await stopEmulator(current, tag);
  refuseSymlinks(log);
  mkdirSync(dirname(log), { recursive: true, mode: 0o700 });
  // A port free on loopback may still be taken on another address: try a few.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort('127.0.0.1');
    const fd = openSync(
      log,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o600,
    );
    const pid = spawnEmulatorProcess(addresses, port, fd, tag);
    closeSync(fd);
    const emulator: EmulatorRecord = { pid, port, addresses: [...addresses], log };
    onSpawned(emulator);
    try {
      for (const address of addresses) await waitForPort(address, port, 10_000);
      if (!isOurEmulator(pid, tag)) throw new Error(`it exited; see ${log}`);
      return { emulator, started: true };
    } catch (e) {
      lastError = e as Error;
      await stopEmulator(emulator, tag);
    }
  }
  throw new OperationalError(
    `the Kinesis emulator (kinesalite) did not start: ${lastError?.message}`,
    { cause: lastError },
  );
}

/** Ends our emulator (SIGTERM, then SIGKILL after 5 s); a no-op when it is gone. */
export async function stopEmulator(
  current: EmulatorRecord | undefined,
  tag: string,
): Promise<void> {
  await stopProcessWithArgv(current?.pid, EMULATOR_MARKER, tag);
}
