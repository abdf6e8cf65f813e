/**
 * Running machine programs (ip, ssh-keygen, tar, mount…) with argv arrays, never a shell
 * string, and errors that carry the program's own stderr.
 */
import { spawn } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class CommandFailed extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    const detail = result.stderr.trim() || result.stdout.trim();
    super(
      `${argv.join(' ')} exited with ${result.code}${detail ? `: ${detail.slice(-2000)}` : ''}`,
    );
    this.name = 'CommandFailed';
  }
}

export interface RunOptions {
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each complete line of stdout and stderr as it arrives (progress of long programs). */
  onLine?: (line: string) => void;
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

export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    if (opts.onLine) {
      forEachLine(child.stdout!, opts.onLine);
      forEachLine(child.stderr!, opts.onLine);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = {
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        code: code ?? (signal ? 128 : 1),
      };
      if (result.code !== 0 && !opts.allowFailure) reject(new CommandFailed(argv, result));
      else resolve(result);
    });
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => {}); // a program may exit without reading its input
      child.stdin!.end(opts.input);
    }
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
