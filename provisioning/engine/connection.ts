/**
 * One SSH connection per host (ssh2), key auth only, the host key checked before any
 * command runs. Connecting retries with backoff while a new host is still booting;
 * a host-key mismatch is never retried and a refused key only for a short grace period
 * (cloud-init installs the key a few seconds after sshd starts on EC2).
 */
import { readFileSync } from 'node:fs';
import type { ClientChannel, ConnectConfig } from 'ssh2';
// The client alone: ssh2's index also loads its server, key generator and HTTP(S) agents
// (node:https, node:tls), ~20 ms of every run's start-up for nothing.
import Client from 'ssh2/lib/client.js';
import { checkHostKey, type HostKeyPolicy } from './host-key';
import { boundedOutput } from './output-limit';
import { quote } from './quote';
import { sleep } from '../../process/run';

export interface HostSpec {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly privateKeyPath: string;
  readonly hostKey: HostKeyPolicy;
}

export interface ConnectOptions {
  /** Keep retrying unreachable hosts until this many ms have passed. @default 120_000 */
  readonly deadlineMs?: number;
  /** Keep retrying a refused key this long (key not installed yet). @default 20_000 */
  readonly authGraceMs?: number;
  /** Handshake timeout of one attempt. @default 10_000 */
  readonly attemptTimeoutMs?: number;
  readonly onRetry?: (message: string) => void;
  /** Ctrl-C: the attempt in flight is dropped and no other is made. */
  readonly signal?: AbortSignal;
}

export type ConnectFailure = 'unreachable' | 'auth' | 'host-key' | 'key-file' | 'interrupted';

export class ConnectError extends Error {
  constructor(
    readonly host: string,
    readonly failure: ConnectFailure,
    message: string,
  ) {
    super(`${host}: ${message}`);
    this.name = 'ConnectError';
  }
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Bytes written to the command's stdin (how file contents and secrets travel). */
  readonly stdin?: string | Buffer;
  /** Run as root (sudo -n when the login user is not root). @default true */
  readonly root?: boolean;
  /** Abort the command after this long. @default 900_000 */
  readonly timeoutMs?: number;
  /** Bytes kept of stdout and of stderr each; the rest is counted. @default 8 MiB */
  readonly maxOutputBytes?: number;
}

/** Network errors that mean "not up yet": worth another attempt before the deadline. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EAI_AGAIN',
  'EPIPE',
]);

export class Connection {
  private closedReason: string | undefined;

  constructor(
    readonly host: HostSpec,
    private readonly client: Client,
  ) {
    client.on('close', () => {
      this.closedReason ??= 'connection closed';
    });
    client.on('error', (e: Error) => {
      this.closedReason ??= e.message;
    });
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Wraps a script so it runs under /bin/sh, as root when asked. */
  commandLine(script: string, root: boolean): string {
    const sh = `sh -c ${quote(script)}`;
    return root && this.host.user !== 'root' ? `sudo -n -- ${sh}` : sh;
  }

  /** Runs a shell script on the host over a new exec channel of the one connection. */
  async exec(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const channel = await this.openChannel(script, opts.root ?? true);
    return new Promise((resolve, reject) => {
      // The host is not trusted: what it prints is kept up to a bound, the rest counted.
      const out = boundedOutput(opts.maxOutputBytes);
      const errOut = boundedOutput(opts.maxOutputBytes);
      const timer = setTimeout(() => {
        channel.close();
        reject(
          new Error(`${this.host.name}: command timed out after ${opts.timeoutMs ?? 900_000} ms`),
        );
      }, opts.timeoutMs ?? 900_000);
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', (d: Buffer) => errOut.push(d));
      onEnded(channel, (ending) => {
        clearTimeout(timer);
        if ('code' in ending)
          return resolve({ code: ending.code, stdout: out.text(), stderr: errOut.text() });
        reject(
          new Error(
            'signal' in ending
              ? `${this.host.name}: the command was killed by signal ${ending.signal}`
              : `${this.host.name}: connection lost while a command ran`,
          ),
        );
      });
      if (opts.stdin !== undefined) channel.end(opts.stdin);
      else channel.end();
    });
  }

  /**
   * Runs a long command (e.g. `journalctl -f`) and hands its output over as it arrives
   * instead of buffering it. Aborting the signal closes the channel. Resolves with the
   * exit code, or null when aborted or the command died on a signal.
   */
  async stream(
    script: string,
    opts: {
      onStdout: (d: Buffer) => void;
      onStderr?: (d: Buffer) => void;
      root?: boolean;
      signal?: AbortSignal;
    },
  ): Promise<number | null> {
    const channel = await this.openChannel(script, opts.root ?? true);
    return new Promise((resolve) => {
      const abort = () => channel.close();
      opts.signal?.addEventListener('abort', abort, { once: true });
      channel.on('data', opts.onStdout);
      channel.stderr.on('data', opts.onStderr ?? (() => {}));
      onEnded(channel, (ending) => {
        opts.signal?.removeEventListener('abort', abort);
        resolve(opts.signal?.aborted || !('code' in ending) ? null : ending.code);
      });
      channel.end();
      if (opts.signal?.aborted) abort();
    });
  }

  /** A new exec channel running `script` (as root when asked); fails once the connection is gone. */
  private openChannel(script: string, root: boolean): Promise<ClientChannel> {
    if (this.closedReason) {
      return Promise.reject(new Error(`${this.host.name}: ${this.closedReason}`));
    }
    return new Promise((resolve, reject) => {
      this.client.exec(this.commandLine(script, root), (err: Error | undefined, channel) =>
        err
          ? reject(new Error(`${this.host.name}: cannot open a channel: ${err.message}`))
          : resolve(channel),
      );
    });
  }

  close(): void {
    this.closedReason ??= 'closed by streamlab';
    this.client.end();
  }

  /** Drops the TCP connection at once (Ctrl-C; tests use it to simulate a network cut). */
  destroy(): void {
    this.closedReason ??= 'connection dropped';
    this.client.destroy();
  }
}

