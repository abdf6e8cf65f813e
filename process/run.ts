/**
 * The one place that starts local programs (ip, ssh-keygen, tar, terraform, ssh…): argv
 * arrays, never a shell string, and errors that carry the program's own stderr. Every
 * other file goes through here (an eslint rule keeps child_process out of them), so how a
 * child is started, fed, timed out and reported is decided once.
 *
 * Four shapes, by how long the child lives and who sees its output:
 * - `run`: wait for it, collect its output (the common case);
 * - `runSync`: the same, blocking (tests, and the few call sites that cannot await);
 * - `runAttached`: it owns the terminal (`streamlab ssh`, apt-get's progress), we get its
 *   exit status;
 * - `start`: it lives on while we do other things (a lock holder, terraform we may
 *   interrupt); `startDetached`: it outlives the CLI (the test hosts' nspawn, the lab's
 *   emulator).
 * Secrets go on stdin (`input`), never in argv, which any local user can read in /proc.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { OperationalError } from '../config/errors';

export interface RunResult {
  stdout: string;
  stderr: string;
  /** The exit status; 128 when a signal ended it (see `signal`). */
  code: number;
  /** The signal that ended it, if one did. */
  signal?: NodeJS.Signals;
}

/** A program that exited non-zero or timed out: an operation that failed, named with its output. */
export class CommandFailed extends OperationalError {
  constructor(
    readonly argv: readonly string[],
    readonly result: RunResult,
    /** Set when we killed it at its deadline: `result` holds what it printed until then. */
    readonly timeoutMs?: number,
  ) {
    const detail = result.stderr.trim() || result.stdout.trim();
    const what =
      timeoutMs === undefined ? `exited with ${result.code}` : `timed out after ${timeoutMs} ms`;
    super(`${argv.join(' ')} ${what}${detail ? `: ${detail.slice(-2000)}` : ''}`);
    this.name = 'CommandFailed';
  }
}

/** Which of its two outputs a line came from. */
export type Stream = 'stdout' | 'stderr';

export interface RunOptions {
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Written to its stdin, which is then closed; without it stdin is /dev/null. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each complete line of stdout and stderr as it arrives (progress of long programs). */
  onLine?: (line: string, from: Stream) => void;
  /**
   * Milliseconds it may run: then it gets SIGTERM and the call fails with a CommandFailed
   * that says it timed out (even with `allowFailure`, which is about exit statuses).
   */
  timeout?: number;
}

/** Calls `onLine` per line of a stream, the last one also without its newline. */
function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.on('data', (b: Buffer) => {
    const lines = (rest + b.toString()).split('\n');
    rest = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  stream.on('end', () => rest && onLine(rest));
}

const exitCode = (code: number | null, signal: NodeJS.Signals | null) => code ?? (signal ? 128 : 1);

/**
 * Collects a piped child's output and settles once it has exited and closed its outputs:
 * the one wait that `run` and `start` share.
 */
function collect(child: ChildProcess, onLine: RunOptions['onLine']): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  if (onLine) {
    forEachLine(child.stdout!, (l) => onLine(l, 'stdout'));
    forEachLine(child.stderr!, (l) => onLine(l, 'stderr'));
  }
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        code: exitCode(code, signal),
        ...(signal ? { signal } : {}),
      }),
    );
  });
}

export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  });
  const done = collect(child, opts.onLine);
  let timedOut = false;
  const timer =
    opts.timeout === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
        }, opts.timeout);
  if (opts.input !== undefined) {
    child.stdin!.on('error', () => {}); // a program may exit without reading its input
    child.stdin!.end(opts.input);
  }
  try {
    const result = await done;
    if (timedOut) throw new CommandFailed(argv, result, opts.timeout);
    if (result.code !== 0 && !opts.allowFailure) throw new CommandFailed(argv, result);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Output a blocking call keeps before it gives up (npm and terraform can print a lot). */
const SYNC_MAX_BUFFER = 64 * 1024 * 1024;

/** `run`, blocking: for tests and the few call sites that cannot await. No `onLine`. */
export function runSync(argv: readonly string[], opts: Omit<RunOptions, 'onLine'> = {}): RunResult {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    input: opts.input,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    timeout: opts.timeout,
    killSignal: 'SIGTERM',
    encoding: 'utf8',
    maxBuffer: SYNC_MAX_BUFFER,
  });
  const result: RunResult = {
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    code: exitCode(r.status, r.signal),
    ...(r.signal ? { signal: r.signal } : {}),
  };
  const e = r.error as NodeJS.ErrnoException | undefined;
  if (e?.code === 'ETIMEDOUT') throw new CommandFailed(argv, result, opts.timeout);
  if (e) throw e;
  if (result.code !== 0 && !opts.allowFailure) throw new CommandFailed(argv, result);
  return result;
}

