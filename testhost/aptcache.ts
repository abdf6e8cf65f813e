/**
 * apt-cacher-ng for the hosts: they have no route out, so apt goes through this proxy on the
 * machine. It forwards Debian requests to the machine's own mirror (an empty backends file
 * makes every request fail with "503 Host not found"), refuses every other URL (a host is a
 * student's: see `acngConfig`) and keeps its cache across runs.
 *
 * It listens on one address only, the machine end of an "anchor" veth pair of its own
 * (10.200.S.1, a slot like any host's), and each host gets a route to it via its gateway.
 * Binding the hosts' gateway addresses instead would need a restart whenever a host comes
 * up (a daemon cannot bind an address that does not exist yet), and a restart was measured
 * to break another host's apt run mid-download ("Unable to connect"). With the anchor the
 * daemon starts with the first host and stops with the last. Never a wildcard address.
 * One daemon per run dir, its files under `<run dir>/apt-cacher-ng`. The caller holds the
 * allocation lock.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pickSlot, slotAddresses } from './addresses';
import { machineNetworks } from './netns';
import { aptCacheDir, aptCacherRunDir } from './paths';
import { processAlive } from './state';
import { run, sleep } from '../process/run';
import { OperationalError } from '../config/errors';

export const DEFAULT_PORT = 3142;
const PORT_CANDIDATES = 10;

interface Anchor {
  slot: number;
  veth: string;
  address: string;
}

interface DaemonRecord {
  pid: number;
  port: number;
  addresses: string[];
  anchor: Anchor;
}

export interface ProxyEndpoint {
  address: string;
  port: number;
}

/** Where the daemon of one run dir keeps its record, config, pid, logs and cache. */
interface DaemonFiles {
  readonly dir: string;
  readonly record: string;
  readonly conf: string;
  readonly pidFile: string;
  readonly logDir: string;
  readonly cacheDir: string;
}

function daemonFiles(runDir: string): DaemonFiles {
  const dir = aptCacherRunDir(runDir);
  return {
    dir,
    record: join(dir, 'daemon.json'),
    conf: join(dir, 'conf'),
    pidFile: join(dir, 'apt-cacher-ng.pid'),
    logDir: join(dir, 'log'),
    cacheDir: aptCacheDir(runDir),
  };
}

function readRecord(f: DaemonFiles): DaemonRecord | undefined {
  try {
    return JSON.parse(readFileSync(f.record, 'utf8')) as DaemonRecord;
  } catch {
    return undefined;
  }
}

/** Our daemon, not a reused pid: its argv names our config dir. */
function isOurDaemon(f: DaemonFiles, pid: number | undefined): boolean {
  if (!pid || !processAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(f.conf);
  } catch {
    return false;
  }
}

export function acngConfig(o: {
  cacheDir: string;
  logDir: string;
  pidFile: string;
  port: number;
  addresses: string[];
}): string {
  return [
    '# Written by streamlab for its test hosts; bound to their gateway addresses only.',
    `CacheDir: ${o.cacheDir}`,
    `LogDir: ${o.logDir}`,
    'SupportDir: /usr/lib/apt-cacher-ng',
    `Port: ${o.port}`,
    `BindAddress: ${o.addresses.join(' ')}`,
    `PidFile: ${o.pidFile}`,
    'ForeGround: 0',
    'Remap-debrep: file:deb_mirror*.gz /debian ; file:backends_debian',
    'ExThreshold: 4',
    // A host is root-owned by a student: it may ask for any URL. Only what the Remap line
    // maps to the Debian backend is fetched; a URL naming any other host (this machine's
    // loopback, its LAN, a metadata service) is refused before a connection is made.
    'ForceManaged: 1',
    // Nor may the mirror's answer redirect the daemon somewhere else, nor CONNECT tunnel.
    'RedirMax: 0',
    'PassThroughPattern: ^$',
    // No ReportPage line: without one the maintenance page does not exist for the hosts.
    '',
  ].join('\n');
}

