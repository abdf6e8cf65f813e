/**
 * Everything a host may leave on the machine, so a test can prove teardown left nothing:
 * processes, network namespace, veth, cgroup dirs, mounts, directories, state file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSync } from '../../../process/run';
import { cgroupDirs } from '../../../testhost/cgroup';
import { hostStateDir } from '../../../testhost/paths';
import type { HostState } from '../../../testhost/state';

/** Running, not a zombie (a killed child stays a zombie until its parent reaps it). */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Human-readable leftovers of host `s` of `runDir`; [] when teardown was complete. */
export function tracesOf(runDir: string, s: HostState, containerPids: number[] = []): string[] {
  const found: string[] = [];
  if (alive(s.pid)) found.push(`nspawn pid ${s.pid} still running`);
  for (const p of containerPids) if (alive(p)) found.push(`container process ${p} still running`);
  const netns = runSync(['ip', 'netns', 'list']).stdout;
  if (netns.split('\n').some((l) => l.split(' ')[0] === s.netns)) found.push(`netns ${s.netns}`);
  if (existsSync(`/sys/class/net/${s.veth}`)) found.push(`link ${s.veth}`);
  for (const d of cgroupDirs(s.machine)) if (existsSync(d)) found.push(`cgroup ${d}`);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(s.hostDir));
  found.push(...mounts.map((m) => `mount ${m}`));
  if (existsSync(s.hostDir)) found.push(`directory ${s.hostDir}`);
  if (existsSync(join(hostStateDir(runDir), `${s.name}.json`)))
    found.push(`state file of ${s.name}`);
  if (existsSync(`/run/systemd/nspawn/propagate/${s.machine}`)) found.push('nspawn propagate dir');
  return found;
}

/** Pids in the host's cgroups right now (the container's systemd, sshd…). */
export function containerPids(s: HostState): number[] {
  const out = runSync(['find', ...cgroupDirs(s.machine), '-name', 'cgroup.procs']).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map(Number));
}
