/**
 * The operations added for the operator's own tasks, as tables of facts → plan: each fact
 * is fed by its name, never by position.
 */
import { commandsOf as runs, planOf as planWith } from '../engine/plan-support';
import * as apt from '../../../../provisioning/tasks/apt';
import { command } from '../../../../provisioning/tasks/command';
import * as files from '../../../../provisioning/tasks/files';
import { editLines, line } from '../../../../provisioning/tasks/line';
import * as pip from '../../../../provisioning/tasks/pip';
import { sha256 } from '../../../../provisioning/tasks/sha256';
import * as systemd from '../../../../provisioning/tasks/systemd';
import * as users from '../../../../provisioning/tasks/users';
import { mismatch, onlyWhen } from '../../../../provisioning/tasks/when';

const fileStat = (type: string, mode: string, content?: string) =>
  `${type}|${mode}|root|root\n${content === undefined ? '' : `${sha256(content)}  -\n`}`;

describe('apt: absent and update', () => {
  it('removes only the installed ones, and nothing when none is', () => {
    const task = apt.absent({ names: ['htop', 'nano'] });
    const plan = planWith(task, { 'dpkg:htop,nano': 'htop ii \n' });
    expect(plan).toMatchObject({ kind: 'change', reason: 'remove htop' });
    expect(runs(plan)[0]).toContain(' remove htop');
    expect(planWith(task, { 'dpkg:htop,nano': '' })).toMatchObject({ kind: 'ok' });
  });

  it('update: true refreshes stale lists even with everything installed, fresh ones not', () => {
    const task = apt.packages({ names: ['htop'], update: true });
    const stale = planWith(task, { 'dpkg:htop': 'htop ii \n', 'apt-lists-age': '1000000\n1\n' });
    expect(stale).toMatchObject({ kind: 'change', reason: 'refresh stale package lists' });
    expect(runs(stale)[0]).toContain('apt-get -q -y -o DPkg::Lock::Timeout=300 update');
    const now = Math.floor(Date.now() / 1000);
    expect(
      planWith(task, { 'dpkg:htop': 'htop ii \n', 'apt-lists-age': `${now}\n${now}\n` }).kind,
    ).toBe('ok');
  });
});

describe('files.absent', () => {
  it('removes a file or a directory, says ok when there is none, shows the old text in --diff', () => {
    const task = files.absent({ path: '/etc/old.conf' });
    expect(planWith(task, {}).kind).toBe('ok');
    const plan = planWith(
      task,
      {
        'file:/etc/old.conf': fileStat('regular file', '644', 'x=1\n'),
        'content:/etc/old.conf': 'x=1\n',
      },
      true,
    );
    expect(runs(plan)).toEqual(['rm -rf -- /etc/old.conf']);
    expect(plan.kind === 'change' && plan.diff).toEqual([
      { path: '/etc/old.conf', before: 'x=1\n', after: undefined },
    ]);
  });
});

describe('line', () => {
  it.each([
    ['appends a missing line', 'a\n', { line: 'b' }, 'a\nb\n'],
    ['leaves a present line', 'a\nb\n', { line: 'b' }, 'a\nb\n'],
    [
      'replaces the last match of regexp',
      'X=1\nX=2\n',
      { line: 'X=3', regexp: '^X=' },
      'X=1\nX=3\n',
    ],
    ['appends when regexp matches nothing', 'a', { line: 'X=3', regexp: '^X=' }, 'a\nX=3\n'],
    [
      'removes every match',
      'X=1\na\nX=2\n',
      { line: '', regexp: '^X=', state: 'absent' as const },
      'a\n',
    ],
    ['removes the line itself', 'a\nb\n', { line: 'a', state: 'absent' as const }, 'b\n'],
  ])('%s', (_, text, args, want) => {
    expect(editLines(text, args)).toBe(want);
  });

  it('keeps the file mode and owner, writes the whole text through stdin, never sed', () => {
    const task = line({ path: '/etc/environment', line: 'A="$(reboot)"' });
    const plan = planWith(task, {
      'file:/etc/environment': fileStat('regular file', '640', 'B=1\n'),
      'content:/etc/environment': 'B=1\n',
    });
    expect(plan).toMatchObject({ kind: 'change', reason: 'put the line in' });
    const [write] = plan.kind === 'change' ? plan.commands : [];
    expect(write!.run).not.toContain('reboot');
    expect(write!.run).toContain('chmod 0640');
    expect(String(write!.stdin)).toContain('B=1\nA="$(reboot)"\n');
  });

  it('is ok when the line is in place, and when an absent line has no file', () => {
    const task = line({ path: '/etc/e', line: 'B=1' });
    expect(
      planWith(task, {
        'file:/etc/e': fileStat('regular file', '644', 'B=1\n'),
        'content:/etc/e': 'B=1\n',
      }).kind,
    ).toBe('ok');
    expect(planWith(line({ path: '/etc/e', line: 'B=1', state: 'absent' }), {}).kind).toBe('ok');
  });
});