/** How a command's channel ended: its exit status, the signal that killed it, or neither. */
type Ending = { readonly code: number } | { readonly signal: string } | { readonly lost: true };

/**
 * Calls `then` once the channel closes, with how the command ended. The status is taken
 * from the close event, whose arguments ssh2 fills from the exit-status or exit-signal it
 * received, however late anyone listens: a process starved of CPU reads the host's replies
 * in one batch, and ssh2 emits 'exit' while parsing it, before the channel has even been
 * handed over, so an 'exit' listener misses it. 'close' waits for the output to be read.
 */
function onEnded(channel: ClientChannel, then: (ending: Ending) => void): void {
  channel.once('close', (code?: number | null, signal?: string) =>
    then(typeof code === 'number' ? { code } : signal ? { signal } : { lost: true }),
  );
}

interface AttemptError {
  failure: ConnectFailure | 'transient';
  message: string;
}

function attempt(
  host: HostSpec,
  key: Buffer,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Client | AttemptError> {
  return new Promise((resolve) => {
    const client = new Client();
    let hostKeyProblem: string | undefined;
    let settled = false;
    const interrupted = () => done({ failure: 'interrupted', message: 'interrupted (Ctrl-C)' });
    const done = (v: Client | AttemptError) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', interrupted);
      if (!(v instanceof Client)) client.destroy();
      resolve(v);
    };
    if (signal?.aborted) return interrupted();
    signal?.addEventListener('abort', interrupted, { once: true });
    const config: ConnectConfig = {
      host: host.address,
      port: host.port,
      username: host.user,
      privateKey: key,
      readyTimeout: timeoutMs,
      // A host is declared lost after a minute without an answer. 15 s (5 s × 3) cut all
      // three hosts of a class at once in the middle of their apt installs on a loaded CI
      // machine: py3compile on three hosts and the operator's own work left the keepalives
      // unanswered (or unread) that long. Ctrl-C does not wait for this: it drops sessions.
      keepaliveInterval: 10_000,
      keepaliveCountMax: 6,
      // Called before authentication: a mismatch ends the handshake before any command.
      hostVerifier: (presented: Buffer) => {
        hostKeyProblem = checkHostKey(host.hostKey, presented, host.address, host.port);
        return hostKeyProblem === undefined;
      },
    };
    client.once('ready', () => done(client));
    client.once('error', (e: Error & { code?: string; level?: string }) => {
      if (hostKeyProblem) return done({ failure: 'host-key', message: hostKeyProblem });
      if (e.level === 'client-authentication') {
        return done({
          failure: 'auth',
          message: `${host.user}@${host.address}:${host.port} refused the key ${host.privateKeyPath}`,
        });
      }
      if (e.level === 'client-timeout' || (e.code && TRANSIENT_CODES.has(e.code))) {
        return done({ failure: 'transient', message: e.code ?? e.message });
      }
      // Other socket-level failures (reset during handshake, sshd still starting) are transient too.
      done({ failure: 'transient', message: e.message });
    });
    client.connect(config);
  });
}

function readKey(host: HostSpec): Buffer {
  try {
    return readFileSync(host.privateKeyPath);
  } catch (e) {
    throw new ConnectError(
      host.name,
      'key-file',
      `cannot read private key ${host.privateKeyPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

/** Connects, retrying with backoff while the host is not up yet; see ConnectOptions. */
export async function connect(host: HostSpec, opts: ConnectOptions = {}): Promise<Connection> {
  const key = readKey(host);
  const start = Date.now();
  const deadline = start + (opts.deadlineMs ?? 120_000);
  const authGrace = opts.authGraceMs ?? 20_000;
  let firstAuthFailure: number | undefined;
  let delay = 250;
  for (let tries = 1; ; tries++) {
    const left = deadline - Date.now();
    const result = await attempt(
      host,
      key,
      Math.max(1_000, Math.min(opts.attemptTimeoutMs ?? 10_000, left)),
      opts.signal,
    );
    if (result instanceof Client) return new Connection(host, result);
    if (result.failure === 'interrupted') {
      throw new ConnectError(host.name, 'interrupted', `not connected: ${result.message}`);
    }
    if (result.failure === 'host-key' || result.failure === 'key-file') {
      throw new ConnectError(host.name, result.failure, `${result.message}; refusing to connect`);
    }
    const now = Date.now();
    if (result.failure === 'auth') {
      firstAuthFailure ??= now;
      if (now - firstAuthFailure >= authGrace || now >= deadline) {
        throw new ConnectError(
          host.name,
          'auth',
          `${result.message} (publickey authentication failed for ${Math.round((now - start) / 1000)} s: wrong key or user?)`,
        );
      }
    } else if (now >= deadline) {
      throw new ConnectError(
        host.name,
        'unreachable',
        `${host.address}:${host.port} not reachable over SSH after ${tries} attempts in ${Math.round((now - start) / 1000)} s (last error: ${result.message})`,
      );
    }
    opts.onRetry?.(`${host.name}: ${result.message}; retrying in ${delay} ms`);
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), opts.signal);
    delay = Math.min(delay * 2, 5_000);
  }
}
