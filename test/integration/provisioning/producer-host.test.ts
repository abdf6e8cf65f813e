/**
 * The provisioner against real test hosts (Debian 12 + systemd + OpenSSH in a network
 * namespace): first run, idempotent re-run, check mode, and the fault list. Two hosts
 * are shared by all cases to keep the apt installs (~20-60 s each) to one.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type LabConfig } from '../../../config';
import type { Connection } from '../../../provisioning/engine/connection';
import { renderDiff } from '../../../provisioning/engine/diff';
import { recapExitCode } from '../../../provisioning/engine/recap';
import type { TaskEvent } from '../../../provisioning/engine/runner';
import type { InventoryHost } from '../../../provisioning/inventory';
import { PENDING_HANDLERS_FILE as PENDING_FILE_FOR_TESTS } from '../../../provisioning/engine/runner';
import { producerHostPlaybook, SERVICE } from '../../../provisioning/playbooks/producer-host';
import { provision, type ProvisionOptions } from '../../../provisioning/provision';
import { command } from '../../../provisioning/tasks/command';
import { standInRecord } from '../../../testhost/stand-in-record';
import { hostOutput, onHost } from '../../support/on-host';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';
import { runSync } from '../../../process/run';

// Our own run dir, passed to every test host call: other suites may take down every
// host of the default one.
const here = { runDir: ownRunDir('provision-test') };
const testhost = require('../../../testhost/api') as typeof import('../../../testhost/api');

jest.setTimeout(600_000);

const FIXTURE_APP = join(__dirname, '../../fixtures/provisioning/producer-app');
const HOSTILE_LOCATION = `Lima "centro" 'x' $(touch /tmp/streamlab-pwned) \`touch /tmp/streamlab-pwned2\` a;b|c\nline two \\ end`;

const config: LabConfig = parseConfig({
  name: 'pvt',
  region: 'us-east-1',
  operatorCidr: '203.0.113.7/32',
  producer: { source: 'synthetic', location: HOSTILE_LOCATION, rate: 3 },
});

describeAsRoot('provision (real test hosts)', () => {
  let a: InventoryHost;
  let b: InventoryHost;
  const work = mkdtempSync(join(tmpdir(), 'streamlab-provision-it-'));

  /** provision() with the fixture app and a short connect deadline unless `o` says otherwise. */
  const run = (hosts: InventoryHost[], o: Partial<ProvisionOptions> = {}) => {
    const events: TaskEvent[] = [];
    return provision({
      hosts,
      config,
      ...o,
      vars: { producerAppDir: FIXTURE_APP, ...o.vars },
      run: {
        connect: { deadlineMs: 30_000, authGraceMs: 3_000 },
        onEvent: (e) => events.push(e),
        ...o.run,
      },
    }).then((r) => ({ ...r, events }));
  };

  const out = hostOutput;

  /** Everything a run could touch: package set, the files it writes, users, units. */
  const snapshot = (h: InventoryHost) =>
    out(
      h,
      `dpkg -l | sha256sum; ls -la /opt /etc /etc/systemd/system /var/lib | sha256sum; ls -R /opt/streamlab /etc/streamlab /var/lib/streamlab 2>&1; getent passwd streamlab; systemctl is-enabled ${SERVICE} 2>&1; true`,
    );

  beforeAll(async () => {
    const [ha, hb] = await Promise.all([
      testhost.hostUp('pvt-a', here),
      testhost.hostUp('pvt-b', here),
    ]);
    a = standInRecord(testhost.inventoryEntry(ha), config);
    b = standInRecord(testhost.inventoryEntry(hb), config);
  });

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await Promise.all([testhost.hostDown('pvt-a', here), testhost.hostDown('pvt-b', here)]);
  });

  it('--check on a fresh host reports changes and changes nothing', async () => {
    const before = await snapshot(a);
    const r = await run([a], { run: { check: true } });
    expect(r.recap[a.name]).toMatchObject({ failed: 0, unreachable: 0 });
    expect(r.recap[a.name]!.changed).toBeGreaterThanOrEqual(8);
    expect(await snapshot(a)).toBe(before);
  });

  it('host key mismatch: refused before any command runs, host unchanged', async () => {
    const before = await snapshot(b);
    const r = await run([{ ...b, hostKeyFingerprint: a.hostKeyFingerprint }]);
    expect(r.recap[b.name]).toMatchObject({ unreachable: 1, ok: 0, changed: 0 });
    const connectEvent = r.events.find((e) => e.task === 'connect')!;
    expect(connectEvent.reason).toContain(`${b.name}: host key mismatch`);
    expect(connectEvent.reason).toContain(a.hostKeyFingerprint);
    expect(r.events).toHaveLength(1);
    expect(await snapshot(b)).toBe(before);
  });

  it('wrong key: a clear error naming host and key, after a short grace period', async () => {
    const key = join(work, 'wrong_ed25519');
    runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const r = await run([{ ...b, privateKeyPath: key }]);
    expect(r.recap[b.name]!.unreachable).toBe(1);
    const reason = r.events[0]!.reason;
    expect(reason).toContain(b.name);
    expect(reason).toContain(key);
    expect(reason).toMatch(/refused the key/);
    expect(recapExitCode(r.recap)).toBe(1);
  });

  it('first run converges while another process holds the dpkg lock; hostile values arrive intact', async () => {
    // apt takes fcntl locks, so the lock is held with lockf (flock(1) would not block apt).
    await onHost(a, (c) =>
      c.exec(
        `rm -f /tmp/held; nohup python3 -c 'import fcntl, time; f = open("/var/lib/dpkg/lock-frontend", "w"); fcntl.lockf(f, fcntl.LOCK_EX); open("/tmp/held", "w").close(); time.sleep(8)' >/dev/null 2>&1 &
         for i in $(seq 50); do [ -e /tmp/held ] && exit 0; sleep 0.1; done; exit 1`,
      ),
    );
    const r = await run([a]);
    const failures = r.events.filter((e) => e.status === 'failed' || e.status === 'unreachable');
    expect(failures).toEqual([]);
    expect(r.recap[a.name]!.changed).toBeGreaterThanOrEqual(9);
    const apt = r.events.find((e) => e.task.startsWith('apt packages'))!;
    expect(apt.status).toBe('changed');

    const checks = await out(
      a,
      [
        `systemctl is-enabled ${SERVICE}`,
        `systemctl is-active ${SERVICE}`,
        `cd /opt/streamlab/producer-app && sudo -u streamlab /opt/streamlab/venv/bin/python -c 'import boto3, tweepy, websockets, streamlab_producer; print("imports ok")'`,
        `stat -c '%a %U' /etc/streamlab/producer.env`,
        `ls /opt/streamlab/producer-app`,
        `ls /tmp/streamlab-pwned /tmp/streamlab-pwned2 2>&1 | grep -c 'No such file'`,
        `cat ${PENDING_FILE_FOR_TESTS} 2>&1 | grep -c 'No such file'`,
      ].join('; '),
    );
    expect(checks.split('\n')).toEqual([
      'enabled',
      'active',
      'imports ok',
      '600 root',
      'pyproject.toml',
      'streamlab_producer',
      '2',
      '1',
      '',
    ]);
    // What systemd itself reads from the env file is exactly the configured value.
    const seen = await out(
      a,
      `systemd-run --quiet --wait --pipe -p EnvironmentFile=/etc/streamlab/producer.env printenv STREAMLAB_LOCATION`,
    );
    expect(seen).toBe(`${HOSTILE_LOCATION}\n`);
  });

  it('second run changes nothing', async () => {
    const r = await run([a]);
    expect(r.recap[a.name]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(r.events.filter((e) => e.status === 'changed')).toEqual([]);
  });

  it('a dropped connection mid-run leaves the restart pending; the rerun converges and restarts once', async () => {
    const app = join(work, 'app');
    cpSync(FIXTURE_APP, app, { recursive: true });
    writeFileSync(join(app, 'streamlab_producer', 'version.py'), 'VERSION = "2"\n');
    const since = await out(
      a,
      `systemctl show -p ActiveEnterTimestampMonotonic --value ${SERVICE}`,
    );
    let conn: Connection | undefined;
    const events: TaskEvent[] = [];
    const r = await provision({
      hosts: [a],
      config,
      vars: { producerAppDir: app },
      run: {
        onConnected: (c) => (conn = c),
        onEvent: (e) => {
          events.push(e);
          if (e.task.startsWith('tree') && e.status === 'changed') conn!.destroy();
        },
      },
    });
    expect(r.recap[a.name]!.unreachable).toBe(1);
    expect(await out(a, `cat ${PENDING_FILE_FOR_TESTS}`)).toBe(`restart ${SERVICE}\n`);
    expect(await out(a, `systemctl show -p ActiveEnterTimestampMonotonic --value ${SERVICE}`)).toBe(
      since,
    );

    const again = await run([a], { vars: { producerAppDir: app } });
    expect(again.recap[a.name]).toMatchObject({ failed: 0, unreachable: 0 });
    const handler = again.events.filter((e) => e.handler);
    expect(handler.map((e) => e.status)).toEqual(['changed']);
    expect(
      await out(a, `systemctl show -p ActiveEnterTimestampMonotonic --value ${SERVICE}`),
    ).not.toBe(since);
    expect(await out(a, `ls ${PENDING_FILE_FOR_TESTS} 2>&1 | grep -c 'No such file'`)).toBe('1\n');
    const third = await run([a], { vars: { producerAppDir: app } });
    expect(third.recap[a.name]!.changed).toBe(0);
    // Back to the shared fixture for the cases below.
    expect((await run([a])).recap[a.name]!.failed).toBe(0);
  });

  it('--check --diff: shows a changed file before/after, masks the env file, changes nothing', async () => {
    const before = await snapshot(a);
    const changedConfig = parseConfig({ ...config, producer: { ...config.producer, rate: 7 } });
    const r = await run([a], { run: { check: true, diff: true }, config: changedConfig });
    const env = r.events.find((e) => e.task.startsWith('env file'))!;
    expect(env.status).toBe('changed');
    const shown = env.diff!.map((d) => renderDiff(d)).join('\n');
    expect(shown).toContain('secret file: content not shown');
    expect(shown).not.toContain('STREAMLAB');
    expect(r.events.filter((e) => e.status === 'changed').map((e) => e.task)).toEqual([
      'env file /etc/streamlab/producer.env',
      'restart streamlab-producer.service',
    ]);
    expect(await snapshot(a)).toBe(before);
  });

  it('a failing task on one host: the other finishes, the recap shows it, exit status 1', async () => {
    const failing = command({ name: 'fail on purpose', run: 'echo "no such thing" >&2; exit 7' });
    const r = await run([a, b], {
      playbook: (vars, host) => {
        const pb = producerHostPlaybook(vars);
        return host.name === b.name ? { ...pb, tasks: [failing, ...pb.tasks] } : pb;
      },
    });
    expect(r.recap[a.name]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(r.recap[b.name]).toMatchObject({ failed: 1, changed: 0 });
    const failed = r.events.find((e) => e.status === 'failed')!;
    expect(failed).toMatchObject({ host: b.name, task: 'fail on purpose' });
    expect(failed.reason).toContain('exit status 7: no such thing');
    expect(recapExitCode(r.recap)).toBe(1);
  });

  it('host not up yet: fails at the deadline naming the host, or waits and succeeds', async () => {
    // sshd stops now and a transient timer inside the host starts it again in 8 s.
    await onHost(b, (c) =>
      c.exec(
        // AccuracySec: a timer's default accuracy is one minute, which made "8 s" fire anywhere
        // up to 68 s later and this test flaky.
        'systemd-run --quiet --on-active=8 --timer-property=AccuracySec=100ms systemctl start ssh.service && systemctl stop ssh.service',
      ),
    );
    const early = await run([b], { run: { check: true, connect: { deadlineMs: 1_500 } } });
    expect(early.recap[b.name]!.unreachable).toBe(1);
    expect(early.events[0]!.reason).toMatch(
      new RegExp(`^${b.name}: ${b.address.replace(/\./g, '\\.')}:22 not reachable over SSH`),
    );
    const waited = await run([b], { run: { check: true, connect: { deadlineMs: 60_000 } } });
    expect({ recap: waited.recap[b.name], connect: waited.events[0]!.reason }).toMatchObject({
      recap: { unreachable: 0, failed: 0 },
    });
    expect(waited.recap[b.name]!.changed).toBeGreaterThan(0);
  });

  it('CLI --json prints exactly one recap object and exits 1 when a host is unreachable', async () => {
    const inv = join(work, 'inventory.json');
    writeFileSync(
      inv,
      JSON.stringify({ hosts: [a, { ...b, hostKeyFingerprint: a.hostKeyFingerprint }] }),
    );
    const cfg = join(work, 'lab.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        name: 'pvt',
        region: 'us-east-1',
        operatorCidr: '203.0.113.7/32',
        producer: { source: 'synthetic', location: HOSTILE_LOCATION, rate: 3 },
      }),
    );
    const logs: string[] = [];
    const spy = jest
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    const errSpy = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { main } = await import('../../../scripts/cli/dispatch');
      const code = await main([
        'provision',
        '--inventory',
        inv,
        '--config',
        cfg,
        '--app-dir',
        FIXTURE_APP,
        '--json',
        '--connect-timeout',
        '5',
      ]);
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
    expect(logs).toHaveLength(1);
    const parsed = JSON.parse(logs[0]!);
    expect(Object.keys(parsed)).toEqual(['recap', 'durationMs']);
    expect(parsed.recap[a.name]).toEqual({
      ok: expect.any(Number),
      changed: 0,
      unreachable: 0,
      failed: 0,
      skipped: expect.any(Number),
    });
    expect(parsed.recap[b.name].unreachable).toBe(1);
  });
});