describe('users.user and users.group', () => {
  const noEntry = { stdout: '', code: 2 };
  const passwd = 'alice:x:1001:1001:Alice:/home/alice:/bin/sh\nalice\n';
  it('creates a user with its options quoted, after "--"', () => {
    const plan = planWith(
      users.user({ name: 'alice', shell: '/bin/bash', groups: ['course'], comment: 'A $(x)' }),
      { passwd: noEntry },
    );
    expect(runs(plan)).toEqual([
      "useradd --create-home --shell /bin/bash --comment 'A $(x)' --groups course -- alice",
    ]);
  });

  it('changes only what differs and appends missing groups', () => {
    const task = users.user({ name: 'alice', shell: '/bin/bash', groups: ['course'] });
    const plan = planWith(task, { 'passwd:alice': passwd });
    expect(runs(plan)).toEqual(['usermod --shell /bin/bash --append --groups course -- alice']);
    expect(
      planWith(users.user({ name: 'alice', shell: '/bin/sh', groups: ['alice'] }), {
        'passwd:alice': passwd,
      }).kind,
    ).toBe('ok');
  });

  it('removes a user or group only when present', () => {
    expect(
      runs(planWith(users.user({ name: 'alice', state: 'absent' }), { 'passwd:alice': passwd })),
    ).toEqual(['userdel alice']);
    expect(
      planWith(users.group({ name: 'course', state: 'absent' }), { group: noEntry }).kind,
    ).toBe('ok');
    expect(
      runs(planWith(users.group({ name: 'course', system: true }), { group: noEntry })),
    ).toEqual(['groupadd --system -- course']);
    expect(
      planWith(users.group({ name: 'course' }), { 'group:course': 'course:x:999:\n' }).kind,
    ).toBe('ok');
  });
});

describe('systemd.service restarted', () => {
  it('restarts every time, instead of a start', () => {
    const task = systemd.service({
      name: 'cron.service',
      enabled: true,
      running: true,
      restarted: true,
    });
    expect(
      runs(
        planWith(task, { 'systemd:cron.service': 'UnitFileState=enabled\nActiveState=inactive\n' }),
      ),
    ).toEqual(['systemctl restart cron.service']);
  });
});

describe('command onlyIf', () => {
  it('runs only when the check passes', () => {
    const task = command({ name: 'x', run: 'touch /x', onlyIf: 'test -e /y' });
    const key = task.facts[0]!.key;
    expect(planWith(task, { [key]: 'only-if\n' }).kind).toBe('ok');
    expect(runs(planWith(task, { [key]: '' }))).toEqual(['touch /x']);
    expect(task.facts[0]!.script).toContain('( test -e /y\n) >/dev/null 2>&1 || echo only-if');
  });
});

