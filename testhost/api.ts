/**
 * Public API of the local test host: a Debian 12 machine booted with systemd in its own
 * network namespace, reachable over real OpenSSH like an EC2 Ubuntu host. Used by jest,
 * bench/ and the `streamlab lab host` commands.
 *
 * Every call works on the hosts of one run dir, passed as `runDir` (a test's own, a lab's
 * own); a caller that passes none gets STREAMLAB_RUN_DIR's, or /run/streamlab, read once
 * when the call starts.
 */
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { pickSlot, slotAddresses } from './addresses';
import { ensureAptCacher, stopAptCacher } from './aptcache';
import { createCgroups, removeCgroups } from './cgroup';
import { machineDebianMirror } from './mirror';
import { createLink, linkNames, machineNetworks, namespaceSlots, removeLink } from './netns';
import { releaseInterface } from './host-filter';
import { boot, isNspawnOf, stop, waitForSsh } from './nspawn';
import { mountOverlay, overlayDirs, unmountAll } from './overlay';
import {
  CGROUP_PARENT,
  CGROUP_ROOTS,
  allocationLockPath,
  hostStateDir,
  hostsDiskDir,
  operatorKeyPath,
  runDirFromEnv,
} from './paths';
import type { InventoryHost } from '../provisioning/inventory';
import { withLock } from './lock';
import { run } from '../process/run';
import { assertPrerequisites } from './prerequisites';
import { OperationalError } from '../config/errors';
import { messageInWords } from '../config/errno';
import { ensureBase, SUITE } from './rootfs';
import { ensureOperatorKey, newHostKey } from './sshkeys';
import {
  allStates,
  processAlive,
  readState,
  removeState,
  validateHostName,
  writeState,
  type HostState,
} from './state';

/** What `lab host up --json` prints, in this order: the host's inventory entry. */
const ENTRY_FIELDS = [
  'name',
  'address',
  'port',
  'user',
  'privateKeyPath',
  'hostKeyFingerprint',
] as const;
/**
 * And what `lab host list --json` adds: the machine side of the veth (10.200.I.1), where
 * the host reaches services on the machine (its apt proxy is routed through it), and the
 * host's network namespace.
 */
const DETAIL_FIELDS = [...ENTRY_FIELDS, 'gateway', 'netns'] as const;

/** A test host as the API returns it: its state's public fields. */
export type HostDetails = Pick<HostState, (typeof DETAIL_FIELDS)[number]>;

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, from[k]])) as Pick<T, K>;
}

type Progress = (msg: string) => void;

export interface RunDirOption {
  /** The set of hosts this call works on. @default STREAMLAB_RUN_DIR, else /run/streamlab */
  readonly runDir?: string;
}

const runDirOf = (opts: RunDirOption) => opts.runDir ?? runDirFromEnv();

const UBUNTU_UID = 1000;
const SSH_READY_TIMEOUT_MS = 60_000;

export function toDetails(s: HostState): HostDetails {
  return pick(s, DETAIL_FIELDS);
}

/**
 * A test host's inventory entry: how to reach it, its host key pinned. Exactly the public
 * fields of `lab host up --json`, in a stable order; no stream (`lab up` adds the lab's).
 */
export function inventoryEntry(d: HostDetails): InventoryHost {
  return pick(d, ENTRY_FIELDS);
}

/** Tarball of the cached rootfs, built (once, ~1-2 min) when missing or out of date. */
export async function ensureRootfs(
  opts: { onProgress?: Progress; rebuild?: boolean } = {},
): Promise<string> {
  assertPrerequisites();
  return (await ensureBase(opts)).tarball;
}

