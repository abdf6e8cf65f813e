/** The bin's TypeScript loader (scripts/ts-loader.js) in a real process, with its own cache. */
import { runSync } from '../../../../process/run';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const loader = join(__dirname, '../../../../scripts/ts-loader.js');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamlab-loader-'));
  writeFileSync(join(dir, 'helper.ts'), 'export const twice = (n: number): number => n * 2;\n');
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

/** Requires main.ts (extensionless imports resolve to .ts, as with tsx) and returns stdout. */
function run(cache: string) {
  const script = `require(${JSON.stringify(loader)}).register(); require(${JSON.stringify(join(dir, 'main'))});`;
  return runSync([process.execPath, '-e', script], {
    allowFailure: true,
    env: { ...process.env, STREAMLAB_CACHE_DIR: cache },
  });
}
const tsFiles = (cache: string) => readdirSync(join(cache, 'ts')).filter((f) => f.endsWith('.js'));

describe('ts-loader', () => {
  it('runs TypeScript, transpiling each file once and again only when it changes', () => {
    const cache = join(dir, 'cache');
    writeFileSync(
      join(dir, 'main.ts'),
      "import { twice } from './helper';\nconsole.log(twice(21) as number);\n",
    );
    expect(run(cache).stdout).toBe('42\n');
    expect(tsFiles(cache)).toHaveLength(2);
    // An edited source is a new key: its new code runs, the unchanged helper is reused.
    writeFileSync(
      join(dir, 'main.ts'),
      "import { twice } from './helper';\nconsole.log(twice(5));\n",
    );
    expect(run(cache).stdout).toBe('10\n');
    expect(tsFiles(cache)).toHaveLength(3);
    // Later runs read the cache: cached files stand in for the sources.
    for (const f of tsFiles(cache)) {
      writeFileSync(
        join(cache, 'ts', f),
        "console.log('from the cache'); exports.twice = () => 0;\n",
      );
    }
    expect(run(cache).stdout).toMatch(/^from the cache\n/);
  });

  it('still runs when the cache cannot be written', () => {
    writeFileSync(
      join(dir, 'main.ts'),
      "import { twice } from './helper';\nconsole.log(twice(2));\n",
    );
    const locked = join(dir, 'locked');
    writeFileSync(locked, 'a file, not a folder');
    const r = run(join(locked, 'cache'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('4\n');
  });
});