/** Ports with a listener already (`ss`), so we never collide with another proxy. */
async function portsInUse(): Promise<Set<number>> {
  const out = (await run(['ss', '-Hltn'], { allowFailure: true })).stdout;
  const ports = new Set<number>();
  for (const line of out.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const m = local ? /:(\d+)$/.exec(local) : null;
    if (m) ports.add(Number(m[1]));
  }
  return ports;
}

async function stopDaemon(f: DaemonFiles, record: DaemonRecord | undefined): Promise<void> {
  if (record && isOurDaemon(f, record.pid)) {
    process.kill(record.pid, 'SIGTERM');
    for (let i = 0; i < 100 && processAlive(record.pid); i++) await sleep(50);
    if (isOurDaemon(f, record.pid)) process.kill(record.pid, 'SIGKILL');
    for (let i = 0; i < 40 && processAlive(record.pid); i++) await sleep(50);
  }
}

/**
 * Removes from the cache everything but the Debian backend's files and the daemon's own
 * `_…` dirs. The daemon serves a cached file even where it would now refuse the URL, and a
 * cache kept across runs may hold files a daemon without `ForceManaged` fetched from any host.
 */
function dropForeignCache(cacheDir: string): void {
  for (const name of readdirSync(cacheDir))
    if (name !== 'debrep' && !name.startsWith('_'))
      rmSync(join(cacheDir, name), { recursive: true, force: true });
}

