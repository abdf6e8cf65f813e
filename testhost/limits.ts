/**
 * The kernel's per-user limit on inotify instances, which test hosts run into: systemd in
 * each container opens its own instances (8 per booted host, measured: 32 → 40 → 48 for
 * two hosts on this machine), all counted against root, and the default
 * `fs.inotify.max_user_instances` is 128. Past it the next host fails to boot with
 * "Failed to create control group inotify object: Too many open files". So a lab of N
 * hosts is checked before the first boot: a refusal with the numbers and the command that
 * makes room, or, with the operator's consent (`lab up --raise-limits`, or yes to the
 * question on a terminal), the limit raised by us: the value found is recorded in the lab's
 * run dir first, and `lab down` puts it back.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../config/errors';

/** inotify instances one booted test host takes (measured; see above). */
export const INOTIFY_PER_HOST = 8;
/** Headroom kept for everything else root runs (editors, jest watchers, systemd's own). */
export const INOTIFY_HEADROOM = 16;

export const INOTIFY_SETTING = 'fs.inotify.max_user_instances';
const MAX_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';
/** In the lab's run dir while the limit is raised: what to put back on `lab down`. */
export const RAISED_LIMIT_FILE = 'raised-limit.json';

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

/** A round figure at or above what is needed: 128 → 512 covers about 60 hosts. */
export function inotifyTarget(p: InotifyPlan): number {
  return Math.max(p.raiseTo, 2 ** Math.ceil(Math.log2(p.raiseTo)));
}

/** The refusal: the numbers, and the exact command (and how to make it last). */
export function inotifyProblem(p: InotifyPlan): string {
  const target = inotifyTarget(p);
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

export interface RaiseConsent {
  /** Raising was asked for up front (`lab up --raise-limits`, `npm start`). */
  readonly raise: boolean;
  /** How to run the command again with consent, for the refusal. */
  readonly rerun: string;
  readonly say: (line: string) => void;
  /** Asks on the terminal; undefined when there is none. */
  readonly ask?: ((question: string) => Promise<boolean>) | undefined;
}

/** What `lab up` changed, so that `lab down` can undo exactly that. */
interface RaisedLimit {
  readonly setting: typeof INOTIFY_SETTING;
  readonly previous: number;
  readonly raisedTo: number;
}

const readLimit = (file: string) => Number(readFileSync(file, 'utf8').trim());

/**
 * Before booting `newHosts` test hosts: room for them, or the limit raised with consent
 * (the old value recorded in `runDir` before the write), or a refusal that changes nothing
 * and names the numbers and the commands.
 */
export async function ensureInotifyRoom(
  newHosts: number,
  runDir: string,
  consent: RaiseConsent,
  limitFile = MAX_INSTANCES,
): Promise<InotifyPlan> {
  const plan = inotifyPlan(readLimit(limitFile), inotifyInstancesOf(0), newHosts);
  if (newHosts === 0 || plan.enough) return plan;
  const target = inotifyTarget(plan);
  let yes = consent.raise;
  if (!yes && consent.ask) {
    consent.say(inotifyProblem(plan).split('\n')[0]!);
    yes = await consent.ask(
      `Raise ${INOTIFY_SETTING} from ${plan.limit} to ${target} now (lab down puts ${plan.limit} back)?`,
    );
  }
  if (!yes) {
    throw new OperationalError(
      `${inotifyProblem(plan)}\nor let streamlab raise it, and put it back on lab down: ${consent.rerun}`,
    );
  }
  const record = join(runDir, RAISED_LIMIT_FILE);
  // A second raise keeps the first value found: that is the machine's own.
  const previous = existsSync(record)
    ? (JSON.parse(readFileSync(record, 'utf8')) as RaisedLimit).previous
    : plan.limit;
  const raised: RaisedLimit = { setting: INOTIFY_SETTING, previous, raisedTo: target };
  // Recorded before the write: a crash between the two leaves a record, never a lost value.
  mkdirSync(runDir, { recursive: true });
  writeFileSync(record, `${JSON.stringify(raised)}\n`);
  writeFileSync(limitFile, `${target}\n`);
  consent.say(
    `raised ${INOTIFY_SETTING} from ${plan.limit} to ${target} for ${newHosts} new host(s); lab down puts ${previous} back`,
  );
  return { ...plan, limit: target, enough: true };
}

/**
 * On `lab down`: the value `lab up` found, put back, unless someone changed the limit
 * since (then theirs stays, and the line says so). Nothing recorded, nothing done.
 */
export function restoreInotifyLimit(
  runDir: string,
  say: (line: string) => void,
  limitFile = MAX_INSTANCES,
): void {
  const record = join(runDir, RAISED_LIMIT_FILE);
  if (!existsSync(record)) return;
  const raised = JSON.parse(readFileSync(record, 'utf8')) as RaisedLimit;
  const now = readLimit(limitFile);
  if (now === raised.raisedTo) {
    writeFileSync(limitFile, `${raised.previous}\n`);
    say(`put ${INOTIFY_SETTING} back from ${now} to ${raised.previous}`);
  } else {
    say(
      `left ${INOTIFY_SETTING} at ${now}: lab up had set ${raised.raisedTo}, someone changed it since (it was ${raised.previous})`,
    );
  }
  rmSync(record, { force: true });
}
