/**
 * Per-host state files (`<run dir>/hosts/NAME.json`): how `list`, `down` and other
 * processes find a host; every function takes the run dir whose hosts it means. Written before any resource exists and removed after the last
 * one is gone, so a crash never leaves resources that no state file names.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../config/errors';
import { sleep } from '../process/run';
import { hostStateDir } from './paths';

export interface HostState {
  name: string;
  slot: number;
  address: string;
  /**
   * Machine side of the veth (10.200.I.1): where the host reaches services on the machine
   * (e.g. a kinesalite bound here); its apt proxy is routed through it.
   */
  gateway: string;
  port: number;
  user: string;
  privateKeyPath: string;
  /** SHA256 fingerprint of the host's ed25519 key, e.g. "SHA256:…" */
  hostKeyFingerprint: string;
  /** The host's ed25519 public key line, for known_hosts. */
  hostPublicKey: string;
  netns: string;
  veth: string;
  /** systemd-nspawn machine name: unique on the machine, unlike NAME across run dirs. */
  machine: string;
  /** Overlay upper/work dirs and the merged root. */
  hostDir: string;
  base: string;
  /** systemd-nspawn's pid once launched. */
  pid?: number;
  /** The process running `up`; a `starting` host whose owner is dead was interrupted. */
  ownerPid: number;
  phase: 'starting' | 'ready';
  startedAt: string;
}

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;

/**
 * What is wrong with a host name, or undefined: names become hostnames and file names, so
 * they are lowercase DNS labels of at most 32 characters. The CLI reports it as a usage
 * error, `lab up` as a bad student name.
 */
export function hostNameProblem(name: string): string | undefined {
  return NAME_PATTERN.test(name)
    ? undefined
    : `invalid host name "${name}": use 1-32 lowercase letters, digits and '-', starting with a letter, not ending with '-'`;
}

/** Refuses a name that cannot name a host (input the caller must fix). */
export function validateHostName(name: string): void {
  const problem = hostNameProblem(name);
  if (problem !== undefined) throw new InputError(problem);
}

const statePath = (runDir: string, name: string) => join(hostStateDir(runDir), `${name}.json`);

export function readState(runDir: string, name: string): HostState | undefined {
  const path = statePath(runDir, name);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as HostState;
}

export function writeState(runDir: string, state: HostState): void {
  mkdirSync(hostStateDir(runDir), { recursive: true });
  const path = statePath(runDir, state.name);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function removeState(runDir: string, name: string): void {
  rmSync(statePath(runDir, name), { force: true });
}

export function allStates(runDir: string): HostState[] {
  const dir = hostStateDir(runDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(dir, f), 'utf8')) as HostState];
      } catch {
        return []; // a file being replaced; the next read sees the new one
      }
    });
}

export function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when PID is alive and its argv holds every one of `words`: how a detached service
 * we started (an emulator, a gate, moto) is told from a process that got its PID later.
 */
export function processWithArgv(pid: number | undefined, ...words: string[]): boolean {
  if (!processAlive(pid)) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return words.every((w) => argv.includes(w));
  } catch {
    return false;
  }
}

/**
 * Ends PID while it is still the process `words` name (processWithArgv): SIGTERM, SIGKILL
 * after 5 s, then up to 2 s for it to go. A no-op when it is gone, or the PID is another's.
 */
export async function stopProcessWithArgv(
  pid: number | undefined,
  ...words: string[]
): Promise<void> {
  const ours = () => processWithArgv(pid, ...words);
  if (!ours()) return;
  process.kill(pid!, 'SIGTERM');
  for (let i = 0; i < 100 && ours(); i++) await sleep(50);
  if (ours()) process.kill(pid!, 'SIGKILL');
  for (let i = 0; i < 40 && processAlive(pid); i++) await sleep(50);
}
