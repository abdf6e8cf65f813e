/**
 * A hostile host (issue 16): a student has root on their lab host, so what it prints is
 * untrusted. Against a real test host (Debian 12 + OpenSSH in a network namespace): the
 * engine keeps a bounded amount of a command's output and says how much it dropped; a
 * secret file's expected digest reaches the host over stdin (through sudo); and `logs` and
 * `status`, run in a real pseudo-terminal, show a journal line or a systemctl answer
 * carrying an OSC 52 clipboard write and a screen clear without sending either to it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../../provisioning/engine/connection';
import { quote } from '../../../provisioning/engine/quote';
import { batchCommands } from '../../../provisioning/engine/runner';
import { atomicWrite } from '../../../provisioning/tasks/atomic-write';
import { hostSpecOf, type InventoryHost } from '../../../provisioning/inventory';
import { standInRecord } from '../../../testhost/stand-in-record';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';
import { run } from '../../../process/run';

// Our own run dir, passed to every test host call: other suites may take down every
// host of the default one.
const here = { runDir: ownRunDir('hostile-host-test') };
const testhost = require('../../../testhost/api') as typeof import('../../../testhost/api');

jest.setTimeout(300_000);

const CLI = join(__dirname, '../../../scripts/streamlab.js');

/** Everything a pseudo-terminal receives while the CLI runs in it (util-linux `script`). */
async function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const r = await run(['script', '-qc', command, '/dev/null'], { timeout: 60_000 });
  return r.stdout;
}

