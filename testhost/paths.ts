/**
 * Where the test host keeps things. The run dir is a parameter of every call: a test (or a
 * second lab on the same machine) passes a dir of its own and owns a separate set of hosts.
 * Only the edge (a CLI command, or a caller that names none) reads STREAMLAB_RUN_DIR.
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
export const DEFAULT_RUN_DIR = '/run/streamlab';

/** The run dir the user chose (STREAMLAB_RUN_DIR), else the default: read at the edge. */
export function runDirFromEnv(): string {
  return process.env.STREAMLAB_RUN_DIR || DEFAULT_RUN_DIR;
}

/**
 * apt-cacher-ng does not support two daemons on one cache dir, and each run dir has its own
 * daemon: the default run dir keeps `apt-cacher-ng/`, any other gets one named after it.
 */
export function aptCacheDir(runDir: string): string {
  const suffix =
    runDir === DEFAULT_RUN_DIR ? '' : `-${basename(runDir).replace(/[^A-Za-z0-9._-]/g, '_')}`;
  return join(cacheDir(), `apt-cacher-ng${suffix}`);
}

export const hostStateDir = (runDir: string) => join(runDir, 'hosts');
export const aptCacherRunDir = (runDir: string) => join(runDir, 'apt-cacher-ng');

/** One lock for every process on the machine that allocates addresses. */
export const allocationLockPath = () => '/run/streamlab-testhost.lock';

/** Per-host disk: overlay upper/work dirs and the merged root nspawn boots. */
export const hostsDiskDir = () => process.env.STREAMLAB_HOSTS_DIR || '/var/lib/streamlab/testhost';

/** Our cgroup subtree in the two hierarchies nspawn uses on a machine without systemd. */
export const CGROUP_ROOTS = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd'] as const;
export const CGROUP_PARENT = 'streamlab';