export interface AttachedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Where its output goes: 'terminal' shares our stdin, stdout and stderr (an interactive
   * session); 'stderr' sends both of its outputs to our stderr and gives it no stdin, so a
   * command's stdout stays its result (apt-get's progress). @default 'terminal'
   */
  output?: 'terminal' | 'stderr';
}

/**
 * Runs a program on our terminal and resolves with how it ended (it printed its output
 * itself, so nothing is collected). Rejects only when it cannot start (ENOENT: not
 * installed); a non-zero exit is the caller's to judge.
 */
export function runAttached(
  argv: readonly string[],
  opts: AttachedOptions = {},
): Promise<Pick<RunResult, 'code' | 'signal'>> {
  const stdio: StdioOptions =
    opts.output === 'stderr' ? ['ignore', process.stderr, process.stderr] : 'inherit';
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio,
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code: exitCode(code, signal), ...(signal ? { signal } : {}) }),
    );
  });
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each complete line of stdout and stderr as it arrives. */
  onLine?: RunOptions['onLine'];
  /**
   * Keep its stdin open until `endInput()`: for a child that holds something until we let
   * go (flock's `cat`). Without it stdin is /dev/null.
   */
  holdInput?: boolean;
  /**
   * In a process group of its own, so a Ctrl-C on the terminal reaches only us and we
   * decide what to pass on (terraform must get exactly one SIGINT).
   */
  ownProcessGroup?: boolean;
}

/** A child that runs while we do other things. */
export interface Started {
  readonly pid: number | undefined;
  /**
   * Settles once it exited and closed its outputs: resolves with the result whatever the
   * exit status, rejects only when it could not start (ENOENT).
   */
  readonly exited: Promise<RunResult>;
  /** Sends it a signal (to the child only, not its process group). */
  kill(signal: NodeJS.Signals): void;
  /**
   * Sends a signal to its whole process group, as a terminal's Ctrl-C would (with
   * `ownProcessGroup`; otherwise to the child only).
   */
  signalGroup(signal: NodeJS.Signals): void;
  /** Closes its stdin (with `holdInput`). */
  endInput(): void;
}

export function start(argv: readonly string[], opts: StartOptions = {}): Started {
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: [opts.holdInput ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    detached: opts.ownProcessGroup ?? false,
  });
  const exited = collect(child, opts.onLine);
  child.stdin?.on('error', () => {}); // it may exit before we close its input
  return {
    pid: child.pid,
    exited,
    kill: (signal) => void child.kill(signal),
    signalGroup: (signal) => {
      if (!opts.ownProcessGroup || child.pid === undefined || child.exitCode !== null)
        return void child.kill(signal);
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is gone: every process of it has exited.
      }
    },
    endInput: () => void child.stdin?.end(),
  };
}

export interface DetachedOptions {
  /** Its whole environment: nothing of ours is passed unless named here. */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** An open file descriptor that gets both of its outputs (a log); stdin is /dev/null. */
  logFd: number;
}

/**
 * Starts a program that outlives the CLI: its own session, nothing piped to us, not waited
 * for. Returns its pid; whoever stops it later checks /proc that the pid is still it.
 */
export function startDetached(argv: readonly string[], opts: DetachedOptions): number {
  const child = spawn(argv[0]!, argv.slice(1), {
    detached: true,
    stdio: ['ignore', opts.logFd, opts.logFd],
    env: opts.env,
    cwd: opts.cwd,
  });
  // A failed spawn is reported below, synchronously, as a missing pid.
  child.once('error', () => {});
  if (!child.pid) throw new OperationalError(`could not start ${argv[0]}`);
  child.unref();
  return child.pid;
}

/**
 * Waits `ms`, or less when `signal` aborts first (without error: the caller looks at the
 * signal and stops). Leaves no listener on the signal behind.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
