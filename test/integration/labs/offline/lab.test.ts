/**
 * The offline lab end to end through the real CLI, as a user runs it: `lab up` boots test
 * hosts, starts kinesalite, provisions the producers, and records arrive; `lab status`,
 * `tail --offline`, a converging rerun; then `lab down` leaves nothing behind (no host
 * state, no network namespace, no emulator process, no record).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../../../../process/run';
import { offlineInventoryPath, offlineLabRecordPath } from '../../../../labs/offline/record';
import { processAlive } from '../../../../testhost/state';
import { offlineCli } from '../../../support/offline-cli';
import { describeAsRoot } from '../../../support/root';

jest.setTimeout(900_000);

// A parent run dir of our own: the lab nests its hosts in `<it>/lab-<name>`.
const RUN_PARENT = `/run/streamlab-offline-lab-test-${process.pid}`;
const LAB = 'bigdata-lab'; // the example config's name: no streamlab.yaml in the work dir
const cli = offlineCli(RUN_PARENT);

const alive = processAlive;

describeAsRoot('offline lab: lab up → records flow → lab down leaves nothing (root)', () => {
  let work: string;
  let recordFile: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'streamlab-offline-'));
    recordFile = offlineLabRecordPath(LAB, work);
  });

  afterAll(() => {
    // Whatever a failed assertion left running is taken down the way users do it.
    if (existsSync(recordFile) || existsSync(join(RUN_PARENT, `lab-${LAB}`)))
      cli(work, 'lab', 'down');
    rmSync(work, { recursive: true, force: true });
    rmSync(RUN_PARENT, { recursive: true, force: true });
  });

  let up: {
    name: string;
    endpoint: string;
    hosts: { name: string; address: string; stream: string }[];
  };
  let emulatorPid: number;
  let netns: string[];

  it("lab up --students 2 brings two provisioned hosts and records into each one's own stream", () => {
    const r = cli(work, 'lab', 'up', '--students', '2', '--json');
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    up = JSON.parse(r.stdout);
    expect(up.name).toBe(LAB);
    // Named as on AWS: <lab>-<student>.
    expect(up.hosts.map((h) => [h.name, h.stream])).toEqual([
      ['student01', `${LAB}-student01`],
      ['student02', `${LAB}-student02`],
    ]);
    // Exit 0 says every stream had a record (lab up waits for that); status below counts them.
    expect(r.stderr).toMatch(/provisioning 2 host\(s\)/);
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    emulatorPid = record.emulator.pid;
    expect(alive(emulatorPid)).toBe(true);
    expect(record.runDir).toBe(join(RUN_PARENT, `lab-${LAB}`));
    netns = readdirSync(join(record.runDir, 'hosts')).map(
      (f) => JSON.parse(readFileSync(join(record.runDir, 'hosts', f), 'utf8')).netns,
    );
    expect(netns).toHaveLength(2);
  });

  it("lab status --json: both hosts running, records in the last minute of each one's own stream", () => {
    const r = cli(work, 'lab', 'status', '--json');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.up).toBe(true);
    expect(s.emulator).toEqual({ state: 'running', endpoint: up.endpoint });
    const host = (i: number) => ({
      name: up.hosts[i]!.name,
      address: up.hosts[i]!.address,
      running: true,
      reachable: true,
      producer: 'active',
      stream: up.hosts[i]!.stream,
      recordsLastMinute: expect.any(Number),
      recordsPerSecond: expect.any(Number),
    });
    expect(s.hosts).toEqual([host(0), host(1)]);
    for (const h of s.hosts) {
      expect(h.recordsLastMinute).toBeGreaterThan(0);
      // One producer per stream at the example's 10 records/s; a loaded machine slows it.
      expect(h.recordsPerSecond).toBeGreaterThan(1);
      expect(h.recordsPerSecond).toBeLessThan(15);
    }
  });

  it("status --offline --json: each row's rate is its own stream's, not a shared one", () => {
    const r = cli(work, 'status', '--offline', '--json');
    expect(r.status).toBe(0);
    const { hosts } = JSON.parse(r.stdout);
    expect(hosts.map((h: { stream: string }) => h.stream)).toEqual(up.hosts.map((h) => h.stream));
    for (const h of hosts) expect(h.recordsPerSecond).toBeLessThan(15);
  });

  it("tail --offline reads the producers' posts (hashtag + place) from the local stream", () => {
    const many = cli(work, 'tail', '--offline', '--limit', '1');
    expect(many.status).toBe(2);
    expect(many.stderr).toMatch(
      /--host: each writes to its own stream \(one of: student01, student02\)/,
    );
    const r = cli(
      work,
      ...['tail', '--offline', '--host', 'student02', '--from', 'trim-horizon'],
      ...['--limit', '20', '--json'],
    );
    expect(r.status).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'record');
    expect(records).toHaveLength(20);
    for (const rec of records) {
      expect(rec.data).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          text: expect.any(String),
          source: 'synthetic',
        }),
      );
      expect(Array.isArray(rec.data.hashtags)).toBe(true);
    }
  });

  it('a second lab up converges: same hosts, same emulator, nothing changed', () => {
    const r = cli(work, 'lab', 'up', '--students', '2', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/reusing kinesalite/);
    expect(r.stderr).not.toMatch(/\bchanged\b/);
    expect(JSON.parse(readFileSync(recordFile, 'utf8')).emulator.pid).toBe(emulatorPid);
  });

  it('provision --offline converges the same hosts as lab up did: nothing changed', () => {
    const r = cli(work, 'provision', '--offline', '--json');
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    const { recap } = JSON.parse(r.stdout) as {
      recap: Record<string, { ok: number; changed: number; failed: number }>;
    };
    expect(Object.keys(recap).sort()).toEqual(['student01', 'student02']);
    for (const host of Object.values(recap))
      expect(host).toEqual(expect.objectContaining({ changed: 0, failed: 0 }));
  });

  it('inventory --offline --format ansible: `ansible all -m ping` passes with it, host keys pinned', () => {
    const r = cli(work, 'inventory', '--offline', '--format', 'ansible', '--output', 'lab.yml');
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    const ping = runSync(['ansible', 'all', '-i', 'lab.yml', '-m', 'ping'], {
      cwd: work,
      allowFailure: true,
      env: {
        ...process.env,
        ANSIBLE_HOME: join(work, '.ansible'),
        ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, '.ansible', 'cp'),
        ANSIBLE_NOCOLOR: '1',
      },
      timeout: 120_000,
    });
    expect({ code: ping.code, stderr: ping.code === 0 ? '' : ping.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(ping.stdout.match(/\| SUCCESS =>/g)).toHaveLength(2);
  });

  type Checked = { name: string; milestones: { id: string; pass: boolean; reason: string }[] };
  const verdicts = (s: Checked) => Object.fromEntries(s.milestones.map((m) => [m.id, m.pass]));

  it('check --offline: every milestone of both students passes (exit 0); an unknown one is exit 2', () => {
    const t0 = Date.now();
    const r = cli(work, 'check', '--offline', '--json');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const snap = JSON.parse(r.stdout) as { pass: boolean; mode: string; students: Checked[] };
    expect(snap.pass).toBe(true);
    expect(snap.mode).toBe('offline');
    const all = { 'host-reachable': true, 'producer-active': true, 'records-flowing': true };
    expect(snap.students.map((s) => [s.name, verdicts(s)])).toEqual([
      ['student01', all],
      ['student02', all],
    ]);
    // The whole command, Node's start-up included, on a loaded machine (the 30-student figure is in bench/).
    expect(Date.now() - t0).toBeLessThan(20_000);
    const table = cli(work, 'check', '--offline');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^STUDENT +REACHABLE +PRODUCER +RECORDS<60S +REC\/S$/m);
    expect(table.stdout).toMatch(/all 2 student\(s\) pass every milestone/);
    const unknown = cli(work, 'check', '--offline', 'student09');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      'STUDENT: "student09" is not in lab bigdata-lab (its students: student01, student02)',
    );
  });

  it('a stopped producer shows in status (exit 1); ssh/logs --offline reach it; lab up restarts it', () => {
    const stop = cli(
      work,
      'ssh',
      'student02',
      '--offline',
      '--',
      'sudo',
      'systemctl',
      'stop',
      'streamlab-producer',
    );
    expect({ status: stop.status, stderr: stop.stderr }).toEqual({ status: 0, stderr: '' });
    const down = cli(work, 'lab', 'status', '--json');
    expect(down.status).toBe(1);
    const s = JSON.parse(down.stdout);
    expect(s.up).toBe(false);
    expect(s.hosts.map((h: { producer: string }) => h.producer)).toEqual(['active', 'inactive']);
    // student01's stream still flows, student02's has stopped (its rate is its own).
    expect(s.hosts[0].recordsPerSecond).toBeGreaterThan(1);
    expect(s.hosts[1].recordsPerSecond).toBe(0);
    // A minute later its stream has had no record for 60 s: check fails student02 on the
    // producer and the records, with the reasons, and passes student01 (exit 1).
    runSync(['sleep', '61']);
    const checked = cli(work, 'check', '--offline', '--json');
    expect(checked.status).toBe(1);
    const snap = JSON.parse(checked.stdout) as { pass: boolean; students: Checked[] };
    expect(snap.pass).toBe(false);
    expect(snap.students.map((c) => [c.name, verdicts(c)])).toEqual([
      ['student01', { 'host-reachable': true, 'producer-active': true, 'records-flowing': true }],
      ['student02', { 'host-reachable': true, 'producer-active': false, 'records-flowing': false }],
    ]);
    expect(snap.students[1]!.milestones.map((m) => m.reason).slice(1)).toEqual([
      'streamlab-producer is inactive',
      `no record in ${LAB}-student02 in the last 60 s`,
    ]);
    const logs = cli(work, 'logs', 'student02', '--offline', '-n', '20');
    expect(logs.status).toBe(0);
    expect(logs.stdout).toMatch(/SIGTERM: stopping the source/);

    const again = cli(work, 'lab', 'up', '--students', '2');
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(
      /changed\s+student02 \| systemd service streamlab-producer\.service/,
    );
    expect(again.stderr).not.toMatch(/changed\s+student01/);
    const up2 = cli(work, 'lab', 'status', '--json');
    expect(up2.status).toBe(0);
    expect(JSON.parse(up2.stdout).up).toBe(true);
  });

  it('lab down removes the hosts, their namespaces, the emulator and the record', () => {
    const r = cli(work, 'lab', 'down');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/is down \(2 host\(s\), 2 stream\(s\), kinesalite\)/);
    expect(alive(emulatorPid)).toBe(false);
    expect(existsSync(recordFile)).toBe(false);
    expect(existsSync(offlineInventoryPath(LAB, work))).toBe(false);
    expect(existsSync(join(RUN_PARENT, `lab-${LAB}`))).toBe(false);
    const namespaces = runSync(['ip', 'netns', 'list']).stdout;
    for (const ns of netns) expect(namespaces).not.toContain(ns);
    const status = cli(work, 'lab', 'status', '--json');
    expect(status.status).toBe(1);
    expect(JSON.parse(status.stdout).up).toBe(false);
  });
});
