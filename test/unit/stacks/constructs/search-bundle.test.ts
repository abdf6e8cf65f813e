/**
 * The indexer's code as a Terraform asset: bundled at synth exactly as the build script
 * bundles it, and zipped reproducibly into the stack dir by a whole `synthesize` (the app
 * output dir is where the bundle is written, then cleaned up).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndexer, bundleIndexerSync } from '../../../../functions/indexer/build';
import { BUILD_DIR } from '../../../../stacks/constructs/search-bundle';
import { synthesize } from '../../../../stacks/main';
import { keysFor, labConfig, resourcesOf, type StackJson } from '../../../support/lab-stack';

const enabled = labConfig({ students: ['ana', 'bruno'], search: { enabled: true } });

describe('indexer code asset', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'streamlab-search-synth-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('bundles at synth exactly what the indexer build script writes', async () => {
    const dir = await buildIndexer(join(out, 'script'));
    expect(Buffer.from(bundleIndexerSync()).equals(readFileSync(join(dir, 'index.js')))).toBe(true);
  });

  it('writes a reproducible zip of the bundle into the stack dir, and no build leftovers', () => {
    const synthOnce = () => {
      const result = synthesize(enabled, out, { publicKeys: keysFor(enabled) });
      const stack = JSON.parse(readFileSync(result.file, 'utf8')) as StackJson;
      const filename = String(resourcesOf(stack, 'aws_lambda_function')[0]!.filename);
      return { zip: readFileSync(join(result.stackDir, filename)), filename };
    };
    const first = synthOnce();
    const second = synthOnce();
    expect(second.filename).toBe(first.filename);
    expect(second.zip.equals(first.zip)).toBe(true);
    // A zip (local file header magic) holding index.js, of a bundled (not stub) size.
    expect(first.zip.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(first.zip.includes(Buffer.from('index.js'))).toBe(true);
    expect(first.zip.length).toBeGreaterThan(100 * 1024);
    expect(readdirSync(out)).not.toContain(BUILD_DIR);
    expect(existsSync(join(out, 'stacks', enabled.name, 'assets'))).toBe(true);
  });
});
