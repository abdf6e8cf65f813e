/**
 * Synth benchmark: median wall time, median CPU (user+sys) and peak RSS of
 * `node scripts/streamlab.js synth` as a fresh process, for the default lab, 30 and 100
 * students. CPU time is reported beside wall time because the project machine is shared:
 * wall time swings with other load, CPU time much less.
 *
 *   npx tsx bench/synth/run.ts [--runs N]      (default 7 runs per case)
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { runSync } from '../../process/run';
import { LOCAL_STATE_DIR } from '../../config/local-state';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'scripts', 'streamlab.js');
// Syntactically valid, not a real key: synth only checks the format.
const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJlbmNoLWtleS1ub3QtYS1yZWFsLWtleS1mb3ItYmVuY2g bench';

const TARGETS: Record<string, { seconds: number }> = {
  default: { seconds: 1.5 },
  '30 students': { seconds: 2 },
  '100 students': { seconds: 4 },
};
const RSS_TARGET_MB = 400;

interface Sample {
  wall: number;
  cpu: number;
  rssMb: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A working dir with the config and one public key per host. */
function prepare(dir: string, students?: string[]): string {
  const example = parse(readFileSync(join(ROOT, 'streamlab.example.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const config = students ? { ...example, name: 'bench-class', students } : example;
  const name = String(config.name);
  const hosts = students ?? ['lab'];
  mkdirSync(join(dir, LOCAL_STATE_DIR, 'keys', name), { recursive: true });
  for (const h of hosts)
    writeFileSync(join(dir, LOCAL_STATE_DIR, 'keys', name, `${h}.pub`), `${KEY}\n`);
  writeFileSync(join(dir, 'streamlab.yaml'), stringify(config));
  return dir;
}

function once(cwd: string, args = ['synth']): Sample {
  // GNU time prints "<elapsed> <user> <sys> <maxrss KB>" on the last stderr line.
  const r = runSync(['/usr/bin/time', '-f', '%e %U %S %M', process.execPath, BIN, ...args], {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  }); // throws with its stderr when synth fails
  const last = r.stderr.trim().split('\n').pop()!;
  const [wall, user, sys, rssKb] = last.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys!, rssMb: rssKb! / 1024 };
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  const runs = Math.max(5, Number(values.runs));
  // The floor every command pays (node + tsx + dispatcher + config schema), measured in the
  // same run so synth's own share can be read off despite the machine's load.
  const cases: [string, string[] | undefined][] = [
    ['baseline: streamlab --help', undefined],
    ['default', undefined],
    ['30 students', Array.from({ length: 30 }, (_, i) => `student-${i + 1}`)],
    ['100 students', Array.from({ length: 100 }, (_, i) => `student-${i + 1}`)],
  ];
  const base = mkdtempSync(join(tmpdir(), 'streamlab-bench-synth-'));
  const rows: string[] = [];
  let missed = false;
  try {
    console.log(
      `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${runs} runs per case`,
    );
    const prepared = cases.map(([label, students]) => {
      const cwd = prepare(mkdtempSync(join(base, 'case-')), students);
      const args = label.startsWith('baseline') ? ['--help'] : ['synth'];
      once(cwd, args); // warm tsx's transform cache and the page cache
      return { label, cwd, args, samples: [] as Sample[] };
    });
    // Round-robin over the cases, so a burst of load from elsewhere hits all of them alike.
    for (let r = 0; r < runs; r++) {
      for (const c of prepared) c.samples.push(once(c.cwd, c.args));
    }
    for (const { label, samples } of prepared) {
      const wall = median(samples.map((s) => s.wall));
      const cpu = median(samples.map((s) => s.cpu));
      const rss = Math.max(...samples.map((s) => s.rssMb));
      const target = TARGETS[label]?.seconds;
      const ok = target === undefined || (wall <= target && rss <= RSS_TARGET_MB);
      if (!ok) missed = true;
      const goal =
        target === undefined ? '–' : `≤ ${target} s, ≤ ${RSS_TARGET_MB} MB ${ok ? '✓' : '✗'}`;
      const range = `${Math.min(...samples.map((s) => s.wall)).toFixed(2)}–${Math.max(...samples.map((s) => s.wall)).toFixed(2)} s`;
      rows.push(
        `| ${label} | ${wall.toFixed(2)} s | ${range} | ${cpu.toFixed(2)} s | ${rss.toFixed(0)} MB | ${goal} |`,
      );
    }
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  console.log(
    [
      '',
      '| case | median wall | range | median CPU (user+sys) | peak RSS | target |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  process.exitCode = missed ? 1 : 0;
}

main();
