import { createHash } from 'node:crypto';
import * as apt from '../../../../provisioning/tasks/apt';
import { command } from '../../../../provisioning/tasks/command';
import * as files from '../../../../provisioning/tasks/files';
import { parseFileState, parseTree } from '../../../../provisioning/tasks/file-facts';
import { readLocalTree } from '../../../../provisioning/tasks/local-tree';
import { renderTemplate } from '../../../../provisioning/tasks/template';
import { tree } from '../../../../provisioning/tasks/tree';
import * as pip from '../../../../provisioning/tasks/pip';
import * as systemd from '../../../../provisioning/tasks/systemd';
import * as users from '../../../../provisioning/tasks/users';
import * as wait from '../../../../provisioning/tasks/wait';
import { commandsOf, planOf } from '../engine/plan-support';
import { join } from 'node:path';
import { runSync } from '../../../../process/run';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const UBUNTU = 'ubuntu\n24.04\nnoble\n';
const DEBIAN = 'debian\n12\nbookworm\n';
const fresh = '1700000000\n1699999000.5\n';
const stale = '1700000000\n1600000000.5\n';

describe('apt tasks', () => {
  it("wraps apt-get in a retry loop that is valid sh, finishing a cut-short dpkg's journal between attempts", () => {
    const script = apt.aptGet(['install', 'htop'], { attempts: 2, lockTimeoutSeconds: 30 });
    expect(runSync(['sh', '-n', '-c', script], { allowFailure: true }).code).toBe(0);
    expect(script).toContain('DPkg::Lock::Timeout=30');
    expect(script).toMatch(
      /ls -A \/var\/lib\/dpkg\/updates.*dpkg --force-confdef --force-confold --configure -a/,
    );
  });

  it.each([
    {
      os: DEBIAN,
      components: 'deb http://deb.debian.org/debian bookworm main\n',
      kind: 'skip',
      reason: /not Ubuntu/,
    },
    {
      os: UBUNTU,
      components: 'Components: main restricted universe\n',
      kind: 'ok',
      reason: /already enabled/,
    },
    {
      os: UBUNTU,
      components: 'deb [arch=amd64] http://archive.ubuntu.com/ubuntu noble main universe\n',
      kind: 'ok',
      reason: /already/,
    },
    {
      os: UBUNTU,
      components: 'Components: main restricted\n',
      kind: 'change',
      reason: /enable universe/,
    },
  ])('repository universe on $kind', ({ os, components, kind, reason }) => {
    const plan = planOf(apt.repository(), { 'os-release': os, 'apt-components': components });
    expect(plan.kind).toBe(kind);
    expect(plan.reason).toMatch(reason);
    if (kind === 'change') expect(commandsOf(plan)[0]).toBe('add-apt-repository -y -n universe');
  });

  it('update: noop while lists are fresh, apt-get update when stale or absent', () => {
    expect(planOf(apt.update({ maxAgeSeconds: 3600 }), { 'apt-lists-age': fresh }).kind).toBe('ok');
    const plan = planOf(apt.update({ maxAgeSeconds: 3600 }), { 'apt-lists-age': stale });
    expect(plan.kind).toBe('change');
    expect(commandsOf(plan)[0]).toContain('apt-get -q -y -o DPkg::Lock::Timeout=300 update');
    expect(planOf(apt.update(), { 'apt-lists-age': '1700000000\n' }).reason).toBe(
      'no package lists yet',
    );
  });

  it('packages: one transaction for the missing ones, no recommends, lock timeout, retry, noninteractive', () => {
    const task = apt.packages({ names: ['python3-pip', 'python3-boto3', 'python3-venv'] });
    const installed = 'python3-boto3 ii \npython3-pip un \n';
    const plan = planOf(task, { dpkg: installed, 'apt-lists-age': fresh });
    expect(plan.kind).toBe('change');
    const cmds = commandsOf(plan);
    expect(cmds).toHaveLength(1);
    expect(cmds[0]).toContain(
      'DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 install --no-install-recommends python3-pip python3-venv',
    );
    expect(cmds[0]).toMatch(/until .*; do n=\$\(\(n\+1\)\); if \[ \$n -ge 3 \]/);
    expect(commandsOf(planOf(task, { dpkg: installed, 'apt-lists-age': stale }))[0]).toContain(
      ' update',
    );
  });

  it('packages: ok when all are installed (arch-qualified names count)', () => {
    const task = apt.packages({ names: ['a1', 'b2'] });
    const plan = planOf(task, { dpkg: 'a1:amd64 ii \nb2 ii \n', 'apt-lists-age': stale });
    expect(plan).toEqual({ kind: 'ok', reason: 'all 2 installed' });
  });

  it('packages: refuses bad names and an empty list, naming them', () => {
    expect(() => apt.packages({ names: ['ok', 'bad name; rm -rf /'] })).toThrow(
      /"bad name; rm -rf \/" is not a Debian package name/,
    );
    expect(() => apt.packages({ names: [] })).toThrow(/at least one/);
  });

  it('installRecommends drops --no-install-recommends', () => {
    const plan = planOf(apt.packages({ names: ['x1'], installRecommends: true }), {
      dpkg: '',
      'apt-lists-age': fresh,
    });
    expect(commandsOf(plan)[0]).not.toContain('--no-install-recommends');
  });
});

