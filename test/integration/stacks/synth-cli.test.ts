/**
 * The real entry points as separate processes: the `streamlab` bin (exit statuses as the
 * shell sees them) and the cdktf.json app (`npx tsx stacks/main.ts`, what cdktn-cli runs).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../../../process/run';
import { LOCAL_STATE_DIR } from '../../../config/local-state';
import { writeLabDir } from '../../support/lab-stack';

const ROOT = join(__dirname, '..', '..', '..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamlab-cli-'));
  writeLabDir(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
  runSync([cmd, ...args], {
    cwd: dir,
    allowFailure: true,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
    timeout: 60_000,
  });

describe('streamlab synth (process)', () => {
  it('exits 0 and writes cdktf.out/stacks/<name>/cdk.tf.json in the working directory', () => {
    const r = run(process.execPath, [join(ROOT, 'scripts', 'streamlab.js'), 'synth']);
    expect(r.stderr).toMatch(/done in/);
    expect(r.code).toBe(0);
    const json = JSON.parse(
      readFileSync(join(dir, 'cdktf.out', 'stacks', 'bigdata-lab', 'cdk.tf.json'), 'utf8'),
    ) as { terraform: { backend: { local: { path: string } } } };
    // State lives beside the config, outside the build output.
    expect(json.terraform.backend.local.path).toBe('../../../.streamlab/state/bigdata-lab.tfstate');
  });

  it('exits 2 on a config error, naming the field', () => {
    writeFileSync(
      join(dir, 'streamlab.yaml'),
      'name: bigdata-lab\nregion: mars-1\noperatorCidr: 203.0.113.7/32\n',
    );
    const r = run(process.execPath, [join(ROOT, 'scripts', 'streamlab.js'), 'synth']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/region: "mars-1" is not an AWS region/);
  });

  it('from a fresh clone: the example config as streamlab.yaml, no keys, `streamlab synth`', () => {
    rmSync(join(dir, LOCAL_STATE_DIR), { recursive: true });
    copyFileSync(join(ROOT, 'streamlab.example.yaml'), join(dir, 'streamlab.yaml'));
    const r = run(process.execPath, [join(ROOT, 'scripts', 'streamlab.js'), 'synth']);
    expect(r.stderr).toContain(
      'created SSH key pair .streamlab/keys/bigdata-lab/lab{,.pub} for lab',
    );
    expect(r.code).toBe(0);
    // The key ssh-keygen made is the one in the stack; the private half stays 0600.
    const pub = readFileSync(join(dir, LOCAL_STATE_DIR, 'keys', 'bigdata-lab', 'lab.pub'), 'utf8');
    const stack = readFileSync(
      join(dir, 'cdktf.out', 'stacks', 'bigdata-lab', 'cdk.tf.json'),
      'utf8',
    );
    expect(stack).toContain(pub.trim());
    expect(statSync(join(dir, LOCAL_STATE_DIR, 'keys', 'bigdata-lab', 'lab')).mode & 0o777).toBe(
      0o600,
    );
    // A second synth keeps the pair and says nothing about keys.
    const again = run(process.execPath, [join(ROOT, 'scripts', 'streamlab.js'), 'synth']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/key pair/);
  });
});

describe('cdktf.json app (stacks/main.ts)', () => {
  it('reads STREAMLAB_CONFIG and writes to CDKTF_OUTDIR', () => {
    const r = run(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'stacks', 'main.ts')],
      {
        STREAMLAB_CONFIG: join(dir, 'streamlab.yaml'),
        CDKTF_OUTDIR: join(dir, 'elsewhere'),
      },
    );
    expect(r.stderr).toMatch(/wrote .*elsewhere\/stacks\/bigdata-lab\/cdk\.tf\.json/);
    expect(r.code).toBe(0);
  });
});
