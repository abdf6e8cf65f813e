/**
 * `lab up`: the whole host side of the lab on this machine. Test hosts (one per student)
 * boot in their own network namespaces; one kinesalite on this machine's loopback holds
 * each student's own stream (named as on AWS), which each host reaches through its own port
 * on the Kinesis gate, for that stream only (../stream/host-gate.ts); the same producer-host
 * playbook as on AWS provisions every host with the synthetic source pointed at its stream on
 * the emulator; then we wait for the first records in every stream. Every step is idempotent:
 * running it again converges (and adds or removes students, and their streams, to match).
 */
import { availableParallelism } from 'node:os';
import { mapWithLimit } from '../../provisioning/engine/bounded';
import type { LabConfig } from '../../config/schema';
import { hostNames, streamNameFor } from '../../config/hosts';
import type { TaskEvent } from '../../provisioning/engine/runner';
import { recapExitCode, type Recap } from '../../provisioning/engine/recap';
import type { InventoryHost } from '../../provisioning/inventory';
import { provision } from '../../provisioning/provision';
import { PRODUCER_SERVICE } from '../../provisioning/playbooks/producer-host';
import { InputError, OperationalError } from '../../config/errors';
import { memoryReporter, stepSequence, type Reporter } from '../progress';
import { aptCacherEndpoint, hostsServiceAddress } from '../../testhost/aptcache';
import { hostFilterTable } from '../../testhost/host-filter';
import { ensureInotifyRoom, type RaiseConsent } from '../../testhost/limits';
import { hostNameProblem } from '../../testhost/state';
import {
  ensureRootfs,
  hostDown,
  hostList,
  hostUp,
  inventoryEntry,
  type HostDetails,
} from '../../testhost/api';
import { kinesisClient } from '../stream/client';
import { ensureEmulator } from './emulator-service';
import {
  ensureGate,
  installLabFilter,
  producerEndpoint,
  type HostGateRecord,
} from '../stream/host-gate';
import { deleteStream, ensureStream, hasRecord } from './local-stream';
import {
  offlineInventoryPath,
  offlineLabRecordPath,
  emulatorEndpoint,
  emulatorLogPath,
  gateLogPath,
  readOfflineLab,
  writeOfflineLab,
  type OfflineLabRecord,
} from './record';
import { writeInventory } from '../hosts/inventory-file';
import { OFFLINE_VARS } from './provisioning';

/**
 * Hosts booted at once. A boot is CPU work on this machine's cores (systemd and sshd start in
 * the container): ten booted side by side took 8.3 s against 1.0 s for one (bench/testhost),
 * i.e. no faster per host than the cores allow. Two per core keeps every core busy while a
 * boot waits on its disk or its network; more would only stretch each boot's wait for SSH.
 */
export const bootParallel = (cores = availableParallelism()) => Math.max(2, 2 * cores);

/**
 * Hosts provisioned at once: all of them. The engine mostly waits on the hosts, and the
 * hosts' work shares this machine's cores whatever the bound: dpkg on a first run, and on a
 * re-run sshd, sudo and the fact script (~0.25 s of CPU per host, bench/provision: 30
 * converged hosts used 8.5 s of CPU), so a bound only adds waiting for a slot. An engine
 * starved of CPU among them no longer reads a finished command as a lost connection.
 */
export const provisionForks = (hosts: number) => Math.max(1, hosts);

export interface LabUpOptions {
  /** The offline variant of the config (see lab-config.ts). */
  readonly config: LabConfig;
  /** The lab's own run dir for its test hosts (offlineRunDir), passed to every host call. */
  readonly runDir: string;
  readonly baseDir?: string;
  /** Wait at most this long for the first records. @default 120_000 */
  readonly recordsTimeoutMs?: number;
  /** Where progress goes: a step per phase, a detail line per host. @default dropped */
  readonly reporter?: Reporter;
  readonly onTaskEvent?: (event: TaskEvent) => void;
  /**
   * Consent to raise fs.inotify.max_user_instances when the hosts need more (testhost/limits.ts).
   * @default none: too low a limit is refused with the numbers and the command
   */
  readonly raiseLimits?: Omit<RaiseConsent, 'say'>;
}

