/**
 * The fact snippets that read files with the shell's own `read` (no cat, grep or sourcing:
 * a process less on every host at every run), run in a real sh over files laid out in a
 * temporary folder, parsed as the engine parses them.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../../../../process/run';
import { createHash } from 'node:crypto';
import {
  answersOf,
  factScript,
  Facts,
  parseFactOutput,
  type Fact,
} from '../../../../provisioning/engine/facts';
import { pendingHandlersFact, PENDING_HANDLERS_FILE } from '../../../../provisioning/engine/runner';
import { aptComponentsFact, osReleaseFact } from '../../../../provisioning/tasks/apt';
import { fileFact } from '../../../../provisioning/tasks/file-facts';
import { venvFact } from '../../../../provisioning/tasks/pip';
import { CLOUD_INIT_RESULT, cloudInitFact } from '../../../../provisioning/tasks/wait';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'streamlab-fact-snippets-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes files under the temporary root (paths as on the host). */
function lay(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** The fact's answer with every host path in `paths` moved under the root. */
function answer<T>(fact: Fact<T>, paths: string[], env: NodeJS.ProcessEnv = process.env): T {
  let script = fact.script;
  for (const p of paths) script = script.split(p).join(join(root, p));
  const r = runSync(['/bin/sh', '-c', script], { allowFailure: true, env });
  return fact.parse(r.stdout, r.code);
}

it('os-release: values quoted or not, without sourcing the file', () => {
  lay({
    '/etc/os-release':
      'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian',
  });
  expect(answer(osReleaseFact, ['/etc/os-release'])).toEqual({
    id: 'ubuntu',
    versionId: '24.04',
    codename: 'noble',
  });
});

it('apt components: one-line and deb822 sources, comments skipped, a last line without newline', () => {
  lay({
    '/etc/apt/sources.list': '# deb http://x noble universe\ndeb http://archive noble main\n',
    '/etc/apt/sources.list.d/ubuntu.sources':
      'Types: deb\nURIs: http://archive\nComponents: main restricted universe',
    '/etc/apt/sources.list.d/extra.list': 'deb [arch=amd64] http://ppa noble multiverse\n',
  });
  expect([...answer(aptComponentsFact, ['/etc/apt/sources.list'])].sort()).toEqual([
    'main',
    'multiverse',
    'restricted',
    'universe',
  ]);
});

it('venv: exists and the system-site-packages line', () => {
  lay({ '/v/pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = true\n' });
  lay({ '/v/bin/python': '' });
  chmodSync(join(root, '/v/bin/python'), 0o755);
  const fact = venvFact('/v');
  expect(answer(fact, ['/v/'])).toEqual({ exists: true, systemSitePackages: true });
  rmSync(join(root, 'v'), { recursive: true });
  expect(answer(fact, ['/v/'])).toEqual({ exists: false, systemSitePackages: false });
});

it('pending handlers: every line, none when the file is absent', () => {
  lay({ [PENDING_HANDLERS_FILE]: 'restart a.service\nrestart b.service' });
  expect(answer(pendingHandlersFact, [PENDING_HANDLERS_FILE])).toEqual([
    'restart a.service',
    'restart b.service',
  ]);
  rmSync(join(root, PENDING_HANDLERS_FILE));
  expect(answer(pendingHandlersFact, [PENDING_HANDLERS_FILE])).toEqual([]);
});

describe('cloud-init', () => {
  // A stand-in `cloud-init` on PATH that says it is running and records that it was asked.
  const withStandIn = () => {
    lay({ '/bin/cloud-init': `#!/bin/sh\necho asked >> ${root}/asked\necho 'status: running'\n` });
    chmodSync(join(root, 'bin/cloud-init'), 0o755);
    return { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH}` };
  };

  it('finished cleanly on this boot: done, without running cloud-init', () => {
    const env = withStandIn();
    lay({
      [CLOUD_INIT_RESULT]: '{\n "v1": {\n  "datasource": "DataSourceEc2",\n  "errors": []\n }\n}\n',
    });
    expect(answer(cloudInitFact, [CLOUD_INIT_RESULT], env)).toEqual({
      installed: true,
      status: 'done',
    });
    expect(() => runSync(['cat', join(root, 'asked')])).toThrow();
  });

  it('not finished, or finished with errors: cloud-init itself is asked', () => {
    const env = withStandIn();
    expect(answer(cloudInitFact, [CLOUD_INIT_RESULT], env).status).toBe('running');
    lay({ [CLOUD_INIT_RESULT]: '{\n "v1": {\n  "errors": [\n   "boom"\n  ]\n }\n}\n' });
    expect(answer(cloudInitFact, [CLOUD_INIT_RESULT], env).status).toBe('running');
  });

  it('not installed: absent', () => {
    const env = { ...process.env, PATH: '/nonexistent' };
    expect(answer(cloudInitFact, [CLOUD_INIT_RESULT], env)).toEqual({
      installed: false,
      status: '',
    });
  });
});

/** A file name shells and parsers trip on: spaces, a quote, a command substitution, a backslash. */
const ODD = "odd name 'q' $(x) \\ end";

it('file states: one find and one sha256sum for every path; a FIFO is never opened', () => {
  lay({ '/etc/app.conf': 'a=1\n', '/etc/empty': '', [`/etc/${ODD}`]: 'x' });
  mkdirSync(join(root, 'etc/dir'));
  chmodSync(join(root, 'etc/app.conf'), 0o640);
  symlinkSync('/dev/zero', join(root, 'etc/link'));
  runSync(['mkfifo', join(root, 'etc/fifo')]);
  const paths = ['app.conf', 'empty', ODD, 'dir', 'link', 'fifo', 'missing'];
  const facts = paths.map((p) => fileFact(join(root, 'etc', p)));
  const script = factScript(facts, 'B');
  expect(script.match(/\bfind\b/g)).toHaveLength(1);
  expect(script.match(/sha256sum/g)).toHaveLength(1);
  // A FIFO opened for reading would block here until the test's timeout.
  const out = runSync(['/bin/sh', '-c', script], { timeout: 20_000 }).stdout;
  const f = new Facts(answersOf(facts, parseFactOutput(out, 'B')));
  const sha = (t: string) => createHash('sha256').update(t).digest('hex');
  const me = runSync(['id', '-un']).stdout.trim();
  const group = runSync(['id', '-gn']).stdout.trim();
  const [conf, empty, odd, dir, link, fifo, missing] = facts.map((x) => f.get(x));
  expect(conf).toEqual({
    exists: true,
    type: 'file',
    mode: 0o640,
    owner: me,
    group,
    sha256: sha('a=1\n'),
  });
  expect(empty).toMatchObject({ type: 'file', sha256: sha('') });
  expect(odd).toMatchObject({ type: 'file', sha256: sha('x') });
  expect(dir).toMatchObject({ exists: true, type: 'directory' });
  expect(dir).not.toHaveProperty('sha256');
  expect(link).toMatchObject({ exists: true, type: 'other' });
  expect(link).not.toHaveProperty('sha256');
  expect(fifo).toMatchObject({ exists: true, type: 'other' });
  expect(missing).toEqual({ exists: false });
});
