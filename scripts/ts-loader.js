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

/**
 * Dependencies the CLI loads as one bundled file each. Node's loader pays about a millisecond
 * per module to resolve, read and compile it: zod is 95 modules, yaml 72, ssh2's client with
 * its own dependencies 25, loaded by every command that reads a config, an inventory or a
 * host (`provision` of one converged host: ~0.2 s of its start-up). Each is one package entry
 * our code imports by exactly this name, so every importer shares the one bundle. Tests (jest)
 * load the packages as they are.
 */
const VENDOR = new Set(['zod', 'yaml', 'ssh2/lib/client.js']);

let vendorKey;
/**
 * The bundle for `request`, built once per installed dependency tree from the file `entry()`
 * resolves it to; undefined: load it as it is.
 */
function vendorBundle(request, dir, entry) {
  // What is installed (npm's record of node_modules) and how it is bundled make the key.
  vendorKey ??= createHash('sha256')
    .update(`${require('esbuild/package.json').version}\0${JSON.stringify(OPTIONS)}\0`)
    .update(fs.readFileSync(join(__dirname, '..', 'node_modules', '.package-lock.json')))
    .digest('hex')
    .slice(0, 16);
  const file = join(dir, `${request.replace(/[^A-Za-z0-9.-]/g, '_')}.${vendorKey}.js`);
  if (fs.existsSync(file)) return file;
  // Built only where it can be kept: a read-only cache would rebuild it on every run.
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return undefined;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    esbuild ??= require('esbuild');
    esbuild.buildSync({
      entryPoints: [entry()],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: OPTIONS.target,
      outfile: tmp,
      // ssh2's optional native parts stay out (it falls back to JS when they are absent).
      external: ['*.node', 'cpu-features'],
      logLevel: 'silent',
    });
    fs.renameSync(tmp, file);
    return file;
  } catch {
    fs.rmSync(tmp, { force: true });
    return undefined;
  }
}

function register() {
  const vendorCache = cacheDir('vendor');
  if (vendorCache) {
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function resolveVendored(request, ...rest) {
      const normally = () => resolve.call(this, request, ...rest);
      return (VENDOR.has(request) && vendorBundle(request, vendorCache, normally)) || normally();
    };
  }
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
