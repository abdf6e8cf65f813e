/**
 * The exit status of a command is never lost (issue 25), on a real test host (Debian 12 +
 * OpenSSH in a network namespace). When the engine's process is starved of CPU, the host's
 * replies to a command (channel open, output, exit status, close) arrive in one batch and
 * ssh2 parses them in one go; a status read only by listeners attached after the channel
 * opened was gone by then, and a finished command read as "connection lost".
 *
 * The starvation is made exact here: the event loop is blocked for 300 ms right after the
 * exec request leaves (ssh2's protocol trace says when), so the host answers while nobody
 * reads, and everything lands in one read.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { Connection, type HostSpec } from '../../../../provisioning/engine/connection';
import { checkHostKey } from '../../../../provisioning/engine/host-key';
import { defineFact } from '../../../../provisioning/engine/facts';
import { runTargets } from '../../../../provisioning/engine/runner';
import { change, type Task } from '../../../../provisioning/engine/task';
import { hostSpecOf } from '../../../../provisioning/inventory';
import { describeAsRoot } from '../../../support/root';
import { ownRunDir } from '../../../support/run-dir';

const here = { runDir: ownRunDir('connection-test') };
const testhost = require('../../../../testhost/api') as typeof import('../../../../testhost/api');

jest.setTimeout(300_000);

/** Blocks this thread (timers, sockets, everything) as a process starved of CPU is. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A Connection over an ssh2 client that stalls the event loop right after each exec
 * request is sent: the trace line comes before the packet is written, and the stall waits
 * for the end of the current tick, by when the write has gone to the kernel.
 */
function stallingConnection(host: HostSpec, ms: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(new Connection(host, client)));
    client.once('error', reject);
    client.connect({
      host: host.address,
      port: host.port,
      username: host.user,
      privateKey: readFileSync(host.privateKeyPath),
      hostVerifier: (key: Buffer) =>
        checkHostKey(host.hostKey, key, host.address, host.port) === undefined,
      debug: (line: string) => {
        if (line.startsWith('Outbound: Sending CHANNEL_REQUEST') && line.includes(', exec: '))
          process.nextTick(() => stall(ms));
      },
    });
  });
}

const HOSTS = ['conn-a', 'conn-b', 'conn-c', 'conn-d', 'conn-e', 'conn-f'];

describeAsRoot('exit status of a command on a real test host, the event loop stalled', () => {
  let specs: HostSpec[];

  beforeAll(async () => {
    const up = await Promise.all(HOSTS.map((n) => testhost.hostUp(n, here)));
    specs = up.map((h) => hostSpecOf(testhost.inventoryEntry(h)));
  });
  afterAll(async () => {
    await Promise.all(HOSTS.map((n) => testhost.hostDown(n, here)));
  });

  it('a stall of 300 ms after sending each command still gets its status, 10 of 10', async () => {
    const conn = await stallingConnection(specs[0]!, 300);
    try {
      const results = [];
      for (let i = 0; i < 10; i++) {
        const t0 = Date.now();
        const r = await conn.exec(`echo out ${i}; echo err ${i} >&2; exit ${i + 3}`);
        results.push({ ...r, stalled: Date.now() - t0 >= 300 });
      }
      expect(results).toEqual(
        Array.from({ length: 10 }, (_, i) => ({
          code: i + 3,
          stdout: `out ${i}\n`,
          stderr: `err ${i}\n`,
          stalled: true,
        })),
      );
    } finally {
      conn.close();
    }
  });

  it('a command killed by a signal is reported as such, not as a status or a lost connection', async () => {
    const conn = await stallingConnection(specs[0]!, 300);
    try {
      await expect(conn.exec('kill -TERM $$')).rejects.toThrow(/signal SIGTERM/);
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });

  it('a class run with as many forks as hosts, its process starved between tasks, has no false failure', async () => {
    // Every task changes (a command without a guard), so each host runs eight commands,
    // while the process blocks 150 ms on every task event: the other hosts' replies pile up.
    const marker = defineFact('nothing', 'true', () => undefined);
    const tasks: Task[] = Array.from({ length: 8 }, (_, i) => ({
      name: `step ${i}`,
      facts: [marker],
      plan: () => change('always', [`echo step ${i} >> /tmp/steps`]),
    }));
    const result = await runTargets(
      specs.map((host) => ({ host, playbook: { name: 'steps', tasks } })),
      { forks: specs.length, onEvent: () => stall(150) },
    );
    const want = { ok: 1, changed: 8, unreachable: 0, failed: 0, skipped: 0 };
    expect(result.recap).toEqual(Object.fromEntries(specs.map((s) => [s.name, want])));
  });
});
