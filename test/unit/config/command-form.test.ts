/**
 * One way to run streamlab in everything a user reads: `npm exec --no -- streamlab …`.
 * `npx streamlab` outside a clone asks the registry for a package of that name and runs
 * whatever was published there; a `next:` hint with a bare `streamlab` fails on a machine
 * whose PATH has no streamlab (and the bin refuses the system's older Node).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { STREAMLAB, streamlab } from '../../../config/command-form';
import { runSync } from '../../../process/run';

const ROOT = join(__dirname, '..', '..', '..');

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return filesUnder(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

const DOCS = [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'docs'), /\.md$/)];
const SOURCES = ['scripts', 'labs', 'config', 'provisioning', 'testhost', 'process'].flatMap((d) =>
  filesUnder(join(ROOT, d), /\.(ts|js)$/),
);

/** Each line of `files` that matches `pattern`, as `path:line: text`. */
function linesMatching(files: readonly string[], pattern: RegExp): string[] {
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((l, i) => (pattern.test(l) ? [`${relative(ROOT, f)}:${i + 1}: ${l.trim()}`] : [])),
  );
}

describe('how a user runs streamlab', () => {
  it('is npm exec --no, which runs the project bin and never asks the registry', () => {
    expect(STREAMLAB).toBe('npm exec --no -- streamlab');
    expect(streamlab('down')).toBe('npm exec --no -- streamlab down');
  });

  it('no doc, README or source line tells anyone to run `npx streamlab`', () => {
    expect(linesMatching([...DOCS, ...SOURCES], /npx streamlab/)).toEqual([]);
  });

  it('every `next:` hint in the sources runs the project bin', () => {
    const hints = linesMatching(SOURCES, /['"`]\s*\\?n?next: /);
    expect(hints.length).toBeGreaterThan(0);
    expect(hints.filter((h) => !/next: \$\{|streamlab\(/.test(h))).toEqual([]);
  });

  it('the form works in this clone (with the system PATH: npm puts our Node first)', () => {
    const r = runSync(['npm', 'exec', '--no', '--', 'streamlab', '--version'], {
      cwd: ROOT,
      env: { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' },
      allowFailure: true,
    });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^streamlab \S+ \(Node\.js v(2[2-9]|[3-9]\d)\./);
  });
});
