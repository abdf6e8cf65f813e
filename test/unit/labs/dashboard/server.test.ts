/**
 * The dashboard's server over real HTTP on loopback: the token is exchanged for an HttpOnly,
 * SameSite=Strict cookie; nothing is served without it (page, scripts, events); every
 * response carries the strict CSP; the server refuses any address but 127.0.0.1 and
 * listens on loopback only; events reach a connected page, the newest of each on connect.
 */
import { request } from 'node:http';
import {
  CONTENT_SECURITY_POLICY,
  startDashboardServer,
  type DashboardFeed,
  type DashboardServer,
} from '../../../../labs/dashboard/server';

/** A feed the test publishes to by hand (the real one reads streams). */
class HandFeed implements DashboardFeed {
  private readonly newest = new Map<string, unknown>();
  private readonly listeners = new Set<(e: string, d: unknown) => void>();
  latest() {
    return this.newest;
  }
  subscribe(l: (e: string, d: unknown) => void) {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }
  publish(event: string, data: unknown) {
    this.newest.set(event, data);
    for (const l of this.listeners) l(event, data);
  }
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard server', () => {
  let feed: HandFeed;
  let server: DashboardServer;
  let token: string;
  let cookie: string;

  beforeAll(async () => {
    feed = new HandFeed();
    feed.publish('snapshot', { lab: 'before-connect' });
    server = await startDashboardServer({ feed });
    token = new URL(server.url).searchParams.get('token')!;
    const r = await get(server.port, `/?token=${token}`);
    cookie = String(r.headers['set-cookie']).split(';')[0]!;
  });
  afterAll(() => server.close());

  it('prints a loopback URL with a 256-bit token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('exchanges the token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const r = await get(server.port, `/?token=${token}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(r.headers['set-cookie']![0]).toMatch(/HttpOnly/);
    expect(r.headers['set-cookie']![0]).toMatch(/SameSite=Strict/);
  });

  it.each(['/', '/dashboard.js', '/charts.js', '/dashboard.css', '/events'])(
    'refuses %s without the cookie (403)',
    async (path) => {
      const r = await get(server.port, path);
      expect(r.status).toBe(403);
      expect(r.body).not.toContain(token);
    },
  );

  it('refuses a wrong token and a wrong cookie', async () => {
    expect((await get(server.port, `/?token=${token.slice(1)}x`)).status).toBe(403);
    expect((await get(server.port, '/', { Cookie: 'streamlab_dashboard=nope' })).status).toBe(403);
  });

  it('refuses a Host that is not its own address (DNS rebinding)', async () => {
    const r = await get(server.port, '/', { Cookie: cookie, Host: 'evil.example:80' });
    expect(r.status).toBe(403);
  });

  it('serves the page and its files with the strict CSP, nosniff and no referrer', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/dashboard.js', 'text/javascript'],
      ['/dashboard.css', 'text/css'],
    ] as const) {
      const r = await get(server.port, path, { Cookie: cookie });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toContain(type);
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(CONTENT_SECURITY_POLICY).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'/,
    );
    // Nothing inline for the CSP to have to allow.
    const page = (await get(server.port, '/', { Cookie: cookie })).body;
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|style=/);
  });

  it('serves no path outside its table', async () => {
    for (const path of ['/../package.json', '/page/index.html', '/server.ts', '/%2e%2e/x'])
      expect((await get(server.port, path, { Cookie: cookie })).status).toBe(404);
    expect((await get(server.port, '/', { Cookie: cookie }, 'POST')).status).toBe(405);
  });

  it('streams the newest event of each kind on connect, then each new one', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/events',
          headers: { Host: `127.0.0.1:${server.port}`, Cookie: cookie },
        },
        (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
            if (text.includes('before-connect') && !text.includes('after-connect'))
              feed.publish('posts', [{ text: 'after-connect' }]);
            if (text.includes('after-connect')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain('retry: 1000');
    expect(received).toContain('event: snapshot\ndata: {"lab":"before-connect"}');
    expect(received).toContain('event: posts\ndata: [{"text":"after-connect"}]');
  });

  it('refuses to listen on anything but 127.0.0.1', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'localhost'])
      await expect(startDashboardServer({ feed, host })).rejects.toThrow(/not 127\.0\.0\.1/);
  });
});
