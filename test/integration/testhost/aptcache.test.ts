/**
 * The hosts' apt proxy (a real apt-cacher-ng, started by `ensureAptCacher` as a host's
 * bring-up starts it) relays only the Debian mirror. A student with root on a host can send
 * it any request: URLs naming this machine's loopback, a cloud metadata service, a CONNECT
 * tunnel. Each is refused and the test's own listener sees no connection; the mirror's own
 * path through the Debian remapping still answers.
 */
import { createServer, connect, type Socket } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAptCacher, stopAptCacher, type ProxyEndpoint } from '../../../testhost/aptcache';
import { aptCacheDir } from '../../../testhost/paths';
import { machineDebianMirror } from '../../../testhost/mirror';
import { SUITE } from '../../../testhost/rootfs';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';

jest.setTimeout(120_000);

const runDir = ownRunDir('aptcache');

/** Sends one raw request to the proxy; resolves with the whole answer (≤ `ms`). */
function ask(proxy: ProxyEndpoint, request: string, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: proxy.address, port: proxy.port });
    const chunks: Buffer[] = [];
    const done = () => {
      s.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    s.setTimeout(ms, done);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', done);
    s.on('error', reject);
    s.write(request);
  });
}

const get = (url: string) =>
  `GET ${url} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: close\r\n\r\n`;
const statusOf = (answer: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);

/** A listener standing for a service of this machine; it answers like a file server would. */
async function bait(host: string, port: number) {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    hits++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.end('HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecret');
  });
  await new Promise<void>((r) => server.listen({ host, port }, r));
  return {
    port: (server.address() as { port: number }).port,
    hits: () => hits,
    // A relayed connection may be held open by the daemon: close ours, do not wait for it.
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describeAsRoot('the apt proxy (apt-cacher-ng) relays only the Debian mirror', () => {
  let proxy: ProxyEndpoint;
  // The daemon's default AllowUserPorts is 80, so a service on port 80 is the one it would
  // relay: any address of 127/8 is this machine's loopback.
  let web: Awaited<ReturnType<typeof bait>>;
  let other: Awaited<ReturnType<typeof bait>>;

  beforeAll(async () => {
    web = await bait('127.31.0.1', 80);
    other = await bait('127.0.0.1', 0);
    await stopAptCacher(runDir); // one a crashed run left would keep its config and cache
    // What a daemon without ForceManaged cached for a host earlier, in the cache kept across
    // runs: cached files are served whatever the URL policy says, so it must not survive.
    const planted = join(aptCacheDir(runDir), '127.31.0.1');
    mkdirSync(planted, { recursive: true });
    writeFileSync(join(planted, 'old.deb'), 'secret');
    writeFileSync(
      join(planted, 'old.deb.head'),
      'HTTP/1.1 200 OK\r\nContent-Length: 6\r\nX-Original-Source: http://127.31.0.1/old.deb\r\n\r\n',
    );
    proxy = await ensureAptCacher(runDir, [], machineDebianMirror(SUITE));
  });

  afterAll(async () => {
    await stopAptCacher(runDir);
    await web?.close();
    await other?.close();
  });

  it('refuses a .deb URL on this machine’s loopback (port or not, /debian path, cached earlier)', async () => {
    for (const url of [
      'http://127.31.0.1/x.deb',
      'http://127.31.0.1/old.deb',
      'http://127.31.0.1/debian/pool/main/x/x/x_1_all.deb',
      `http://127.0.0.1:${other.port}/x.deb`,
    ]) {
      const answer = await ask(proxy, get(url));
      expect({ url, status: statusOf(answer) }).toEqual({ url, status: 403 });
      expect(answer).not.toContain('secret');
    }
    expect(web.hits()).toBe(0);
    expect(other.hits()).toBe(0);
  });

  it('refuses the cloud metadata service without connecting to it', async () => {
    const started = Date.now();
    const answer = await ask(proxy, get('http://169.254.169.254/latest/meta-data/x.deb'));
    expect(statusOf(answer)).toBe(403);
    // Refused from the URL alone: no connection attempt to time out first.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses CONNECT tunnels', async () => {
    for (const target of [`127.0.0.1:${other.port}`, '127.31.0.1:80', 'bugs.debian.org:443']) {
      const answer = await ask(proxy, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
      expect({ target, status: statusOf(answer) }).toEqual({ target, status: 403 });
    }
    expect(web.hits()).toBe(0);
    expect(other.hits()).toBe(0);
  });

  it('serves the Debian archive through the mirror name the hosts use', async () => {
    const answer = await ask(proxy, get(`http://deb.debian.org/debian/dists/${SUITE}/InRelease`));
    expect(statusOf(answer)).toBe(200);
    expect(answer).toContain(`Codename: ${SUITE}`);
  });
});