function write(path: string, text: string | Buffer, mode: number, uid = 0): void {
  rmSync(path, { force: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  chownSync(path, uid, uid);
}

/** The host-specific files, written into the overlay's upper dir before boot. */
function personalise(
  root: string,
  s: HostState,
  hostKey: { privateKey: Buffer; publicKey: string },
  operatorPub: string,
): void {
  write(join(root, 'etc/hostname'), `${s.name}\n`, 0o644);
  // Left empty, systemd in every host derives the same id from the VM's DMI uuid.
  write(join(root, 'etc/machine-id'), `${randomBytes(16).toString('hex')}\n`, 0o444);
  write(
    join(root, 'etc/hosts'),
    `127.0.0.1\tlocalhost\n127.0.1.1\t${s.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
    0o644,
  );
  write(join(root, 'etc/ssh/ssh_host_ed25519_key'), hostKey.privateKey, 0o600);
  write(join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), hostKey.publicKey, 0o644);
  const sshDir = join(root, 'home/ubuntu/.ssh');
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  chmodSync(sshDir, 0o700);
  chownSync(sshDir, UBUNTU_UID, UBUNTU_UID);
  write(join(sshDir, 'authorized_keys'), operatorPub, 0o600, UBUNTU_UID);
}

/** Frees everything a host holds; idempotent, tolerant of resources that never existed. */
async function release(s: HostState): Promise<void> {
  await stop(s.pid, s.machine);
  // Catches the container's processes too when nspawn was killed -9 and left them running.
  await removeCgroups(s.machine);
  await unmountAll(s.hostDir);
  rmSync(s.hostDir, { recursive: true, force: true });
  await removeLink({ netns: s.netns, veth: s.veth });
  rmSync(`/run/systemd/nspawn/propagate/${s.machine}`, { recursive: true, force: true });
}

/** Under the lock: drop the state file; the last host out stops the proxy. */
async function forget(runDir: string, s: HostState): Promise<void> {
  removeState(runDir, s.name);
  for (const root of CGROUP_ROOTS)
    try {
      rmdirSync(join(root, CGROUP_PARENT));
    } catch {
      /* other hosts still there, or never created */
    }
  if (allStates(runDir).length > 0) return;
  await stopAptCacher(runDir);
  // The last host out leaves no directory behind either.
  const parents = process.env.STREAMLAB_HOSTS_DIR ? [] : [dirname(hostsDiskDir())];
  for (const dir of [hostStateDir(runDir), runDir, hostsDiskDir(), ...parents])
    try {
      rmdirSync(dir);
    } catch {
      /* not empty (other users of the run dir) or already gone */
    }
}

/**
 * A host from an earlier `up` that still runs. sshd is not probed: a playbook may be
 * restarting it, and that is no reason to tear a running host down.
 */
async function liveHost(s: HostState): Promise<boolean> {
  return s.phase === 'ready' && (await isNspawnOf(s.pid, s.machine));
}

/** Another live process is in the middle of bringing this host up. */
async function ownedByAnother(s: HostState): Promise<boolean> {
  return s.phase === 'starting' && s.ownerPid !== process.pid && processAlive(s.ownerPid);
}

/** Names this process is bringing up right now (keyed by run dir): a second `up` waits. */
const inProgress = new Map<string, Promise<unknown>>();

/**
 * Boots host NAME (or returns it if already up) and resolves when sshd answers. A leftover
 * of a crashed earlier run under the same name is cleaned first.
 */
export async function hostUp(
  name: string,
  opts: { onProgress?: Progress } & RunDirOption = {},
): Promise<HostDetails> {
  const runDir = runDirOf(opts);
  // Two concurrent `up`s of one name in one process: the second waits and then finds the
  // host running (state alone cannot tell them apart: both carry this process's pid).
  const key = `${runDir}\0${name}`;
  while (inProgress.has(key)) await inProgress.get(key)!.catch(() => {});
  const attempt = bringUp(runDir, name, opts.onProgress ?? (() => {}));
  inProgress.set(key, attempt);
  try {
    return await attempt;
  } finally {
    inProgress.delete(key);
  }
}

async function bringUp(runDir: string, name: string, progress: Progress): Promise<HostDetails> {
  assertPrerequisites();
  validateHostName(name);
  const { base } = await ensureBase({ onProgress: progress });
  const privateKeyPath = await ensureOperatorKey(operatorKeyPath());
  const mirror = machineDebianMirror(SUITE);

  // Leftovers of a crashed run are freed before taking the machine-wide lock: stopping a
  // wedged nspawn can take its full grace period, and other labs must not wait for it.
  const earlier = readState(runDir, name);
  if (earlier && !(await liveHost(earlier)) && !(await ownedByAnother(earlier))) {
    progress(`cleaning up what an earlier run of ${name} left behind`);
    await release(earlier);
  }

  const reserved = await withLock(
    allocationLockPath(),
    async (): Promise<HostState | HostDetails> => {
      const existing = readState(runDir, name);
      if (existing) {
        if (await liveHost(existing)) return toDetails(existing);
        if (await ownedByAnother(existing))
          throw new OperationalError(
            `host ${name} is being brought up by process ${existing.ownerPid}`,
          );
        await release(existing); // normally done above; idempotent
        removeState(runDir, name);
      }
      const slot = pickSlot(
        [...allStates(runDir).map((s) => s.slot), ...namespaceSlots()],
        await machineNetworks(),
      );
      const a = slotAddresses(slot);
      const link = linkNames(slot, name);
      const state: HostState = {
        name,
        slot,
        address: a.address,
        gateway: a.gateway,
        port: 22,
        user: 'ubuntu',
        privateKeyPath,
        hostKeyFingerprint: '',
        hostPublicKey: '',
        netns: link.netns,
        veth: link.veth,
        machine: link.netns,
        hostDir: join(hostsDiskDir(), link.netns),
        base,
        ownerPid: process.pid,
        phase: 'starting',
        startedAt: new Date().toISOString(),
      };
      // State first, then the link, both under the lock: addresses are claimed before anyone
      // else looks, and a crash from here on leaves a state file naming what to clean.
      writeState(runDir, state);
      progress(`network namespace ${link.netns}: ${a.address} (gateway ${a.gateway})`);
      await releaseInterface(link.veth);
      await createLink(slot, link);
      return state;
    },
  );
  if (!('slot' in reserved)) return reserved;
  const state = reserved;

  try {
    const hostKey = await newHostKey(join(state.hostDir, 'keygen'), name);
    state.hostKeyFingerprint = hostKey.fingerprint;
    state.hostPublicKey = hostKey.publicKey.trim();
    writeState(runDir, state);
    const dirs = overlayDirs(state.hostDir);
    await mountOverlay(base, dirs);
    personalise(dirs.root, state, hostKey, readFileSync(`${privateKeyPath}.pub`, 'utf8'));
    const cgroups = await withLock(allocationLockPath(), async () => createCgroups(state.machine));
    progress(`booting ${name} (systemd-nspawn)`);
    const log = join(state.hostDir, 'nspawn.log');
    state.pid = boot({
      root: dirs.root,
      machine: state.machine,
      hostname: name,
      netns: state.netns,
      cgroupDirs: cgroups,
      log,
    });
    writeState(runDir, state);
    await waitForSsh(state.address, state.pid, state.machine, log, SSH_READY_TIMEOUT_MS);
    // The proxy starts with the first host of the run dir and then just runs; each host
    // reaches its fixed address through the gateway.
    const proxy = await withLock(allocationLockPath(), async () =>
      ensureAptCacher(
        runDir,
        allStates(runDir).map((s) => s.slot),
        mirror,
      ),
    );
    await run([
      'ip',
      '-n',
      state.netns,
      'route',
      'replace',
      `${proxy.address}/32`,
      'via',
      state.gateway,
    ]);
    // Written through the machine's view of the overlay: the running host sees it at once.
    write(
      join(dirs.root, 'etc/apt/apt.conf.d/01proxy'),
      `Acquire::http::Proxy "http://${proxy.address}:${proxy.port}";\n`,
      0o644,
    );
    state.phase = 'ready';
    writeState(runDir, state);
    progress(`${name} is up: ssh ubuntu@${state.address}`);
    return toDetails(state);
  } catch (e) {
    await release(state).catch(() => {});
    await withLock(allocationLockPath(), () => forget(runDir, state));
    throw e;
  }
}

/** Takes host NAME down and removes every trace of it; a no-op for an unknown name. */
export async function hostDown(name: string, opts: RunDirOption = {}): Promise<void> {
  const runDir = runDirOf(opts);
  assertPrerequisites();
  validateHostName(name);
  const s = readState(runDir, name);
  if (!s) return;
  await release(s);
  await withLock(allocationLockPath(), () => forget(runDir, s));
}

/**
 * Takes every host of this run dir down; resolves with their names. One host that cannot be
 * taken down stops none of the others: they go, it keeps its state file (so the next call
 * tries it again), and the error names it with its reason.
 */
export async function hostDownAll(opts: RunDirOption = {}): Promise<string[]> {
  const runDir = runDirOf(opts);
  assertPrerequisites();
  const states = allStates(runDir);
  const outcomes = await Promise.allSettled(states.map((s) => release(s)));
  const released = states.filter((_, i) => outcomes[i]!.status === 'fulfilled');
  await withLock(allocationLockPath(), async () => {
    for (const s of released) await forget(runDir, s);
  });
  const failures = outcomes.flatMap((o, i) =>
    o.status === 'rejected' ? [`${states[i]!.name}: ${messageInWords(o.reason)}`] : [],
  );
  if (failures.length > 0)
    throw new OperationalError(
      `${failures.length} of ${states.length} test host(s) could not be taken down (the other ${released.length} are down; running the same command again retries):\n  ${failures.join('\n  ')}`,
    );
  return released.map((s) => s.name);
}

export async function hostList(opts: RunDirOption = {}): Promise<HostDetails[]> {
  return allStates(runDirOf(opts)).map(toDetails);
}

/** `known_hosts` line pinning host NAME's key at its address (for ssh -o UserKnownHostsFile). */
export function knownHostsLine(name: string, opts: RunDirOption = {}): string {
  const s = readState(runDirOf(opts), name);
  if (!s) throw new OperationalError(`no host ${name}`);
  const pub = readFileSync(
    join(overlayDirs(s.hostDir).upper, 'etc/ssh/ssh_host_ed25519_key.pub'),
    'utf8',
  );
  const [type, blob] = pub.trim().split(/\s+/);
  return `${s.address} ${type} ${blob}\n`;
}
