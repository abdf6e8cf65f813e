/**
 * Each host's nspawn runs in its own cgroup directory. With no systemd on the machine,
 * nspawn nests payload/ and supervisor/ under its current cgroup, so two containers started
 * from the same cgroup would share /payload/init.scope. The directory is also how teardown
 * finds every process of a host whose nspawn was killed -9.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { CGROUP_PARENT, CGROUP_ROOTS } from './paths';
import { sleep } from '../process/run';
import { OperationalError } from '../config/errors';

export function cgroupDirs(id: string): string[] {
  return CGROUP_ROOTS.filter((r) => existsSync(r)).map((r) => join(r, CGROUP_PARENT, id));
}

export function createCgroups(id: string): string[] {
  const dirs = cgroupDirs(id);
  if (dirs.length === 0)
    throw new OperationalError(
      `no cgroup hierarchy at ${CGROUP_ROOTS.join(' or ')}: is /sys/fs/cgroup mounted?`,
    );
  for (const d of dirs) mkdirSync(d, { recursive: true });
  return dirs;
}

/** Every process in cgroup `dir` and below (what teardown kills, what a benchmark weighs). */
export function pidsIn(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string) => {
    try {
      for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n'))
        if (p.trim()) pids.push(Number(p));
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(d, e.name));
    } catch {
      /* vanished while walking */
    }
  };
  walk(dir);
  return pids;
}

/** Kills whatever still runs in the host's cgroups, then removes them depth first. */
export async function removeCgroups(id: string): Promise<void> {
  for (const dir of cgroupDirs(id)) {
    if (!existsSync(dir)) continue;
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = pidsIn(dir);
      if (pids.length === 0) break;
      // cgroup v2 kills a whole subtree at once; v1 needs a signal per process.
      if (existsSync(join(dir, 'cgroup.kill'))) writeFileSync(join(dir, 'cgroup.kill'), '1');
      else
        for (const pid of pids)
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
      await sleep(100);
    }
    const rmTree = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) rmTree(join(d, e.name));
      rmdirSync(d);
    };
    rmTree(dir);
  }
}
