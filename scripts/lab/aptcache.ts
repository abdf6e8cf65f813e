/**
 * apt-cacher-ng for the hosts: they have no route out, so apt goes through this proxy on the
 * machine side of their veth. It binds only the hosts' gateway addresses (never a
 * wildcard), forwards Debian requests to the machine's own mirror (an empty backends file
 * makes every request fail with "503 Host not found"), and keeps its cache across runs.
 *
 * A daemon cannot bind an address that does not exist yet, so a new host's gateway means a
 * restart (apt in the hosts retries, see rootfs.ts). Addresses of hosts that went down stay
 * bound harmlessly and serve again if the slot is reused, so most `up`s restart nothing.
 * The caller holds the allocation lock.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { aptCacheDir, aptCacherRunDir } from './paths';
import { processAlive } from './state';
import { run, sleep } from './subprocess';

export const DEFAULT_PORT = 3142;
const PORT_CANDIDATES = 10;

interface DaemonRecord {
  pid: number;
  port: number;
  addresses: string[];
}

const recordPath = () => join(aptCacherRunDir(), 'daemon.json');
const confDir = () => join(aptCacherRunDir(), 'conf');
const pidFile = () => join(aptCacherRunDir(), 'apt-cacher-ng.pid');

function readRecord(): DaemonRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(), 'utf8')) as DaemonRecord;
  } catch {
    return undefined;
  }
}

/** Our daemon, not a reused pid: its argv names our config dir. */
function isOurDaemon(pid: number | undefined): boolean {
  if (!pid || !processAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(confDir());
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

async function stopDaemon(record: DaemonRecord | undefined): Promise<void> {
  if (record && isOurDaemon(record.pid)) {
    process.kill(record.pid, 'SIGTERM');
    for (let i = 0; i < 100 && processAlive(record.pid); i++) await sleep(50);
    if (isOurDaemon(record.pid)) process.kill(record.pid, 'SIGKILL');
    for (let i = 0; i < 40 && processAlive(record.pid); i++) await sleep(50);
  }
}

async function startDaemon(
  addresses: string[],
  mirror: string,
  port: number,
): Promise<DaemonRecord> {
  const conf = confDir();
  const logDir = join(aptCacherRunDir(), 'log');
  mkdirSync(conf, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  mkdirSync(aptCacheDir(), { recursive: true });
  writeFileSync(join(conf, 'backends_debian'), `${mirror.replace(/\/*$/, '/')}\n`);
  writeFileSync(
    join(conf, 'acng.conf'),
    acngConfig({ cacheDir: aptCacheDir(), logDir, pidFile: pidFile(), port, addresses }),
  );
  rmSync(pidFile(), { force: true });
  await run(['apt-cacher-ng', '-c', conf]);
  for (let i = 0; i < 100 && !existsSync(pidFile()); i++) await sleep(50);
  const pid = existsSync(pidFile()) ? Number(readFileSync(pidFile(), 'utf8').trim()) : 0;
  if (!isOurDaemon(pid))
    throw new Error(`apt-cacher-ng did not start; see ${logDir}/apt-cacher.err`);
  const record = { pid, port, addresses };
  // Listening on every address, or it is no use to the host that needs it.
  for (const a of addresses) {
    let up = false;
    for (let i = 0; i < 100 && !(up = await listening(a, port)); i++) await sleep(50);
    if (!up) {
      await stopDaemon(record);
      throw new Error(
        `apt-cacher-ng is not listening on ${a}:${port}; see ${logDir}/apt-cacher.err`,
      );
    }
  }
  writeFileSync(recordPath(), JSON.stringify(record));
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

/**
 * Makes the proxy serve `gateway` (restarting it with every live gateway if needed) and
 * returns its port.
 */
export async function ensureAptCacher(
  gateway: string,
  liveGateways: string[],
  mirror: string,
): Promise<number> {
  const current = readRecord();
  if (current && isOurDaemon(current.pid) && current.addresses.includes(gateway))
    return current.port;
  await stopDaemon(current);
  const addresses = [...new Set([...liveGateways, gateway])].sort();
  const busy = await portsInUse();
  const preferred = current?.port ?? DEFAULT_PORT;
  const candidates = [
    preferred,
    ...Array.from({ length: PORT_CANDIDATES }, (_, i) => DEFAULT_PORT + i),
  ];
  const port = candidates.find((p) => !busy.has(p));
  if (port === undefined)
    throw new Error(`ports ${DEFAULT_PORT}..${DEFAULT_PORT + PORT_CANDIDATES - 1} are all in use`);
  return (await startDaemon(addresses, mirror, port)).port;
}

/** Stops the proxy (when the last host went down) and removes its run files. */
export async function stopAptCacher(): Promise<void> {
  await stopDaemon(readRecord());
  rmSync(aptCacherRunDir(), { recursive: true, force: true });
}

export function aptCacherPid(): number | undefined {
  const r = readRecord();
  return r && isOurDaemon(r.pid) ? r.pid : undefined;
}
