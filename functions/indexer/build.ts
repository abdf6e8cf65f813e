/**
 * Bundles the indexer into one self-contained file for Lambda.
 *
 * The AWS SDK is bundled rather than taken from the runtime: Lambda's copy of SDK v3
 * changes under us with runtime updates, and a pinned bundle behaves the same in the
 * tests as in AWS. The output is deterministic (same sources, same bytes), so the
 * stack's asset hash only changes when the code does.
 *
 *   npx tsx functions/indexer/build.ts [outDir]     # default functions/indexer/dist
 */
import { build, buildSync, type BuildOptions } from 'esbuild';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The Lambda `handler` setting for the bundle. */
export const INDEXER_HANDLER = 'index.handler';
/**
 * Lambda deprecates a Node runtime when Node itself reaches end of life (Node 20: April
 * 2026), so the function runs on nodejs24.x. The bundle still targets node20 syntax: it
 * runs unchanged on 20, 22 and 24, and the tests run it on the project's Node (22 or 24).
 */
export const INDEXER_RUNTIME = 'nodejs24.x';
export const DEFAULT_OUT_DIR = join(__dirname, 'dist');

/**
 * Writes `<outDir>/index.js` and returns the absolute `outDir`, ready to be zipped as the
 * function's asset (handler INDEXER_HANDLER, runtime INDEXER_RUNTIME).
 */
export async function buildIndexer(outDir: string = DEFAULT_OUT_DIR): Promise<string> {
  const dir = resolve(outDir);
  await build(bundleOptions(join(dir, 'index.js')));
  return dir;
}

/**
 * The same bundle, built synchronously into memory: the stack's synth is synchronous
 * (cdktn constructors cannot await), so it bundles through this at synth time. esbuild
 * runs locally: no network.
 */
export function bundleIndexerSync(): Uint8Array {
  const result = buildSync({ ...bundleOptions('index.js'), write: false });
  const [file] = result.outputFiles;
  if (!file || result.outputFiles.length !== 1) {
    throw new Error(`indexer build produced ${result.outputFiles.length} files, expected 1`);
  }
  return file.contents;
}

function bundleOptions(outfile: string): BuildOptions {
  return {
    entryPoints: [join(__dirname, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Licence headers of the bundled SDK stay in the file, at its end.
    legalComments: 'eof',
    logLevel: 'silent',
  };
}

if (require.main === module) {
  buildIndexer(process.argv[2])
    .then((dir) => {
      const bytes = statSync(join(dir, 'index.js')).size;
      console.log(`${join(dir, 'index.js')}: ${(bytes / 1024).toFixed(0)} KiB`);
    })
    .catch((err: Error) => {
      console.error(`indexer build failed: ${err.message}`);
      process.exitCode = 1;
    });
}