async function startDaemon(
  f: DaemonFiles,
  anchor: Anchor,
  mirror: string,
  port: number,
): Promise<DaemonRecord> {
  const addresses = [anchor.address];
  const { conf, logDir, pidFile } = f;
  mkdirSync(conf, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  mkdirSync(f.cacheDir, { recursive: true });
  dropForeignCache(f.cacheDir);
  writeFileSync(join(conf, 'backends_debian'), `${mirror.replace(/\/*$/, '/')}\n`);
  writeFileSync(
    join(conf, 'acng.conf'),
    acngConfig({ cacheDir: f.cacheDir, logDir, pidFile, port, addresses }),
  );
  rmSync(pidFile, { force: true });
  await run(['apt-cacher-ng', '-c', conf]);
  // The pid file appears within ~100 ms on an idle machine, but can exist for a moment
  // before the pid is in it (read as empty: not ours): wait for a pid that is our daemon,
  // up to 20 s on a loaded machine.
  const readPid = () => {
    try {
      return Number(readFileSync(pidFile, 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  };
  let pid = readPid();
  for (let i = 0; i < 400 && !isOurDaemon(f, pid); i++) {
    await sleep(50);
    pid = readPid();
  }
  if (!isOurDaemon(f, pid)) {
    let why = '';
    try {
      why = readFileSync(join(logDir, 'apt-cacher.err'), 'utf8')
        .trim()
        .split('\n')
        .slice(-3)
        .join(' | ');
    } catch {
      /* no error log written */
    }
    throw new OperationalError(
      `apt-cacher-ng did not start (port ${port}, pid file ${existsSync(pidFile) ? `holds "${readPid() || ''}"` : 'missing'})${why ? `: ${why}` : ''}; see ${logDir}/apt-cacher.err`,
    );
  }
  const record = { pid, port, addresses, anchor };
  // Listening on every address, or it is no use to the host that needs it.
  for (const a of addresses) {
    let up = false;
    for (let i = 0; i < 100 && !(up = await listening(a, port)); i++) await sleep(50);
    if (!up) {
      await stopDaemon(f, record);
      throw new OperationalError(
        `apt-cacher-ng is not listening on ${a}:${port}; see ${logDir}/apt-cacher.err`,
      );
    }
  }
  writeFileSync(f.record, JSON.stringify(record));
  return record;
}

function listening(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port, timeout: 500 });
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

async function createAnchor(takenSlots: number[]): Promise<Anchor> {
  const slot = pickSlot(takenSlots, await machineNetworks());
  const a = slotAddresses(slot);
  const anchor = { slot, veth: `slp${slot}`, address: a.gateway };
  // The peer stays on the machine, down to nothing but keeping the pair (and address) alive.
  await run(['ip', '-batch', '-'], {
    input: [
      `link add ${anchor.veth} type veth peer name slq${slot}`,
      `addr add ${a.gateway}/${a.prefix} dev ${anchor.veth}`,
      `link set slq${slot} up`,
      `link set ${anchor.veth} up`,
      '',
    ].join('\n'),
  });
  return anchor;
}

const anchorExists = (a: Anchor | undefined): a is Anchor =>
  !!a && existsSync(`/sys/class/net/${a.veth}`);

/**
 * The running proxy's address and port, starting it (and its anchor) if needed. `takenSlots`
 * are the hosts' slots, which the anchor must not take.
 */
export async function ensureAptCacher(
  runDir: string,
  takenSlots: number[],
  mirror: string,
): Promise<ProxyEndpoint> {
  const f = daemonFiles(runDir);
  const current = readRecord(f);
  if (current && isOurDaemon(f, current.pid) && anchorExists(current.anchor))
    return { address: current.anchor.address, port: current.port };
  await stopDaemon(f, current);
  // A daemon that died keeps its anchor and port: hosts already point at them.
  const anchor = anchorExists(current?.anchor) ? current!.anchor : await createAnchor(takenSlots);
  const busy = await portsInUse();
  const preferred = current?.port ?? DEFAULT_PORT;
  const candidates = [
    preferred,
    ...Array.from({ length: PORT_CANDIDATES }, (_, i) => DEFAULT_PORT + i),
  ];
  const port = candidates.find((p) => !busy.has(p));
  if (port === undefined)
    throw new OperationalError(
      `ports ${DEFAULT_PORT}..${DEFAULT_PORT + PORT_CANDIDATES - 1} are all in use`,
    );
  try {
    const record = await startDaemon(f, anchor, mirror, port);
    return { address: record.anchor.address, port: record.port };
  } catch (e) {
    await run(['ip', 'link', 'delete', anchor.veth], { allowFailure: true });
    throw e;
  }
}

/** Stops the proxy (when the last host went down) and removes its run files. */
export async function stopAptCacher(runDir: string): Promise<void> {
  const f = daemonFiles(runDir);
  const record = readRecord(f);
  await stopDaemon(f, record);
  if (anchorExists(record?.anchor))
    await run(['ip', 'link', 'delete', record!.anchor.veth], { allowFailure: true });
  rmSync(f.dir, { recursive: true, force: true });
}

export function aptCacherPid(runDir: string): number | undefined {
  const f = daemonFiles(runDir);
  const r = readRecord(f);
  return r && isOurDaemon(f, r.pid) ? r.pid : undefined;
}

/** The anchor interface of the running proxy (for tests proving it goes away). */
export function aptCacherAnchor(runDir: string): string | undefined {
  return readRecord(daemonFiles(runDir))?.anchor?.veth;
}

/** Where the running proxy of this run dir listens, or undefined when none runs. */
export function aptCacherEndpoint(runDir: string): ProxyEndpoint | undefined {
  const f = daemonFiles(runDir);
  const r = readRecord(f);
  return r && isOurDaemon(f, r.pid) && anchorExists(r.anchor)
    ? { address: r.anchor.address, port: r.port }
    : undefined;
}

/**
 * The machine-side address every host of this run dir has a route to (the anchor), or
 * undefined when no host is up. Other services for the hosts (the offline lab's Kinesis
 * emulator) bind it too, for the reason the proxy does: it exists before and after any
 * one host.
 */
export function hostsServiceAddress(runDir: string): string | undefined {
  const r = readRecord(daemonFiles(runDir));
  return anchorExists(r?.anchor) ? r!.anchor.address : undefined;
}