describe('pip.packages', () => {
  const task = pip.packages({ venv: '/opt/course/venv', requirements: ['boto3', 'pandas==2.2.2'] });
  it('makes the venv and installs the list from stdin, then is ok by digest', () => {
    const plan = planWith(task, {});
    expect(plan.kind === 'change' && plan.commands.map((c) => c.stdin)).toEqual([
      undefined,
      'boto3\npandas==2.2.2\n',
    ]);
    expect(runs(plan)[0]).toBe('python3 -m venv --system-site-packages /opt/course/venv');
    expect(runs(plan)[1]).toMatch(
      /-m pip install -q --disable-pip-version-check +-r \/dev\/stdin\n/,
    );
    const want = sha256('\nboto3\npandas==2.2.2\n');
    expect(
      planWith(task, {
        'venv:/opt/course/venv': 'exists\ninclude-system-site-packages = true\n',
        'pip-requirements:/opt/course/venv': `${want}\n`,
      }).kind,
    ).toBe('ok');
  });

  it('refuses an option where a requirement goes', () => {
    expect(() => pip.packages({ venv: '/v', requirements: ['-r /etc/shadow'] })).toThrow(
      /not one requirement/,
    );
  });
});

describe('when', () => {
  const debian = { stdout: 'debian\n12\nbookworm\nx86_64', code: 0 };
  it('skips with the reason, runs the task on a match', () => {
    const task = onlyWhen(files.directory({ path: '/srv/x' }), { os: ['ubuntu'] });
    expect(planWith(task, { platform: debian })).toEqual({
      kind: 'skip',
      reason: 'when: os is "debian", not "ubuntu"',
    });
    const match = onlyWhen(files.directory({ path: '/srv/x' }), {
      os: ['ubuntu', 'debian'],
      release: ['12'],
    });
    expect(planWith(match, { platform: debian }).kind).toBe('change');
  });

  it('checks every key given', () => {
    const host = { os: 'ubuntu', release: '24.04', codename: 'noble', architecture: 'aarch64' };
    expect(mismatch({ architecture: ['x86_64'] }, host)).toBe(
      'when: architecture is "aarch64", not "x86_64"',
    );
    expect(mismatch({ os: ['ubuntu'], codename: ['noble'] }, host)).toBeUndefined();
  });
});

describe('--diff for what is not a file', () => {
  const diffOf = (plan: ReturnType<typeof planWith>) =>
    plan.kind === 'change' ? plan.diff : undefined;

  it('apt shows each package before and after', () => {
    const plan = planWith(apt.packages({ names: ['htop', 'tree'] }), { dpkg: 'htop ii \n' }, true);
    expect(diffOf(plan)).toEqual([
      {
        path: 'apt packages',
        before: 'htop: installed\ntree: absent\n',
        after: 'htop: installed\ntree: installed\n',
      },
    ]);
  });

  it('a user, a group, a service and a directory show their state; nothing outside --diff', () => {
    const user = users.user({ name: 'alice', shell: '/bin/bash', groups: ['course'] });
    const passwd = 'alice:x:1001:1001::/home/alice:/bin/sh\nalice\n';
    expect(diffOf(planWith(user, { passwd }, true))).toEqual([
      {
        path: 'user alice',
        before: 'shell: /bin/sh\nhome: /home/alice\ncomment: \ngroups: alice\n',
        after: 'shell: /bin/bash\nhome: /home/alice\ncomment: \ngroups: alice course\n',
      },
    ]);
    expect(diffOf(planWith(user, { passwd }))).toBeUndefined();
    expect(
      diffOf(planWith(users.group({ name: 'course' }), { group: { stdout: '', code: 2 } }, true)),
    ).toEqual([{ path: 'group course', before: undefined, after: 'group: course\n' }]);
    const service = systemd.service({ name: 'cron.service', enabled: true, running: true });
    expect(
      diffOf(
        planWith(service, { systemd: 'UnitFileState=disabled\nActiveState=inactive\n' }, true),
      ),
    ).toEqual([
      {
        path: 'service cron.service',
        before: 'enabled: disabled\nactive: inactive\n',
        after: 'enabled: enabled\nactive: active\n',
      },
    ]);
    expect(diffOf(planWith(files.directory({ path: '/srv/x', mode: '0750' }), {}, true))).toEqual([
      { path: 'directory /srv/x', before: undefined, after: 'mode: 0750\nowner: root:root\n' },
    ]);
  });
});