describeAsRoot('a hostile host (real test host)', () => {
  let host: InventoryHost;
  const work = mkdtempSync(join(tmpdir(), 'streamlab-hostile-host-'));

  beforeAll(async () => {
    // As `up` would record it: the handout below reads the stream from the entry.
    host = standInRecord(testhost.inventoryEntry(await testhost.hostUp('hostile-a', here)), {
      name: 'hostile',
      region: 'us-east-1',
    });
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await testhost.hostDown('hostile-a', here);
  });

  const inventoryFile = () => {
    const file = join(work, 'inv.json');
    writeFileSync(file, JSON.stringify({ hosts: [host] }));
    return file;
  };

  it('the engine keeps at most its limit of a flood of output, and counts the rest', async () => {
    const c = await connect(hostSpecOf(host), { deadlineMs: 30_000 });
    try {
      const r = await c.exec(`head -c 30000000 /dev/zero | tr '\\0' x`, {
        maxOutputBytes: 1024 * 1024,
      });
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeLessThan(1024 * 1024 + 200);
      expect(r.stdout).toMatch(
        /\n\[streamlab: 28951424 more bytes of output were not kept \(limit 1048576 bytes\)\]$/,
      );
    } finally {
      c.close();
    }
  });

  it('a secret file lands whole through sudo with its digest on stdin, not in the command line', async () => {
    const content = 'STREAMLAB_X_BEARER_TOKEN=guess-me\n'.repeat(2000);
    const c = await connect(hostSpecOf(host), { deadlineMs: 30_000 });
    try {
      const write = atomicWrite('/etc/streamlab-secret.env', content, {
        mode: '0600',
        owner: 'root',
        group: 'root',
      });
      const [batched] = batchCommands([write]);
      expect(await c.exec(batched!.run, { stdin: batched!.stdin! })).toMatchObject({ code: 0 });
      const r = await c.exec(
        'stat -c %a /etc/streamlab-secret.env; sha256sum < /etc/streamlab-secret.env',
      );
      expect(r.stdout).toBe(`600\n${createHash('sha256').update(content).digest('hex')}  -\n`);
      expect(c.commandLine(batched!.run, true)).not.toContain(
        createHash('sha256').update(content).digest('hex').slice(0, 12),
      );
    } finally {
      c.close();
    }
  });

  it('streamlab logs in a terminal shows a hostile journal line inert', async () => {
    const c = await connect(hostSpecOf(host), { deadlineMs: 30_000 });
    try {
      // A transient unit under the producer's name: its output is what `logs` reads.
      const line = `post \\033]52;c;cHduZWQ=\\007 \\033[2J\\033[H \\302\\233 end`;
      const r = await c.exec(
        `systemd-run --wait --unit=streamlab-producer --collect sh -c ${quote(`printf '${line}\\n'`)}`,
      );
      expect(r).toMatchObject({ code: 0 });
    } finally {
      c.close();
    }
    const screen = await inTerminal([
      'logs',
      host.name,
      '--inventory',
      inventoryFile(),
      '-n',
      '20',
    ]);
    expect(screen).toContain('post \\x1b]52;c;cHduZWQ=\\x07 \\x1b[2J\\x1b[H \\x9b end');
    // eslint-disable-next-line no-control-regex
    expect(screen).not.toMatch(/[\x07\x1b\u0080-\u009f]/);
  });

  it('streamlab status in a terminal shows what a hostile systemctl prints inert', async () => {
    const c = await connect(hostSpecOf(host), { deadlineMs: 30_000 });
    try {
      // Root on the host can put anything first on the login user's PATH.
      const fake = `#!/bin/sh\nprintf 'x\\033]52;c;cHduZWQ=\\007\\033[2J\\n'\n`;
      const r = await c.exec(
        `printf %s ${quote(fake)} > /usr/local/bin/systemctl && chmod 755 /usr/local/bin/systemctl`,
      );
      expect(r).toMatchObject({ code: 0 });
    } finally {
      c.close();
    }
    try {
      const screen = await inTerminal(['status', '--inventory', inventoryFile()]);
      expect(screen).toContain(
        'systemctl is-active streamlab-producer: x\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J',
      );
      // eslint-disable-next-line no-control-regex
      expect(screen).not.toMatch(/[\x07\x1b]/);
    } finally {
      const c2 = await connect(hostSpecOf(host), { deadlineMs: 30_000 });
      await c2.exec('rm -f /usr/local/bin/systemctl').finally(() => c2.close());
    }
  });

  it('streamlab ssh (-- before the host) runs the remote command on the pinned host', async () => {
    const r = await run(
      [
        process.execPath,
        CLI,
        'ssh',
        host.name,
        '--inventory',
        inventoryFile(),
        '--',
        'echo',
        '-n',
        'hello',
      ],
      { timeout: 60_000 },
    );
    expect(r.stdout).toBe('hello');
  });

  it('a handout built from the pinned fingerprint (ssh-keyscan, checked) connects with StrictHostKeyChecking yes', async () => {
    const config = join(work, 'streamlab.yaml');
    writeFileSync(config, 'name: hostile\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\n');
    const out = join(work, 'handouts');
    await run(
      [
        process.execPath,
        CLI,
        'handout',
        '--config',
        config,
        '--inventory',
        inventoryFile(),
        '--out',
        out,
      ],
      { timeout: 60_000 },
    );
    const alias = 'streamlab-hostile-hostile-a';
    const r = await run(
      ['ssh', '-F', join(out, 'ssh_config'), '-o', 'BatchMode=yes', alias, 'echo', 'pinned'],
      { timeout: 60_000 },
    );
    expect(r.stdout).toBe('pinned\n');
    // Another key under the alias: the same block refuses to connect.
    const other =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdEmR3m9zr0y9mRpHGZ5sK2Nn0tZ4wKZt7b2gUuXk4V';
    writeFileSync(join(out, 'hostile-a.known_hosts'), `${alias} ${other}\n`);
    const refused = await run(
      ['ssh', '-F', join(out, 'ssh_config'), '-o', 'BatchMode=yes', alias, 'true'],
      { timeout: 60_000, allowFailure: true },
    );
    expect(refused).toMatchObject({ code: 255 });
    expect(refused.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|verification failed/);
  });
});
