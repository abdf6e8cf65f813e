/**
 * `streamlab reset STUDENT --offline`: one student's host back to a fresh, provisioned
 * state, every other student untouched. The student's test host is taken down and booted
 * again from the clean image (a new disk, a new host key), its inventory entry replaced
 * (the new key pinned, the stream and endpoints it had kept: its port on the Kinesis gate is
 * the student's for the lab's life), the packet filter installed again for the new host's
 * veth (which may differ from the old one's), and the same producer-host playbook `lab up`
 * runs provisions it alone.
 *
 * A lab of one host is refused: the hosts' service address (where the Kinesis gate listens) lives
 * as long as any host of the lab does, so taking down the only one would take the
 * gate's address along; `lab down` + `lab up` is that lab's reset.
 */
import type { LabConfig } from '../../config/schema';
import { InputError, OperationalError } from '../../config/errors';
import { recapExitCode, type Recap } from '../../provisioning/engine/recap';
import type { TaskEvent } from '../../provisioning/engine/runner';
import { loadInventory, type InventoryHost } from '../../provisioning/inventory';
import { provision } from '../../provisioning/provision';
import { hostDown, hostUp, inventoryEntry } from '../../testhost/api';
import { aptCacherEndpoint } from '../../testhost/aptcache';
import { writeInventory } from '../hosts/inventory-file';
import { memoryReporter, stepSequence, type Reporter } from '../progress';
import { installLabFilter } from '../stream/host-gate';
import { OFFLINE_VARS } from './provisioning';
import { offlineInventoryPath, readOfflineLab } from './record';
import { assertRoot } from './up';

export interface LabResetOptions {
  /** The offline variant of the config (lab-config.ts). */
  readonly config: LabConfig;
  readonly student: string;
  readonly baseDir?: string;
  readonly reporter?: Reporter;
  readonly onTaskEvent?: (event: TaskEvent) => void;
}

export interface LabResetResult {
  readonly host: InventoryHost;
  readonly previousFingerprint: string | undefined;
  readonly recap: Recap;
}

export async function labReset(opts: LabResetOptions): Promise<LabResetResult> {
  const r = opts.reporter ?? memoryReporter();
  const baseDir = opts.baseDir ?? process.cwd();
  const { config, student } = opts;
  assertRoot();
  const record = readOfflineLab(config.name, baseDir);
  if (!record)
    throw new InputError(`no offline lab ${config.name} here: start it with \`streamlab lab up\``, {
      exitCode: 1,
    });
  if (!record.hosts.includes(student))
    throw new InputError(
      `STUDENT: "${student}" is not a host of the offline lab ${config.name} (its hosts: ${record.hosts.join(', ')})`,
    );
  if (record.hosts.length < 2)
    throw new OperationalError(
      `the offline lab ${config.name} has one host: taking it down would take the emulator's address along; reset it with \`streamlab lab down\` and \`streamlab lab up\``,
    );
  const { gate } = record;
  if (!gate?.ports[student])
    throw new OperationalError(
      `the offline lab ${config.name} has no Kinesis gate port for ${student}: run \`streamlab lab up\` to converge the lab first`,
    );
  const inventoryFile = offlineInventoryPath(config.name, baseDir);
  const before = loadInventory(inventoryFile).hosts;
  const old = before.find((h) => h.name === student);
  if (!old)
    throw new OperationalError(
      `${inventoryFile} has no entry for ${student}: run \`streamlab lab up\` to converge the lab first`,
    );

  const steps = stepSequence(r);
  try {
    steps.next(`taking down ${student}'s host (its disk goes with it)`);
    await hostDown(student, { runDir: record.runDir });
    steps.next(`booting a fresh ${student} from the clean image`);
    const t0 = Date.now();
    const fresh = await hostUp(student, { runDir: record.runDir });
    r.line(
      student,
      `up at ${fresh.address} (${Date.now() - t0} ms), new host key ${fresh.hostKeyFingerprint}`,
    );
    // The new host's veth into the filter, with its own port: until now nothing filtered it.
    const proxy = aptCacherEndpoint(record.runDir);
    if (!proxy) throw new Error(`${student} came up but the hosts' apt proxy is not running`);
    await installLabFilter(record.runDir, gate, proxy.port);
    r.line('filter', `${student} reaches this machine only at the apt proxy and its own gate port`);
    // The student's entry only (its stream, region and endpoint kept, how to reach it and
    // its pinned key replaced): the others stay what they were.
    const host: InventoryHost = { ...old, ...inventoryEntry(fresh) };
    writeInventory(
      inventoryFile,
      before.map((h) => (h.name === student ? host : h)),
    );
    r.line('inventory', `${inventoryFile}: ${student}'s host key pinned anew`);

    steps.next(`provisioning ${student} with the producer-host playbook`);
    const result = await provision({
      hosts: [host],
      config,
      vars: OFFLINE_VARS,
      run: { connect: { deadlineMs: 60_000 }, onEvent: opts.onTaskEvent },
    });
    steps.end(recapExitCode(result.recap) === 0 ? 'ok' : 'failed');
    return { host, previousFingerprint: old.hostKeyFingerprint, recap: result.recap };
  } catch (e) {
    steps.end('failed');
    throw e;
  }
}