describe('file tasks', () => {
  const stat = (mode: string, owner = 'root', group = 'root', digest?: string) =>
    `regular file|${mode}|${owner}|${group}\n${digest ? `${digest}  -\n` : ''}`;

  it('file: create, content differs, mode drift, match', () => {
    const task = files.file({ path: '/etc/x.conf', content: 'a=1\n', mode: '0640' });
    const create = planOf(task, { file: '' });
    expect(create.kind).toBe('change');
    expect(create.reason).toBe('create');
    const write = commandsOf(create)[0]!;
    // temp file in the same directory, mode/owner before the rename, content over stdin
    expect(write.indexOf('chmod 0640 "$tmp"')).toBeLessThan(
      write.indexOf('mv -f "$tmp" /etc/x.conf'),
    );
    expect(write.indexOf('chown root:root "$tmp"')).toBeLessThan(write.indexOf('mv -f'));
    expect(write).toContain('mktemp /etc/.streamlab.XXXXXX');
    // The digest the host checks comes first on stdin, then the content.
    expect(create.kind === 'change' && String(create.commands[0]!.stdin)).toBe(
      `${sha('a=1\n')}\na=1\n`,
    );
    expect(write).not.toContain('a=1');

    expect(planOf(task, { file: stat('640', 'root', 'root', sha('old')) }).reason).toMatch(
      /content differs/,
    );
    const drift = planOf(task, { file: stat('644', 'root', 'root', sha('a=1\n')) });
    expect(drift.reason).toBe('mode 0644 → 0640');
    expect(commandsOf(drift)).toEqual(['chmod 0640 -- /etc/x.conf']);
    expect(planOf(task, { file: stat('640', 'root', 'root', sha('a=1\n')) }).kind).toBe('ok');
  });

  it('file: a secret file never shows its digest, even a prefix (it would confirm a guessed token)', () => {
    const task = files.file({
      path: '/etc/app.env',
      content: 'TOKEN=s3cret\n',
      secret: true,
      mode: '0600',
    });
    const digest = sha('TOKEN=s3cret\n');
    const plans = [
      planOf(task, { file: '' }),
      planOf(task, { file: stat('600', 'root', 'root', sha('old')) }),
      planOf(task, { file: stat('600', 'root', 'root', digest) }),
    ];
    for (const p of plans) {
      expect(p.reason).not.toContain(digest.slice(0, 12));
      for (const c of commandsOf(p)) expect(c).not.toContain(digest.slice(0, 12));
    }
    expect(plans.map((p) => p.reason)).toEqual(['create', 'content differs', 'content matches']);
  });

  it('file: a directory in the way is an error naming the path', () => {
    const task = files.file({ path: '/etc/x', content: '' });
    expect(() => planOf(task, { file: 'directory|755|root|root\n' })).toThrow(
      '/etc/x exists and is not a regular file',
    );
  });

  it('file: diff mode shows before/after; a secret file is masked and its content never read', () => {
    const task = files.file({ path: '/etc/app.conf', content: 'new\n' });
    const plan = planOf(
      task,
      { file: stat('644', 'root', 'root', sha('old\n')), content: 'old\n' },
      true,
    );
    expect(plan.kind === 'change' && plan.diff).toEqual([
      { path: '/etc/app.conf', before: 'old\n', after: 'new\n' },
    ]);
    const secret = files.file({
      path: '/etc/s.env',
      content: 'TOKEN=x\n',
      mode: '0600',
      secret: true,
    });
    expect(secret.diffFacts).toBeUndefined();
    const sp = planOf(secret, { file: stat('600', 'root', 'root', sha('TOKEN=y\n')) }, true);
    expect(sp.kind === 'change' && sp.diff?.[0]?.secret).toBe(true);
  });

  it('file: onChange commands follow the write', () => {
    const task = systemd.unit({ name: 'a.service', content: '[Unit]\n' });
    expect(commandsOf(planOf(task, { file: '' }))[1]).toBe('systemctl daemon-reload');
    expect(planOf(task, { file: stat('644', 'root', 'root', sha('[Unit]\n')) }).kind).toBe('ok');
  });

  it('directory: create with mode and owner, fix drift, ok', () => {
    const task = files.directory({ path: '/opt/my app', mode: '0750', owner: 'app', group: 'app' });
    expect(commandsOf(planOf(task, { file: '' }))).toEqual([
      "mkdir -p -- '/opt/my app'",
      "chown app:app -- '/opt/my app'",
      "chmod 0750 -- '/opt/my app'",
    ]);
    expect(planOf(task, { file: 'directory|750|app|app\n' }).kind).toBe('ok');
    expect(planOf(task, { file: 'directory|755|root|app\n' }).reason).toBe(
      'owner root:app → app:app, mode 0755 → 0750',
    );
  });

  it('rejects relative paths, ".." and bad modes up front', () => {
    expect(() => files.directory({ path: 'opt' })).toThrow(/absolute/);
    expect(() => files.file({ path: '/a/../etc/passwd', content: '' })).toThrow(/without "\.\."/);
    expect(() => files.file({ path: '/a', content: '', mode: 'rw-r--r--' })).toThrow(/octal mode/);
  });

  it('template renders {{ vars }} and names an undefined one', () => {
    expect(renderTemplate('User={{ user }} {{x}}', { user: 'a', x: 1 })).toBe('User=a 1');
    expect(() => renderTemplate('{{ nope }}', {})).toThrow(
      'template variable "nope" is not defined',
    );
  });

  it('tree: copies new and changed files, fixes modes, removes extras, ok when equal', () => {
    const src = join(__dirname, '../../../fixtures/provisioning/producer-app');
    const task = tree({ src, dest: '/opt/app', exclude: ['tests', '__pycache__', '*.pyc'] });
    const local = readLocalTree(src, ['tests', '__pycache__', '*.pyc']);
    expect([...local.keys()]).not.toContain('tests');
    const initPy = local.get('streamlab_producer/__init__.py')!.sha256!;
    const mainPy = local.get('streamlab_producer/__main__.py')!.sha256!;
    const toml = local.get('pyproject.toml')!.sha256!;
    const listing = (extra = '') =>
      `d 755 root:root streamlab_producer\nf 644 root:root streamlab_producer/__init__.py\nf 644 root:root streamlab_producer/__main__.py\nf 644 root:root pyproject.toml\n${extra}--sha256--\n` +
      `${initPy}  ./streamlab_producer/__init__.py\n${mainPy}  ./streamlab_producer/__main__.py\n${toml}  ./pyproject.toml\n`;
    const root = 'directory|755|root|root\n';
    expect(planOf(task, { tree: listing(), file: root })).toEqual({
      kind: 'ok',
      reason: '4 entries match by sha256',
    });

    const absent = planOf(task, { tree: { stdout: '', code: 3 }, file: '' });
    expect(absent.reason).toBe('3 file(s) to copy');
    expect(commandsOf(absent)[0]).toBe('mkdir -p -- /opt/app');

    const changed = planOf(task, {
      tree: listing('f 600 root:root old.py\n').replace(mainPy, sha('x')),
      file: root,
    });
    expect(changed.reason).toBe('1 file(s) to copy, 1 to remove');
    expect(commandsOf(changed)).toContain('rm -rf -- /opt/app/old.py');
  });

  it('parses stat and tree facts', () => {
    expect(parseFileState('')).toEqual({ exists: false });
    expect(parseFileState(`regular empty file|600|root|root\n${sha('')}  -\n`)).toMatchObject({
      exists: true,
      type: 'file',
      mode: 0o600,
      sha256: sha(''),
    });
    expect(parseTree('', 3)).toBeUndefined();
    expect(parseTree('d 755 a:b dir with space\n--sha256--\n', 0)!.get('dir with space')).toEqual({
      type: 'd',
      mode: 0o755,
      owner: 'a:b',
    });
  });
});

