/**
 * A local Kinesis (kinesalite) for tests and the offline lab, bound to the addresses we
 * choose: its own CLI binds every interface, so we start it through its library, in the
 * one launcher (./kinesalite-server.js) that the producer's Python tests run too.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import { startDetached } from '../../process/run';

export interface RunningEmulator {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** A free TCP port on an address, chosen by the kernel. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const srv = createServer();
  srv.listen(0, host);
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

/** In-process kinesalite (tests). Streams are created instantly. */
export async function startEmulator(host = '127.0.0.1', port?: number): Promise<RunningEmulator> {
  const { createKinesalite } = require(LAUNCHER) as { createKinesalite: () => Server };
  const server = createKinesalite();
  server.listen(port ?? (await freePort(host)), host);
  await once(server, 'listening');
  const actual = (server.address() as { port: number }).port;
  return {
    endpoint: `http://${host}:${actual}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The launcher script, plain JavaScript that node runs without a TypeScript loader. */
const LAUNCHER = join(__dirname, 'kinesalite-server.js');

/** argv word that marks our detached emulators, so a reused PID is never taken for one. */
export const EMULATOR_MARKER = 'streamlab-kinesalite';

/**
 * kinesalite as a detached process that outlives the command (the offline lab), bound to
 * `hosts` only (loopback and the address the lab's hosts are routed to; never a wildcard).
 * `tag` follows the marker in argv: `lab down` checks /proc/PID/cmdline for both before
 * signalling, so it only ever ends the emulator it started. Returns the PID.
 */
export function spawnEmulatorProcess(
  hosts: readonly string[],
  port: number,
  logFd: number,
  tag: string,
): number {
  const args = [LAUNCHER, ...hosts.flatMap((h) => ['--host', h]), '--port', String(port)];
  return startDetached([process.execPath, ...args, EMULATOR_MARKER, tag], {
    logFd,
    cwd: __dirname,
    // It outlives the command: it gets what node needs and nothing of the operator's
    // environment (STREAMLAB_X_BEARER_TOKEN, AWS credentials).
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      NODE_PATH: require.resolve('kinesalite').replace(/\/kinesalite\/.*$/, ''),
    },
  });
}

/** Resolves once host:port accepts TCP connections; rejects at the deadline. */
export async function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
    });
    if (ok) return;
    if (Date.now() >= deadline)
      throw new OperationalError(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
