/**
 * The dashboard's web server: Node's http on 127.0.0.1 only, behind the token (./auth.ts),
 * every response under a strict Content-Security-Policy (scripts and styles from this
 * server's own files, nothing inline, nothing from elsewhere). It serves the page's fixed
 * set of files (./page) and one Server-Sent Events stream (/events) that pushes what the
 * feed publishes: the class snapshot, the analysis, the latest posts.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { InputError } from '../../config/errors';
import { cookieToken, newToken, sameToken, sessionCookie } from './auth';

/** What the server pushes: each event's newest payload, and a way to hear the next ones. */
export interface DashboardFeed {
  /** The newest payload of every event published so far (sent to a page as it connects). */
  latest(): ReadonlyMap<string, unknown>;
  /** Calls `listener` on each event; returns the unsubscribe function. */
  subscribe(listener: (event: string, data: unknown) => void): () => void;
}

export interface DashboardServerOptions {
  readonly feed: DashboardFeed;
  /** @default 0: a free port the kernel picks */
  readonly port?: number;
  /** Only loopback is accepted: the page shows the class to whoever reaches it. @default 127.0.0.1 */
  readonly host?: string;
}

export interface DashboardServer {
  /** The one address with the token: print it to the operator, nowhere else. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** The page's files: a fixed table, so no part of a URL ever becomes a path. */
const PAGE_DIR = join(__dirname, 'page');
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/charts.js': { file: 'charts.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};

/** A comment line on the event stream this often keeps proxies and idle timers from closing it. */
const KEEPALIVE_MS = 15_000;

export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1')
    throw new InputError(
      `dashboard host: ${JSON.stringify(host)} is not 127.0.0.1 (the page is served on loopback only)`,
    );
  const token = newToken();
  const files = new Map(
    Object.entries(FILES).map(([path, f]) => [
      path,
      { body: readFileSync(join(PAGE_DIR, f.file)), type: f.type },
    ]),
  );
  const sockets = new Set<Socket>();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const refuse = (res: ServerResponse, status: number, why: string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${why}\n`);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // A page elsewhere may resolve its own name to 127.0.0.1 (DNS rebinding): only our
    // own address as Host is served.
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`)
      return refuse(res, 403, 'forbidden: unexpected Host');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, 'method not allowed');
    if (url.pathname === '/' && url.searchParams.has('token')) {
      if (!sameToken(url.searchParams.get('token'), token))
        return refuse(res, 403, 'forbidden: wrong token');
      // The token leaves the address bar (and the history) for a cookie scripts cannot read.
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        'Set-Cookie': sessionCookie(token),
        Location: '/',
      });
      return res.end();
    }
    if (!sameToken(cookieToken(req.headers.cookie), token))
      return refuse(res, 403, 'forbidden: open the address `streamlab dashboard` printed');
    if (url.pathname === '/events') return openEventStream(res);
    const file = files.get(url.pathname);
    if (!file) return refuse(res, 404, 'not found');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const openEventStream = (res: ServerResponse) => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    // A page that lost us retries after a second, and says so meanwhile.
    res.write('retry: 1000\n\n');
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    for (const [event, data] of opts.feed.latest()) send(event, data);
    const unsubscribe = opts.feed.subscribe(send);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    streams.add(res);
    res.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(res);
    });
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(opts.port ?? 0, host);
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      for (const res of streams) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
