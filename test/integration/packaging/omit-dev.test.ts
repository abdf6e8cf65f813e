/**
 * The manifest is honest: a copy of the project installed with `npm ci --omit=dev` (what
 * a user who only runs the lab installs) quietly installs, and its CLI synthesizes a lab
 * whose Lambda bundle esbuild builds, and starts the offline lab's Kinesis (kinesalite).
 * Runs the real npm from the npm registry's packages (its cache makes it quick).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runSync } from '../../../process/run';
import { LOCAL_STATE_DIR } from '../../../config/local-state';
import { TEST_PUBLIC_KEY } from '../../support/lab-stack';

const ROOT = join(__dirname, '..', '..', '..');
let copy: string;

/** npm's own entry script, run below on the project's Node so npm checks engines against it. */
function npmCli(): string {
  const npm = realpathSync(runSync(['sh', '-c', 'command -v npm']).stdout.trim());
  return join(dirname(npm), 'npm-cli.js');
}

const run = (args: string[], cwd = copy) =>
  runSync([process.execPath, ...args], {
    cwd,
    allowFailure: true,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', npm_config_update_notifier: 'false' },
    timeout: 240_000,
  });

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'streamlab-omit-dev-'));
  // The project's files as a clone has them (tracked plus new, never ignored build output).
  const files = runSync(['git', 'ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT })
    .stdout.split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
}, 60_000);
afterAll(() => copy && rmSync(copy, { recursive: true, force: true }));

describe('npm ci --omit=dev', () => {
  let install: ReturnType<typeof run>;
  beforeAll(() => {
    install = run([npmCli(), 'ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund']);
  }, 300_000);

  it('installs quietly: every install script decided in package.json, engines met', () => {
    expect(install.code).toBe(0);
    expect(install.stderr).not.toMatch(/install-scripts|allowScripts/);
    expect(install.stderr).not.toMatch(/EBADENGINE/);
    expect(existsSync(join(copy, 'node_modules', 'jest'))).toBe(false);
    expect(existsSync(join(copy, 'node_modules', 'typescript'))).toBe(false);
  });

  it('leaves a CLI that synthesizes the lab, Lambda bundle included', () => {
    mkdirSync(join(copy, LOCAL_STATE_DIR, 'keys', 'bigdata-lab'), { recursive: true });
    writeFileSync(join(copy, LOCAL_STATE_DIR, 'keys', 'bigdata-lab', 'lab.pub'), TEST_PUBLIC_KEY);
    writeFileSync(
      join(copy, 'streamlab.yaml'),
      'name: bigdata-lab\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\nsearch:\n  enabled: true\n',
    );
    const r = run(['scripts/streamlab.js', 'synth']);
    expect(r.stderr).toMatch(/done in/);
    expect(r.code).toBe(0);
    const stack = readFileSync(
      join(copy, 'cdktf.out', 'stacks', 'bigdata-lab', 'cdk.tf.json'),
      'utf8',
    );
    expect(JSON.parse(stack).resource.aws_lambda_function).toBeDefined();
  });

  it('leaves a CLI whose `lab up` is there and whose Kinesis emulator starts', () => {
    const help = run(['scripts/streamlab.js', 'lab', 'up', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/streamlab lab up/);
    const emulator = run([
      '-e',
      "require('tsx/cjs/api').register();" +
        "require('./labs/stream/emulator').startEmulator()" +
        '.then(async (e) => { console.log(e.endpoint); await e.close(); })',
    ]);
    expect(emulator.stderr).toBe('');
    expect(emulator.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('leaves an embedded analysis whose DuckDB engine came as its platform package', () => {
    const analysis = run([
      '-e',
      "require('tsx/cjs/api').register();" +
        "require('./labs/analysis/analysis').createAnalysis({ maxRows: 10 }).then(async (a) => {" +
        "  const data = Buffer.from(JSON.stringify({ id: 'p', created_at: '2026-11-27T18:40:00Z' }));" +
        "  await a.ingest([{ stream: 's', data, arrivedAt: new Date() }]);" +
        '  console.log(JSON.stringify((await a.run()).summary)); a.close(); })',
    ]);
    expect(analysis.stderr).toBe('');
    expect(JSON.parse(analysis.stdout)).toEqual({
      posts: 1,
      authors: 0,
      newest: '2026-11-27T18:40:00.000000Z',
    });
  });
});
