/**
 * What `streamlab lab up` started, written before it starts anything (and after each step)
 * so that `lab down` can end exactly that, even after a crash or a Ctrl-C halfway.
 * Lives in the project (`.streamlab/<name>/offline-lab.json`), next to the inventory.
 */
import { readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileAtomic } from '../local-state/private-file';
import { labStateDir } from '../local-state/paths';
import { OperationalError } from '../../config/errors';
import type { HostGateRecord } from '../stream/host-gate';

export interface EmulatorRecord {
  readonly pid: number;
  readonly port: number;
  /** Addresses it listens on: loopback only (the hosts reach it through the gate, ../stream/host-gate.ts). */
  readonly addresses: readonly string[];
  readonly log: string;
}

export interface OfflineLabRecord {
  readonly version: 1;
  readonly name: string;
  /** The run dir of the lab's test hosts (a set of its own, see run-dir.ts). */
  readonly runDir: string;
  /** Test host names, which are the config's host names; each writes to its own stream (streamNameFor). */
  readonly hosts: readonly string[];
  readonly region: string;
  readonly emulator?: EmulatorRecord;
  /** The Kinesis gate: each host's own port to its own stream (../stream/host-gate.ts). */
  readonly gate?: HostGateRecord;
  readonly updatedAt: string;
}

export const offlineLabRecordPath = (name: string, baseDir = process.cwd()) =>
  join(labStateDir(name, baseDir), 'offline-lab.json');

export const emulatorLogPath = (name: string, baseDir = process.cwd()) =>
  join(labStateDir(name, baseDir), 'kinesalite.log');

export const gateLogPath = (name: string, baseDir = process.cwd()) =>
  join(labStateDir(name, baseDir), 'kinesis-gate.log');

/** Where this machine's commands reach the emulator: its loopback port. */
export const emulatorEndpoint = (emulator: Pick<EmulatorRecord, 'port'>) =>
  `http://127.0.0.1:${emulator.port}`;

export const offlineInventoryPath = (name: string, baseDir = process.cwd()) =>
  join(labStateDir(name, baseDir), 'offline-inventory.json');

export function readOfflineLab(
  name: string,
  baseDir = process.cwd(),
): OfflineLabRecord | undefined {
  const file = offlineLabRecordPath(name, baseDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as OfflineLabRecord;
    if (record.version !== 1 || !Array.isArray(record.hosts)) throw new Error('unknown format');
    return record;
  } catch (e) {
    throw new OperationalError(
      `${file} is not a streamlab offline-lab record (${(e as Error).message}); if nothing of the lab runs any more, delete it`,
      { cause: e },
    );
  }
}

export function writeOfflineLab(record: OfflineLabRecord, baseDir = process.cwd()): void {
  writePrivateFileAtomic(
    offlineLabRecordPath(record.name, baseDir),
    `${JSON.stringify(record, null, 2)}\n`,
  );
}

export function removeOfflineLab(name: string, baseDir = process.cwd()): void {
  rmSync(offlineLabRecordPath(name, baseDir), { force: true });
  rmSync(offlineInventoryPath(name, baseDir), { force: true });
  rmSync(emulatorLogPath(name, baseDir), { force: true });
  rmSync(gateLogPath(name, baseDir), { force: true });
  try {
    rmdirSync(labStateDir(name, baseDir)); // only when nothing else (an AWS inventory) is left
  } catch {
    /* not empty */
  }
}