describe('pip tasks', () => {
  it('venv: create with --system-site-packages, recreate when the flag differs, ok', () => {
    const task = pip.venv({ path: '/opt/v' });
    expect(commandsOf(planOf(task, { venv: '' }))).toEqual([
      'python3 -m venv --system-site-packages /opt/v',
    ]);
    expect(planOf(task, { venv: 'exists\ninclude-system-site-packages = false\n' }).reason).toMatch(
      /recreate/,
    );
    expect(planOf(task, { venv: 'exists\ninclude-system-site-packages = true\n' }).kind).toBe('ok');
  });

  it('upgradePip: skipped with a reason when no index is reachable; runs once otherwise', () => {
    const task = pip.upgradePip({ venv: '/opt/v' });
    const offline = planOf(task, { 'pip-upgrade': 'unreachable\n' });
    expect(offline.kind).toBe('skip');
    expect(offline.reason).toMatch(/no package index reachable \(https:\/\/pypi\.org\/simple\/\)/);
    expect(commandsOf(planOf(task, { 'pip-upgrade': 'reachable\n' }))).toEqual([
      '/opt/v/bin/python -m pip install -q --disable-pip-version-check --index-url https://pypi.org/simple/ --upgrade pip',
      'touch /opt/v/.streamlab-pip-upgraded',
    ]);
    expect(planOf(task, { 'pip-upgrade': 'upgraded\n' }).kind).toBe('ok');
    expect(() => pip.upgradePip({ venv: '/v', index: 'not a url' }).facts).toThrow(/not a URL/);
  });

  it('requirements: installs when the file sha differs from the marker', () => {
    const task = pip.requirements({ venv: '/opt/v', file: '/opt/app/requirements.txt' });
    const digest = sha('boto3\n');
    expect(planOf(task, { requirements: `${digest}\n\n` }).kind).toBe('change');
    expect(planOf(task, { requirements: `${digest}\n\n${digest}\n` }).kind).toBe('ok');
    expect(planOf(task, { requirements: '\n\n' }).kind).toBe('skip');
  });
});

