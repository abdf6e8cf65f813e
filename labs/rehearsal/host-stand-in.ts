/**
 * The two EC2 answers an emulator cannot give, from a real test host standing in for each
 * instance: what a booted instance prints to its console, and a public address that leads
 * somewhere. moto's instances never boot, so GetConsoleOutput returns a fixed kernel log
 * without cloud-init's host-key block, and their public DNS names (ec2-54-…amazonaws.com)
 * resolve to nothing of ours.
 *
 * A small HTTP proxy on loopback in front of moto passes every request through and
 * rewrites only those two answers for streamlab (terraform talks to moto's EC2 directly):
 * - GetConsoleOutput: moto's text followed by a host-key fingerprint block in the form
 *   cloud-init writes it, for a host key the test owns;
 * - DescribeInstances: the public DNS name and IPv4 replaced by the stand-in address.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface HostStandIn {
  /** Where SSH should go instead of the emulated instance (loopback or a test host). */
  readonly address: string;
  /** SHA256:… of the host key the stand-in "prints", as `ssh-keygen -l` shows it. */
  readonly fingerprint: string;
}

/** The stand-in for an instance id: one for all of them, or one per instance. */
export type StandInFor = HostStandIn | ((instanceId: string) => HostStandIn | undefined);

const lookup = (standIns: StandInFor, id: string) =>
  typeof standIns === 'function' ? standIns(id) : standIns;

export interface RunningStandIn {
  readonly endpoint: string;
  /** EC2 actions answered with rewritten bodies, in order (what the test asserts). */
  readonly rewritten: string[];
  close(): Promise<void>;
}

/**
 * The block cloud-init's keys-to-console step prints: `ssh-keygen -l` lines between
 * markers, each passed through `logger -s -t ec2` (hence the "ec2: " prefix).
 */
export function consoleFingerprintBlock(fingerprint: string, hostname = 'ip-10-0-0-10'): string {
  return [
    'ec2: #############################################################',
    'ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----',
    `ec2: 256 ${fingerprint} root@${hostname} (ED25519)`,
    'ec2: -----END SSH HOST KEY FINGERPRINTS-----',
    'ec2: #############################################################',
    '',
  ].join('\n');
}

const readBody = (m: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    m.on('data', (c: Buffer) => chunks.push(c));
    m.once('end', () => resolve(Buffer.concat(chunks)));
    m.once('error', reject);
  });

/** The EC2 Query action of a form-encoded request body, if any. */
function ec2Action(body: Buffer): string | undefined {
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
}

/** The InstanceId parameter of a GetConsoleOutput request. */
function requestedInstance(body: Buffer): string | undefined {
  return new URLSearchParams(body.toString('utf8')).get('InstanceId') ?? undefined;
}

export function rewriteConsoleOutput(xml: string, standIn: HostStandIn): string {
  return xml.replace(/<output>([^<]*)<\/output>/, (_m, b64: string) => {
    const text = Buffer.from(b64, 'base64').toString('utf8');
    const next = text + consoleFingerprintBlock(standIn.fingerprint);
    return `<output>${Buffer.from(next).toString('base64')}</output>`;
  });
}

/**
 * Each instance's public DNS name and IPv4 replaced by its stand-in's address. An
 * instance's fields follow its <instanceId> up to the next instance's; one without a
 * stand-in keeps moto's.
 */
export function rewriteAddresses(xml: string, standIns: StandInFor): string {
  const toStandIn = (text: string, standIn: HostStandIn) =>
    text
      .replace(/<dnsName>[^<]+<\/dnsName>/g, `<dnsName>${standIn.address}</dnsName>`)
      .replace(/<ipAddress>[^<]+<\/ipAddress>/g, `<ipAddress>${standIn.address}</ipAddress>`);
  if (typeof standIns !== 'function') return toStandIn(xml, standIns);
  return xml
    .split(/(?=<instanceId>)/)
    .map((part) => {
      const id = /^<instanceId>([^<]+)<\/instanceId>/.exec(part)?.[1];
      const standIn = id === undefined ? undefined : standIns(id);
      return standIn ? toStandIn(part, standIn) : part;
    })
    .join('');
}

export async function startHostStandIn(
  motoEndpoint: string,
  standIns: StandInFor,
): Promise<RunningStandIn> {
  const target = new URL(motoEndpoint);
  const rewritten: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const action = ec2Action(body);
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          const consoleOf = lookup(standIns, requestedInstance(body) ?? '');
          const rewrite =
            action === 'GetConsoleOutput' && consoleOf
              ? (xml: string) => rewriteConsoleOutput(xml, consoleOf)
              : action === 'DescribeInstances'
                ? (xml: string) => rewriteAddresses(xml, standIns)
                : undefined;
          if (!rewrite || (up.statusCode ?? 500) >= 300) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          void readBody(up).then((b) => {
            const out = Buffer.from(rewrite(b.toString('utf8')));
            rewritten.push(action!);
            res.writeHead(up.statusCode ?? 200, {
              ...up.headers,
              'content-length': String(out.length),
            });
            res.end(out);
          });
        },
      );
      upstream.once('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      upstream.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    rewritten,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
