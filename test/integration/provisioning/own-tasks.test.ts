/**
 * The operator's own host tasks against real test hosts (Debian 12 + systemd + OpenSSH in
 * a network namespace), with the example config bench/provision/user-tasks.yaml and its
 * tasks role alone (the lab's role has its own suite): --check on a fresh host sends the one
 * fact-gathering command and changes nothing; a run converges; a re-run changes nothing;
 * --diff shows a drifted line. Then a set of hostile values, each landing as data.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseConfig, type LabConfig } from '../../../config';
import { loadConfig } from '../../../config/load';
import type { TaskEvent } from '../../../provisioning/engine/runner';
import type { InventoryHost } from '../../../provisioning/inventory';
import { provision } from '../../../provisioning/provision';
import { hostOutput } from '../../support/on-host';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';

const here = { runDir: ownRunDir('own-tasks-test') };
const testhost = require('../../../testhost/api') as typeof import('../../../testhost/api');

jest.setTimeout(600_000);

const EXAMPLE = join(__dirname, '../../../bench/provision/user-tasks.yaml');
const example = loadConfig(EXAMPLE);
/** The example's tasks role alone, with the test host as its one student. */
const tasksOnly = (c: LabConfig): LabConfig => ({
  ...c,
  students: ['own-a'],
  hosts: { ...c.hosts, roles: ['tasks'] },
});

/** A run that records every command the engine sends to the host. */
async function run(
  config: LabConfig,
  host: InventoryHost,
  o: { check?: boolean; diff?: boolean } = {},
) {
  const events: TaskEvent[] = [];
  const sent: string[] = [];
  const result = await provision({
    hosts: [host],
    config,
    run: {
      ...o,
      connect: { deadlineMs: 30_000, authGraceMs: 3_000 },
      onEvent: (e) => events.push(e),
      onConnected: (conn) => {
        const exec = conn.exec.bind(conn);
        conn.exec = (command, opts) => {
          sent.push(command);
          return exec(command, opts);
        };
      },
    },
  });
  return { recap: result.recap[host.name]!, events, sent };
}

const out = hostOutput;

/** What the tasks could touch: packages, accounts, the files and units they write. */
const snapshot = (h: InventoryHost) =>
  out(
    h,
    `dpkg -l | sha256sum; getent passwd student; getent group course; ls -la --time-style=full-iso /srv /opt /etc /etc/systemd/system 2>&1 | sha256sum; sha256sum /etc/environment; ls -R /srv/course /opt/course 2>&1; systemctl is-enabled course-heartbeat.service 2>&1; true`,
  );

/** Random hex (boundaries, digests) made equal, so two runs' commands compare. */
const normalized = (command: string) => command.replace(/[0-9a-f]{16,}/g, 'HEX');

