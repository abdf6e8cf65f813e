/**
 * The indexer's code as a Terraform asset, built at synth time. cdktn synth is
 * synchronous, so esbuild bundles in memory (once per process: tests and classroom
 * synths reuse it) and the bytes are written beside the stacks in the app's output dir;
 * TerraformAsset then zips them into `assets/<id>/<hash>/archive.zip` of the stack.
 * The zip is byte-for-byte reproducible, so its hash (and the function) only change when
 * the indexer's code does.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, AssetType, TerraformAsset } from 'cdktn';
import type { Construct } from 'constructs';
import { bundleIndexerSync } from '../../functions/indexer/build';

/** Folder of the app output dir holding built sources (not a stack: nothing deploys it). */
export const BUILD_DIR = '.streamlab-build';

let bundle: Uint8Array | undefined;

export function indexerAsset(scope: Construct, id: string): TerraformAsset {
  bundle ??= bundleIndexerSync();
  const digest = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  const dir = resolve(App.of(scope).outdir, BUILD_DIR, `indexer-${digest}`);
  const file = join(dir, 'index.js');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bundle);
    // Lambda runs the code as another user: it must be world-readable whatever the umask.
    chmodSync(tmp, 0o644);
    renameSync(tmp, file);
  }
  return new TerraformAsset(scope, id, { path: dir, type: AssetType.ARCHIVE });
}