describe('systemd, users, command, wait', () => {
  it('service: enable and start only what differs', () => {
    const task = systemd.service({ name: 'p.service', enabled: true, running: true });
    expect(
      commandsOf(planOf(task, { systemd: 'UnitFileState=disabled\nActiveState=inactive\n' })),
    ).toEqual(['systemctl enable p.service', 'systemctl start p.service']);
    expect(
      commandsOf(planOf(task, { systemd: 'UnitFileState=enabled\nActiveState=failed\n' })),
    ).toEqual(['systemctl start p.service']);
    expect(planOf(task, { systemd: 'ActiveState=active\nUnitFileState=enabled\n' })).toEqual({
      kind: 'ok',
      reason: 'enabled, active',
    });
    expect(planOf(task, { systemd: 'UnitFileState=enabled\nActiveState=activating\n' }).kind).toBe(
      'ok',
    );
    expect(() => systemd.service({ name: 'x; reboot' })).toThrow(/not a unit name/);
  });

  it('restart handler always restarts', () => {
    expect(commandsOf(planOf(systemd.restart('p.service'), {}))).toEqual([
      'systemctl restart p.service',
    ]);
  });

  it('systemUser: useradd --system with nologin, ok when present', () => {
    const task = users.systemUser({ name: 'streamlab' });
    expect(commandsOf(planOf(task, { passwd: { stdout: '', code: 2 } }))).toEqual([
      'useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin streamlab',
    ]);
    expect(
      planOf(task, { passwd: 'streamlab:x:999:999::/nonexistent:/usr/sbin/nologin\n' }).kind,
    ).toBe('ok');
    expect(() => users.systemUser({ name: 'Bad User' })).toThrow(/not a valid user name/);
  });

  it('command: creates/unless guards; unguarded always runs', () => {
    const guarded = command({ name: 'init db', run: 'make-db', creates: '/var/db' });
    expect(planOf(guarded, { guard: 'creates\n' }).kind).toBe('ok');
    expect(commandsOf(planOf(guarded, { guard: '' }))).toEqual(['make-db']);
    expect(
      planOf(command({ name: 'x', run: 'y', unless: 'test -e /z' }), { guard: 'unless\n' }).reason,
    ).toBe('unless-check passed');
    expect(planOf(command({ name: 'x', run: 'y' }), { guard: '' }).reason).toMatch(/always runs/);
  });

  it('cloud-init: skipped when absent, ok when done, waits otherwise', () => {
    const task = wait.cloudInit();
    expect(planOf(task, { 'cloud-init': 'absent\n' }).kind).toBe('skip');
    expect(planOf(task, { 'cloud-init': 'done\n' }).kind).toBe('ok');
    expect(commandsOf(planOf(task, { 'cloud-init': 'running\n' }))[0]).toContain(
      'cloud-init status --wait',
    );
  });

  it('parses os-release, components, lists age and unit state', () => {
    const f = apt.osReleaseFact.parse(UBUNTU, 0);
    expect(f).toEqual({ id: 'ubuntu', versionId: '24.04', codename: 'noble' });
    expect([
      ...apt.aptComponentsFact.parse(
        'deb [signed-by=/x] http://a b main contrib\nComponents: non-free\n',
        0,
      ),
    ]).toEqual(['main', 'contrib', 'non-free']);
    expect(apt.aptListsAgeFact.parse(fresh, 0)).toBe(1000);
    expect(
      systemd.unitStateFact('a.service').parse('UnitFileState=\nActiveState=inactive\n', 0),
    ).toEqual({
      enabled: 'not-found',
      active: 'inactive',
    });
  });
});
