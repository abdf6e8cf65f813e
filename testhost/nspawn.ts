/**
 * Booting and stopping one host: systemd-nspawn with systemd as PID 1, in the host's
 * network namespace and cgroup, detached so it outlives the `up` command.
 */
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { processAlive } from './state';
import { sleep, startDetached } from '../process/run';
import { OperationalError } from '../config/errors';

export interface BootSpec {
  root: string;
  machine: string;
  hostname: string;
  netns: string;
  cgroupDirs: string[];
  log: string;
}

/**
 * Starts nspawn and returns its pid. A tiny shell moves itself into the host's cgroups and
 * then execs nspawn (same pid), so nspawn creates payload/ and supervisor/ there.
 */
export function boot(spec: BootSpec): number {
  const script =
    'for d in "$@"; do echo $$ > "$d/cgroup.procs"; done; exec systemd-nspawn "$NSPAWN_ROOT_ARG" --boot --register=no --keep-unit "--machine=$NSPAWN_MACHINE" "--hostname=$NSPAWN_HOSTNAME" "--network-namespace-path=/run/netns/$NSPAWN_NETNS" --console=passive';
  const out = openSync(spec.log, 'a');
  try {
    return startDetached(['sh', '-c', script, bootShellName(spec.machine), ...spec.cgroupDirs], {
      logFd: out,
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        NSPAWN_ROOT_ARG: `--directory=${spec.root}`,
        NSPAWN_MACHINE: spec.machine,
        NSPAWN_HOSTNAME: spec.hostname,
        NSPAWN_NETNS: spec.netns,
      },
    });
  } finally {
    closeSync(out);
  }
}

/** $0 of the shell that execs nspawn: lets isNspawnOf recognise the pid before the exec. */
const bootShellName = (machine: string) => `streamlab-boot:${machine}`;

/** A live process, not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * True when pid is still the nspawn of this machine, or its boot shell (pids get reused).
 * /proc/PID/cmdline reads empty while a process is inside execve, so an empty read is
 * retried rather than taken as "some other process".
 */
export async function isNspawnOf(pid: number | undefined, machine: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!pid || !running(pid)) return false;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      return false;
    }
    if (argv.length > 0)
      return argv.includes(`--machine=${machine}`) || argv.includes(bootShellName(machine));
    await sleep(10);
  }
  return false;
}

function logTail(log: string): string {
  if (!existsSync(log)) return '';
  return readFileSync(log, 'utf8').split('\n').slice(-15).join('\n');
}

/** Resolves once sshd answers with its banner on address:22. */
export async function waitForSsh(
  address: string,
  pid: number,
  machine: string,
  log: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isNspawnOf(pid, machine)))
      throw new OperationalError(
        `systemd-nspawn for ${machine} exited before sshd came up:\n${logTail(log)}`,
      );
    if (await sshBanner(address)) return;
    await sleep(100);
  }
  throw new OperationalError(
    `sshd on ${address}:22 not answering after ${timeoutMs / 1000}s:\n${logTail(log)}`,
  );
}

export function sshBanner(address: string, port = 22): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port, timeout: 1000 });
    let got = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.on('data', (b: Buffer) => {
      got += b.toString();
      if (got.includes('\n') || got.length >= 8) done(got.startsWith('SSH-'));
    });
    sock.on('timeout', () => done(false));
    sock.on('error', () => done(false));
    sock.on('close', () => done(got.startsWith('SSH-')));
  });
}

/** SIGTERM asks systemd inside to power off; SIGKILL after the grace period. */
export async function stop(
  pid: number | undefined,
  machine: string,
  graceMs = 15_000,
): Promise<void> {
  if (!(await isNspawnOf(pid, machine))) return;
  process.kill(pid!, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!running(pid!)) return;
    await sleep(50);
  }
  if (await isNspawnOf(pid, machine)) process.kill(pid!, 'SIGKILL');
}
