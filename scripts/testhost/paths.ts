/**
 * Where the test host keeps things. Read at call time so a test (or a second lab on the
 * same machine) can point STREAMLAB_RUN_DIR elsewhere and own a separate set of hosts.
 *
 * - cache (survives runs): rootfs tarball, unpacked base, operator key, apt-cacher-ng cache
 * - run dir (per set of hosts): host state files, apt-cacher-ng config and pid file
 * - host dirs (on disk, not tmpfs: a provisioned host holds 100+ MB of packages)
 * - the allocation lock is machine-wide, whatever the run dir: addresses are machine-wide
 */
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

export function cacheDir(): string {
  return process.env.STREAMLAB_CACHE || join(homedir(), '.cache', 'streamlab');
}

export const testhostCacheDir = () => join(cacheDir(), 'testhost');
export const operatorKeyPath = () => join(testhostCacheDir(), 'id_ed25519');
/**
 * apt-cacher-ng does not support two daemons on one cache dir, and each run dir has its own
 * daemon: the default run dir keeps `apt-cacher-ng/`, any other gets one named after it.
 */
export function aptCacheDir(): string {
  const rd = runDir();
  const suffix = rd === DEFAULT_RUN_DIR ? '' : `-${basename(rd).replace(/[^A-Za-z0-9._-]/g, '_')}`;
  return join(cacheDir(), `apt-cacher-ng${suffix}`);
}

const DEFAULT_RUN_DIR = '/run/streamlab';

export function runDir(): string {
  return process.env.STREAMLAB_RUN_DIR || DEFAULT_RUN_DIR;
}

export const hostStateDir = () => join(runDir(), 'hosts');
export const aptCacherRunDir = () => join(runDir(), 'apt-cacher-ng');

/** One lock for every process on the machine that allocates addresses. */
export const allocationLockPath = () => '/run/streamlab-testhost.lock';

/** Per-host disk: overlay upper/work dirs and the merged root nspawn boots. */
export const hostsDiskDir = () => process.env.STREAMLAB_HOSTS_DIR || '/var/lib/streamlab/testhost';

/** Our cgroup subtree in the two hierarchies nspawn uses on a machine without systemd. */
export const CGROUP_ROOTS = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd'] as const;
export const CGROUP_PARENT = 'streamlab';
