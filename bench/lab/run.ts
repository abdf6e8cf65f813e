/**
 * Offline lab timings through the real CLI: `lab up` on fresh hosts (rootfs and apt cache
 * warm: what every run after the first costs), a converging rerun, `lab status`, `lab down`,
 * for 1 student and for N. Root on Linux.
 *
 *   npx tsx bench/lab/run.ts [N=5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../../process/run';

const CLI = join(__dirname, '../../scripts/streamlab.js');
const work = mkdtempSync(join(tmpdir(), 'sl-bench-lab-'));
const env = { ...process.env, STREAMLAB_RUN_DIR: '/run/streamlab-bench-lab' };

function timed(...args: string[]): number {
  const t0 = process.hrtime.bigint();
  runSync([process.execPath, CLI, ...args], { cwd: work, env }); // throws with its stderr
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const rows: string[] = [];
const row = (what: string, s: number) => {
  rows.push(`| ${what} | ${s.toFixed(1)} s | ${loadavg()[0]!.toFixed(1)} |`);
  console.error(rows[rows.length - 1]);
};

try {
  for (const n of [1, Number(process.argv[2] ?? 5)]) {
    row(
      `lab up --students ${n} (fresh hosts, caches warm)`,
      timed('lab', 'up', '--students', String(n)),
    );
    row(
      `lab up --students ${n} again (converged: nothing changes)`,
      timed('lab', 'up', '--students', String(n)),
    );
    row(`lab status --json (${n} host(s), 2 s rate window)`, timed('lab', 'status', '--json'));
    row(`lab down (${n} host(s))`, timed('lab', 'down'));
  }
} finally {
  runSync([process.execPath, CLI, 'lab', 'down'], { cwd: work, env, allowFailure: true });
  rmSync(work, { recursive: true, force: true });
}
console.log(['| step | wall time | load (1 min) |', '|---|---|---|', ...rows].join('\n'));