export interface LabUpResult {
  readonly record: OfflineLabRecord;
  readonly hosts: readonly HostDetails[];
  readonly recap: Recap;
  /** The emulator's endpoint on this machine's loopback (every host record's `endpoint`). */
  readonly endpoint: string;
  /** The hosts' Kinesis gate: each host's own port (its producer's endpoint). */
  readonly gate: HostGateRecord;
  readonly inventoryFile: string;
}

export function assertRoot(): void {
  if (process.platform !== 'linux' || process.getuid?.() !== 0)
    throw new OperationalError(
      'the offline lab needs root on Linux (systemd-nspawn hosts in network namespaces): run it with sudo, or as root',
    );
}

function bootAll(names: readonly string[], runDir: string, r: Reporter): Promise<HostDetails[]> {
  return mapWithLimit(names, bootParallel(), async (name) => {
    const t0 = Date.now();
    const host = await hostUp(name, { runDir });
    r.line(name, `up at ${host.address} (${Date.now() - t0} ms)`);
    return host;
  });
}

export async function labUp(opts: LabUpOptions): Promise<LabUpResult> {
  const r = opts.reporter ?? memoryReporter();
  const steps = stepSequence(r);
  const baseDir = opts.baseDir ?? process.cwd();
  const { config, runDir } = opts;
  assertRoot();
  const names = hostNames(config);
  for (const n of names) {
    if (hostNameProblem(n) !== undefined)
      throw new InputError(
        `students: "${n}" cannot name a local test host (lowercase letters, digits and "-", starting with a letter, at most 32)`,
      );
  }
  // Before anything starts: enough inotify instances for the hosts still to boot, or a
  // refusal with the numbers and the command (testhost/limits.ts).
  const running = new Set((await hostList({ runDir })).map((h) => h.name));
  const room = await ensureInotifyRoom(names.filter((n) => !running.has(n)).length, runDir, {
    ...(opts.raiseLimits ?? { raise: false, rerun: 'streamlab lab up --raise-limits' }),
    say: (l) => r.line('limits', l),
  });
  r.line(
    'limits',
    `inotify instances: ${room.inUse} in use + ${room.needed} for ${room.newHosts} new host(s) of fs.inotify.max_user_instances = ${room.limit}`,
  );
  const tag = offlineLabRecordPath(config.name, baseDir);
  const earlier = readOfflineLab(config.name, baseDir);
  if (earlier && earlier.runDir !== runDir)
    throw new OperationalError(
      `lab ${config.name} is already up with hosts under ${earlier.runDir}; run \`streamlab lab down\` with the same STREAMLAB_RUN_DIR first`,
    );
  // Recorded before anything starts: a crash from here on leaves a record naming it all.
  let record: OfflineLabRecord = {
    version: 1,
    name: config.name,
    runDir,
    hosts: [...new Set([...(earlier?.hosts ?? []), ...names])],
    region: config.region,
    ...(earlier?.emulator ? { emulator: earlier.emulator } : {}),
    ...(earlier?.gate ? { gate: earlier.gate } : {}),
    updatedAt: new Date().toISOString(),
  };
  writeOfflineLab(record, baseDir);

  try {
    steps.next('rootfs: checking the cached Debian 12 image (the first build takes a few minutes)');
    await ensureRootfs({ onProgress: (m) => r.line('rootfs', m) });

    steps.next(`booting ${names.length} host(s): ${names.join(', ')}`);
    const hosts = await bootAll(names, runDir, r);
    // Removed students go after the new ones are up: the last host out would take the
    // service address (and with it the emulator's records) along.
    const gone = (earlier?.hosts ?? []).filter((h) => !names.includes(h));
    for (const h of gone) {
      steps.next(`taking down ${h} (no longer in the lab)`);
      await hostDown(h, { runDir });
    }
    record = { ...record, hosts: names, updatedAt: new Date().toISOString() };
    writeOfflineLab(record, baseDir);

    steps.next(`kinesalite (the local Kinesis), a stream per student, the hosts' gate`);
    const service = hostsServiceAddress(runDir);
    if (!service) throw new Error('the hosts came up but their service address is missing');
    const { emulator, started } = await ensureEmulator(
      record.emulator,
      ['127.0.0.1'],
      tag,
      emulatorLogPath(config.name, baseDir),
      (spawned) => writeOfflineLab({ ...record, emulator: spawned }, baseDir),
    );
    const endpoint = emulatorEndpoint(emulator);
    record = { ...record, emulator, updatedAt: new Date().toISOString() };
    writeOfflineLab(record, baseDir);
    r.line(
      'emulator',
      `${started ? 'started' : 'reusing'} kinesalite (pid ${emulator.pid}) at ${endpoint}, for this machine's commands`,
    );
    const opened = await ensureGate(
      record.gate,
      {
        address: service,
        to: endpoint,
        hosts: names,
        config,
        tag,
        log: gateLogPath(config.name, baseDir),
      },
      (spawned) => writeOfflineLab({ ...record, gate: spawned }, baseDir),
    );
    const gate = opened.gate;
    record = { ...record, gate, updatedAt: new Date().toISOString() };
    writeOfflineLab(record, baseDir);
    r.line(
      'gate',
      `${opened.started ? 'started' : 'reusing'} the Kinesis gate (pid ${gate.pid}) on ${service}: each host its own port, for its own stream`,
    );

    // The hosts may reach the machine only at the apt proxy and their own gate port.
    const proxy = aptCacherEndpoint(runDir);
    if (!proxy) throw new Error('the hosts came up but their apt proxy is not running');
    await installLabFilter(runDir, gate, proxy.port);
    r.line(
      'filter',
      `hosts reach this machine only at ${service}:${proxy.port} (apt proxy) and each its own gate port; nftables table inet ${hostFilterTable(runDir)}`,
    );

    const client = kinesisClient({ region: config.region, endpoint });
    try {
      const shards = config.stream.shards ?? 1;
      await Promise.all(
        names.map(async (h) => {
          const stream = streamNameFor(config, h);
          const made = await ensureStream(client, stream, shards);
          r.line(
            h,
            `stream ${stream}: ${made === 'created' ? `created (${shards} shard(s))` : 'exists'}`,
          );
        }),
      );
      for (const h of gone)
        if ((await deleteStream(client, streamNameFor(config, h))) === 'deleted')
          r.line(h, `stream ${streamNameFor(config, h)}: deleted`);

      // Each host's record: the test host's entry (pinned host key) and what it is for.
      const inventory: InventoryHost[] = hosts.map((h) => ({
        ...inventoryEntry(h),
        stream: streamNameFor(config, h.name),
        region: config.region,
        endpoint,
        producerEndpoint: producerEndpoint(gate, h.name),
      }));
      const inventoryFile = offlineInventoryPath(config.name, baseDir);
      writeInventory(inventoryFile, inventory);

      steps.next(
        `provisioning ${hosts.length} host(s) with the producer-host playbook (synthetic source)`,
      );
      const result = await provision({
        hosts: inventory,
        config,
        vars: OFFLINE_VARS,
        run: {
          forks: provisionForks(inventory.length),
          connect: { deadlineMs: 60_000 },
          onEvent: opts.onTaskEvent,
        },
      });
      if (recapExitCode(result.recap) !== 0) {
        steps.end('failed');
        return { record, hosts, recap: result.recap, endpoint, gate, inventoryFile };
      }

      steps.next(`waiting for records in every student's stream`);
      await waitForRecords(
        client,
        inventory.map((h) => h.stream!),
        opts.recordsTimeoutMs ?? 120_000,
      );
      steps.end();
      return { record, hosts, recap: result.recap, endpoint, gate, inventoryFile };
    } finally {
      client.destroy();
    }
  } catch (e) {
    steps.end('failed');
    throw e;
  }
}

/** Waits until every stream has a record. */
async function waitForRecords(
  client: ReturnType<typeof kinesisClient>,
  streams: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const waiting = new Set(streams);
  for (;;) {
    // A stream that had a record keeps it: only the ones still empty are asked again.
    const asked = [...waiting];
    const found = await Promise.all(asked.map((s) => hasRecord(client, s)));
    asked.forEach((s, i) => found[i] && waiting.delete(s));
    if (waiting.size === 0) return;
    if (Date.now() >= deadline) {
      throw new OperationalError(
        `no record reached ${[...waiting].join(', ')} within ${Math.round(timeoutMs / 1000)} s: see the producer's log with \`streamlab lab status\` and \`journalctl -u ${PRODUCER_SERVICE}\` on that host (\`streamlab logs HOST --offline\`)`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