describeAsRoot('own host tasks (real test hosts)', () => {
  let a: InventoryHost;
  let b: InventoryHost;

  beforeAll(async () => {
    const [ha, hb] = await Promise.all([
      testhost.hostUp('own-a', here),
      testhost.hostUp('own-b', here),
    ]);
    a = testhost.inventoryEntry(ha);
    b = testhost.inventoryEntry(hb);
  });
  afterAll(async () => {
    // One after the other: two at once have met EBUSY removing a payload cgroup.
    await testhost.hostDown('own-a', here);
    await testhost.hostDown('own-b', here);
  });

  it('--check on a fresh host sends only the fact gathering and changes nothing; a run converges; a re-run changes nothing', async () => {
    const config = tasksOnly(example);
    const before = await snapshot(a);
    const check = await run(config, a, { check: true });
    expect(check.recap).toMatchObject({ failed: 0, unreachable: 0 });
    expect(check.recap.changed).toBeGreaterThanOrEqual(10);
    expect(await snapshot(a)).toBe(before);

    const first = await run(config, a);
    expect(first.events.filter((e) => e.status === 'failed')).toEqual([]);
    expect(first.recap).toMatchObject({ failed: 0, unreachable: 0 });
    // Check mode sent one command: the very fact gathering the real run began with.
    expect(check.sent).toHaveLength(1);
    expect(normalized(check.sent[0]!)).toBe(normalized(first.sent[0]!));
    // And none of what the real run then sent to change the host.
    const changing = first.sent.slice(1).filter((c) => !c.includes(' begin '));
    expect(changing.length).toBeGreaterThan(5);
    for (const c of changing) expect(check.sent[0]).not.toContain(c);
    expect(first.events.filter((e) => e.status === 'skipped').map((e) => e.task)).toEqual([
      'universe on Ubuntu hosts',
    ]);
    expect(first.events.find((e) => e.handler)).toMatchObject({
      task: 'restart heartbeat',
      status: 'changed',
    });

    const state = await out(
      a,
      [
        'id -Gn student',
        'cat /srv/course/README.txt',
        'stat -c "%a %U:%G" /srv/course /srv/course/stations.csv',
        'grep ^COURSE_DATA= /etc/environment',
        '/opt/course/venv/bin/python -c "import yaml; print(yaml.__name__)"',
        'systemctl is-enabled course-heartbeat.service; systemctl is-active course-heartbeat.service',
        'test -s /srv/course/provisioned-at && echo provisioned',
        'command -v tree',
      ].join('; '),
    );
    expect(state).toBe(
      [
        'student course',
        'Welcome to AWS Big Data - Analytics Specialist on own-a (lab pvlab).',
        'Data: /srv/course',
        '775 root:course',
        '644 root:course',
        'COURSE_DATA=/srv/course',
        'yaml',
        'enabled',
        'active',
        'provisioned',
        '/usr/bin/tree',
        '',
      ].join('\n'),
    );

    const again = await run(config, a);
    expect(again.recap).toMatchObject({ changed: 0, failed: 0, unreachable: 0, skipped: 1 });
    expect(again.sent).toHaveLength(1);
  });

  it('--check --diff shows a drifted line and a template as before/after, and writes nothing', async () => {
    const config = tasksOnly(example);
    await out(
      a,
      "sed -i 's#^COURSE_DATA=.*#COURSE_DATA=/tmp#' /etc/environment; echo tampered >> /srv/course/README.txt",
    );
    const before = await snapshot(a);
    const r = await run(config, a, { check: true, diff: true });
    expect(r.recap).toMatchObject({ changed: 2, failed: 0 });
    const diffs = r.events.flatMap((e) => e.diff ?? []);
    expect(diffs.find((d) => d.path === '/etc/environment')).toMatchObject({
      before: expect.stringContaining('COURSE_DATA=/tmp\n'),
      after: expect.stringContaining('COURSE_DATA=/srv/course\n'),
    });
    expect(diffs.find((d) => d.path === '/srv/course/README.txt')?.before).toContain('tampered');
    expect(await snapshot(a)).toBe(before);
    expect((await run(config, a)).recap).toMatchObject({ changed: 2, failed: 0 });
  });

  it('hostile values land as data: in files, templates, lines, accounts and argv', async () => {
    const marker = '/tmp/streamlab-own-tasks-pwned';
    const hostile = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `'; touch ${marker}; '`,
      `" && touch ${marker} && "`,
      '-rf /',
      '--help',
      '{{ host }}',
      'line one\nline two\r\n',
      'bell \x07 escape \x1b[2J nul \0 end',
    ];
    const huge = 'x'.repeat(60_000);
    const text = `${hostile.join('\n')}\n${huge}\n`;
    const dir = `/srv/hostile dir/it's "quoted" $(x) -n`;
    const config = parseConfig({
      name: 'hostile',
      region: 'us-east-1',
      operatorCidr: '203.0.113.7/32',
      hosts: {
        roles: ['tasks'],
        vars: { all: { value: text } },
        tasks: [
          { directory: { path: dir } },
          { file: { path: `${dir}/content`, content: text } },
          { template: { path: `${dir}/template`, template: 'before {{ value }} after' } },
          { line: { path: `${dir}/lines`, line: hostile.slice(0, 4).join(' ') } },
          { group: { name: 'course' } },
          {
            user: {
              name: 'hostile-user',
              comment: `$(touch ${marker}) 'q' "d" \`b\``,
              shell: `/bin/sh`,
              groups: ['course'],
            },
          },
          {
            command: {
              argv: [
                '/bin/sh',
                '-c',
                'printf "%s\\n" "$@" > "$0/argv"',
                dir,
                ...hostile.slice(0, 7),
              ],
              creates: `${dir}/argv`,
            },
          },
        ],
      },
    });
    const first = await run(config, b);
    expect(first.events.filter((e) => e.status === 'failed')).toEqual([]);
    expect(first.recap).toMatchObject({ changed: 7, failed: 0 });
    expect((await run(config, b)).recap).toMatchObject({ changed: 0, failed: 0 });

    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
    const got = await out(
      b,
      [
        `sha256sum < ${q(`${dir}/content`)}`,
        `sha256sum < ${q(`${dir}/template`)}`,
        `cat ${q(`${dir}/lines`)}`,
        `cat ${q(`${dir}/argv`)}`,
        'getent passwd hostile-user | cut -d: -f5',
        `test -e ${marker} && echo PWNED || echo inert`,
      ].join('; '),
    );
    expect(got).toBe(
      [
        `${sha(text)}  -`,
        `${sha(`before ${text} after`)}  -`,
        hostile.slice(0, 4).join(' '),
        ...hostile.slice(0, 7),
        `$(touch ${marker}) 'q' "d" \`b\``,
        'inert',
        '',
      ].join('\n'),
    );
  });
});
