/**
 * `lab down`: ends what `lab up` started and nothing else: every test host in the lab's own
 * run dir, the students' streams, the hosts' Kinesis gate and the lab's emulator (each
 * checked by argv, not just PID), the hosts' packet filter (its own nftables table), then the record and the inventory. Safe to
 * run twice, and after a crashed `up`.
 */
import { existsSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { asStep, memoryReporter, type Reporter } from '../progress';
import { hostDownAll } from '../../testhost/api';
import { streamNameFor } from '../../config/hosts';
import { kinesisClient } from '../stream/client';
import { isOurEmulator, stopEmulator } from './emulator-service';
import { stopGate } from '../stream/kinesis-gate-service';
import { deleteStream } from './local-stream';
import { removeHostFilter } from '../../testhost/host-filter';
import { emulatorEndpoint, offlineLabRecordPath, readOfflineLab, removeOfflineLab } from './record';
import { restoreInotifyLimit } from '../../testhost/limits';

export interface LabDownResult {
  readonly hosts: readonly string[];
  /** The students' streams deleted from the emulator. */
  readonly streams: readonly string[];
  readonly emulatorStopped: boolean;
  /** False when there was nothing of this lab to take down. */
  readonly found: boolean;
}

export async function labDown(
  name: string,
  opts: {
    /** The lab's run dir when no record names one (a crashed `up`): offlineRunDir(). */
    runDir: string;
    baseDir?: string;
    /** Where progress goes. @default dropped */
    reporter?: Reporter;
  },
): Promise<LabDownResult> {
  const baseDir = opts.baseDir ?? process.cwd();
  const r = opts.reporter ?? memoryReporter();
  const record = readOfflineLab(name, baseDir);
  const runDir = record?.runDir ?? opts.runDir;
  // The limit `up` raised goes back first: lowering it stops no running host, only new ones.
  restoreInotifyLimit(runDir, (l) => r.line('limits', l));
  // Hosts first: a producer stopping flushes its buffer, which needs the emulator still up
  // (stopping the emulator first made each host wait out the producer's drain timeout).
  const hosts = existsSync(runDir)
    ? await asStep(r, `taking the lab's test hosts down (${runDir})`, async () => {
        const down = await hostDownAll({ runDir });
        for (const h of down) r.line(h, 'down');
        return down;
      })
    : [];
  let emulatorStopped = false;
  const { emulator, gate } = record ?? {};
  const tag = offlineLabRecordPath(name, baseDir);
  // Kinesalite keeps streams in memory, so stopping it would lose them anyway: deleting each
  // first says which streams went, and leaves none behind if the emulator outlived us.
  const streams =
    record && emulator && isOurEmulator(emulator.pid, tag)
      ? await asStep(r, `deleting the students' streams`, () =>
          deleteStreams(
            emulatorEndpoint(emulator),
            record.region,
            record.hosts.map((h) => streamNameFor(record, h)),
            r,
          ),
        )
      : [];
  if (gate)
    await asStep(r, `stopping the hosts' Kinesis gate (pid ${gate.pid})`, () =>
      stopGate(gate.pid, tag),
    );
  if (emulator) {
    await asStep(r, `stopping kinesalite (pid ${emulator.pid})`, () => stopEmulator(emulator, tag));
    emulatorStopped = true;
  }
  await removeHostFilter(runDir);
  removeOfflineLab(name, baseDir);
  try {
    rmdirSync(dirname(runDir)); // the parent run dir, when no other lab or host uses it
  } catch {
    /* in use, or already gone */
  }
  return { hosts, streams, emulatorStopped, found: !!record || hosts.length > 0 };
}

async function deleteStreams(
  endpoint: string,
  region: string,
  streams: readonly string[],
  r: Reporter,
): Promise<string[]> {
  const client = kinesisClient({ region, endpoint });
  try {
    const deleted: string[] = [];
    for (const stream of streams)
      if ((await deleteStream(client, stream)) === 'deleted') {
        deleted.push(stream);
        r.line(stream, 'deleted');
      }
    return deleted;
  } finally {
    client.destroy();
  }
}
