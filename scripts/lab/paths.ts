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
import { join } from 'node:path';

export function cacheDir(): string {
  return process.env.STREAMLAB_CACHE || join(homedir(), '.cache', 'streamlab');
}

export const testhostCacheDir = () => join(cacheDir(), 'testhost');
export const operatorKeyPath = () => join(testhostCacheDir(), 'id_ed25519');
export const aptCacheDir = () => join(cacheDir(), 'apt-cacher-ng');

export function runDir(): string {
  return process.env.STREAMLAB_RUN_DIR || '/run/streamlab';
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
