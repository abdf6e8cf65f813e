/**
 * The kernel's per-user limit on inotify instances, which test hosts run into: systemd in
 * each container opens its own instances (8 per booted host, measured: 32 → 40 → 48 for
 * two hosts on this machine), all counted against root, and the default
 * `fs.inotify.max_user_instances` is 128. Past it the next host fails to boot with
 * "Failed to create control group inotify object: Too many open files". So a lab of N
 * hosts is checked before the first boot, with the numbers and the command that makes room.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { OperationalError } from '../config/errors';

/** inotify instances one booted test host takes (measured; see above). */
export const INOTIFY_PER_HOST = 8;
/** Headroom kept for everything else root runs (editors, jest watchers, systemd's own). */
export const INOTIFY_HEADROOM = 16;

const MAX_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

export interface InotifyPlan {
  readonly limit: number;
  readonly inUse: number;
  /** Hosts to boot now (the lab's not yet running). */
  readonly newHosts: number;
  readonly needed: number;
  readonly enough: boolean;
  /** The smallest limit that fits: in use + the new hosts + headroom. */
  readonly raiseTo: number;
}

/** The arithmetic, apart from /proc so it can be tested: does `newHosts` more fit? */
export function inotifyPlan(limit: number, inUse: number, newHosts: number): InotifyPlan {
  const needed = newHosts * INOTIFY_PER_HOST;
  const raiseTo = inUse + needed + INOTIFY_HEADROOM;
  return { limit, inUse, newHosts, needed, enough: raiseTo <= limit, raiseTo };
}

/** The refusal: the numbers, and the exact command (and how to make it last). */
export function inotifyProblem(p: InotifyPlan): string {
  // A round figure at or above what is needed: 128 → 512 covers about 60 hosts.
  const target = Math.max(p.raiseTo, 2 ** Math.ceil(Math.log2(p.raiseTo)));
  return (
    `${p.newHosts} more test host(s) need about ${p.needed} inotify instances (${INOTIFY_PER_HOST} each), ` +
    `but root has ${p.inUse} of fs.inotify.max_user_instances = ${p.limit} in use ` +
    `(${INOTIFY_HEADROOM} kept spare); past the limit a host fails to boot ("Too many open files").\n` +
    `Raise it (as root), then run the command again:\n` +
    `  sysctl -w fs.inotify.max_user_instances=${target}\n` +
    `(to keep it after a reboot: echo fs.inotify.max_user_instances=${target} > /etc/sysctl.d/60-streamlab.conf; ` +
    `to undo: sysctl -w fs.inotify.max_user_instances=${p.limit})`
  );
}

/** inotify instances open in processes of `uid` (each an fd on "anon_inode:inotify"). */
export function inotifyInstancesOf(uid: number, proc = '/proc'): number {
  let n = 0;
  for (const pid of readdirSync(proc)) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (statSync(`${proc}/${pid}`).uid !== uid) continue;
      for (const fd of readdirSync(`${proc}/${pid}/fd`))
        if (readlinkSync(`${proc}/${pid}/fd/${fd}`) === 'anon_inode:inotify') n++;
    } catch {
      // The process ended while we looked, or its fds are not ours to read.
    }
  }
  return n;
}

/** Before booting `newHosts` test hosts: refuses up front when root's limit is too low. */
export function assertInotifyRoom(newHosts: number): InotifyPlan {
  const limit = Number(readFileSync(MAX_INSTANCES, 'utf8').trim());
  const plan = inotifyPlan(limit, inotifyInstancesOf(0), newHosts);
  if (newHosts > 0 && !plan.enough) throw new OperationalError(inotifyProblem(plan));
  return plan;
}
