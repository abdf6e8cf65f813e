// Runs the TypeScript sources without a build step, as tsx did, for less: each .ts file is
// transpiled once by esbuild (a run-time dependency) and the result kept under
// node_modules/.cache/streamlab, keyed by the file's content; Node's own compile cache
// then keeps V8's code for it and for the large dependencies (cdktn's provider, the SDK).
// A cached file costs a hash and a read; `streamlab --help` loads nothing else.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');

// Part of every cache key: a new esbuild or different options must not reuse old output.
const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
};

// Beside the dependencies (removed with them); STREAMLAB_CACHE_DIR moves it (read-only installs).
const CACHE_ROOT =
  process.env.STREAMLAB_CACHE_DIR || join(__dirname, '..', 'node_modules', '.cache', 'streamlab');

/**
 * A folder of the cache, or undefined (then nothing is cached, all still runs). One that
 * exists but cannot be written (made by root under sudo) is still read; writes then fail
 * quietly.
 */
function cacheDir(name) {
  const dir = join(CACHE_ROOT, name);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    return fs.existsSync(dir) ? dir : undefined;
  }
}

let esbuild;
let salt;
function transpile(source, filename) {
  esbuild ??= require('esbuild');
  return esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename }).code;
}

function register() {
  const v8Cache = cacheDir('v8');
  if (v8Cache && typeof Module.enableCompileCache === 'function')
    Module.enableCompileCache(v8Cache);
  const tsCache = cacheDir('ts');
  // Readable stack traces cost source maps on every module; on when debugging.
  if (process.env.STREAMLAB_DEBUG) process.setSourceMapsEnabled(true);
  require.extensions['.ts'] = function loadTypeScript(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    salt ??= `${require('esbuild/package.json').version}\0${JSON.stringify(OPTIONS)}\0`;
    const key = createHash('sha256').update(salt).update(filename).update('\0').update(source);
    const cached = tsCache && join(tsCache, `${key.digest('hex')}.js`);
    let code;
    try {
      code = cached && fs.readFileSync(cached, 'utf8');
    } catch {
      code = undefined;
    }
    if (!code) {
      code = transpile(source, filename);
      if (cached) {
        // Temp file + rename: a concurrent run never reads half a file.
        const tmp = `${cached}.${process.pid}.tmp`;
        try {
          fs.writeFileSync(tmp, code);
          fs.renameSync(tmp, cached);
        } catch {
          fs.rmSync(tmp, { force: true });
        }
      }
    }
    module._compile(code, filename);
  };
}

module.exports = { register };
