/** `streamlab synth` end to end, in-process through the dispatcher. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../scripts/cli/dispatch';
import { RULES } from '../../../stacks/policy/rules';
import { TEST_PUBLIC_KEY, writeLabDir } from '../../support/lab-stack';

let dir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamlab-synth-'));
  out = [];
  err = [];
  jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a config whose keysDir is inside the temp dir, with keys for the listed hosts. */
const writeLab = (config: Record<string, unknown>, keysFor: string[] = ['lab']) =>
  writeLabDir(dir, { keysDir: join(dir, 'keys'), ...config }, keysFor);

const stackFile = (name = 'bigdata-lab') => join(dir, 'out', 'stacks', name, 'cdk.tf.json');

describe('streamlab synth', () => {
  it('writes cdk.tf.json and prints resources, hosts, policy and a cost estimate', async () => {
    const config = writeLab({ students: ['ana', 'bruno'] }, ['ana', 'bruno']);
    const code = await main(['synth', '--config', config, '--out', join(dir, 'out')]);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(stackFile(), 'utf8')) as {
      resource: Record<string, object>;
    };
    expect(Object.keys(json.resource.aws_instance!)).toHaveLength(2);
    const text = out.join('\n');
    expect(text).toMatch(/hosts \(2\): ana, bruno/);
    expect(text).toMatch(/^ {2}aws_instance\s+2$/m);
    expect(text).toMatch(
      new RegExp(
        `policy: ${Object.keys(RULES).length} rules on \\d+ resources: 0 violations, 0 waived, 2 built-in exemptions`,
      ),
    );
    expect(text).toMatch(/exempt CKV_AWS_240 bigdata-lab\/Student-ana\/Delivery\/Stream/);
    expect(text).toMatch(/cost estimate: ~\$0\.\d+\/hour/);
    expect(err.join('')).toMatch(/synth bigdata-lab \(2 hosts\) … done in \d+\.\d\d s/);
    // Nothing left behind from the temp synth dir.
    expect(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')).toContain('bigdata-lab');
  });

  it('prints JSON with --json', async () => {
    const config = writeLab({});
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out'), '--json'])).toBe(0);
    const summary = JSON.parse(out.join('\n')) as {
      hosts: string[];
      resourcesByType: Record<string, number>;
      cost: { hourly: number };
    };
    expect(summary.hosts).toEqual(['lab']);
    expect(summary.resourcesByType.aws_vpc).toBe(1);
    expect(summary.cost.hourly).toBeGreaterThan(0);
  });

  it('prints applied and unused waivers; allowOpenSsh waives CKV_AWS_24 visibly', async () => {
    const config = writeLab({
      operatorCidr: '0.0.0.0/0',
      allowOpenSsh: true,
      policy: {
        waivers: [
          {
            rule: 'CKV_AWS_66',
            resource: 'bigdata-lab/Nowhere',
            reason: 'left over from an older layout',
          },
        ],
      },
    });
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(
      /waived CKV_AWS_24 bigdata-lab\/Student-lab\/Host\/SshFromOperator: allowOpenSsh: true in the config/,
    );
    expect(text).toMatch(/warning: waiver CKV_AWS_66 for bigdata-lab\/Nowhere matches nothing/);
  });

  it('synthesizes search: the module, its cost lines, and the zip terraform will upload', async () => {
    const config = writeLab({ search: { enabled: true } });
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^ {2}aws_opensearch_domain\s+1$/m);
    expect(text).toMatch(/^ {2}aws_lambda_function\s+1$/m);
    expect(text).toMatch(/OpenSearch t3\.small\.search × 1: \$0\.0360\/h/);
    expect(text).toMatch(/plus the indexer Lambda/);
    expect(text).not.toMatch(/^note:/m);
    const json = JSON.parse(readFileSync(stackFile(), 'utf8')) as {
      resource: Record<string, Record<string, { filename?: string }>>;
    };
    const [fn] = Object.values(json.resource.aws_lambda_function!);
    expect(existsSync(join(dir, 'out', 'stacks', 'bigdata-lab', fn!.filename!))).toBe(true);
  });

  it('refuses search with a compression the indexer cannot read (exit 2, names the field)', async () => {
    const config = writeLab({ search: { enabled: true }, delivery: { compression: 'ZIP' } });
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(2);
    expect(err.join('\n')).toMatch(
      /delivery\.compression: "ZIP" cannot be read by the search indexer/,
    );
    expect(existsSync(stackFile())).toBe(false);
  });

  it('exits 2 on a bad config and names the field', async () => {
    const config = writeLab({ stream: { shards: 0 } });
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(2);
    expect(err.join('\n')).toMatch(/stream\.shards: 0 is out of range 1\.\.64/);
    expect(existsSync(stackFile())).toBe(false);
  });

  it('creates a missing key pair as init does, says so, and writes the stack', async () => {
    const config = writeLab({ students: ['ana', 'bob'] }, ['ana']);
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(0);
    const bob = join(dir, 'keys', 'bigdata-lab', 'bob');
    expect(err.join('\n')).toContain(`created SSH key pair ${bob}{,.pub} for bob`);
    expect(err.join('\n')).not.toMatch(/for ana/);
    expect(statSync(bob).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${bob}.pub`, 'utf8')).toMatch(
      /^ssh-ed25519 \S+ streamlab-bigdata-lab-bob\n$/,
    );
    // The lone public key of ana is kept, not replaced by a new pair.
    expect(readFileSync(join(dir, 'keys', 'bigdata-lab', 'ana.pub'), 'utf8')).toBe(
      `${TEST_PUBLIC_KEY}\n`,
    );
    expect(readFileSync(stackFile(), 'utf8')).toContain(readFileSync(`${bob}.pub`, 'utf8').trim());
  });

  it('keeps the previous output and terraform files when a later synth fails', async () => {
    const config = writeLab({});
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(0);
    const before = readFileSync(stackFile(), 'utf8');
    mkdirSync(join(dir, 'out', 'stacks', 'bigdata-lab', '.terraform'));
    // Same lab, now with a host whose key is not a key: synth must fail and leave all in place.
    writeLab({ students: ['lab', 'zoe'] });
    writeFileSync(join(dir, 'keys', 'bigdata-lab', 'zoe.pub'), 'not a key\n');
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(1);
    expect(readFileSync(stackFile(), 'utf8')).toBe(before);
    // A successful re-synth carries terraform's working files over.
    writeLab({ students: ['lab', 'zoe'] }, ['lab', 'zoe']);
    expect(await main(['synth', '--config', config, '--out', join(dir, 'out')])).toBe(0);
    expect(readFileSync(stackFile(), 'utf8')).not.toBe(before);
    expect(existsSync(join(dir, 'out', 'stacks', 'bigdata-lab', '.terraform'))).toBe(true);
  });

  it('rejects unknown options, pointing at the usage (exit 2)', async () => {
    expect(await main(['synth', '--bogus'])).toBe(2);
    expect(err.join('\n')).toMatch(/Unknown option '--bogus'\nsee `streamlab synth --help`/);
  });

  it('answers --help', async () => {
    expect(await main(['synth', '--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/--out DIR[\s\S]*Exit status: 0 written; 1 policy violations/);
  });
});
