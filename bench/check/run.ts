/**
 * How long `streamlab check` takes for a class. A real 30-student lab is bench/lab's (and
 * issue 23's) to boot; this keeps to 3 test hosts (the machine's shared budget of nspawn
 * hosts) and checks a class of N *entries* spread over them: each entry its own SSH login
 * with the pinned key, its own `systemctl is-active`, its own read of the last minute of a
 * stream (each host's, ~600 records). Per host that is N/3 logins at once: heavier on the
 * hosts than a real class, so an upper bound on the probe side. Root on Linux.
 *
 *   npx tsx bench/check/run.ts [N=30] [ROUNDS=5]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../../process/run';
import { classSnapshot } from '../../labs/class/class-snapshot';
import { allPass } from '../../labs/class/check-table';
import { offlineInventoryPath } from '../../labs/offline/record';
import type { Inventory } from '../../provisioning/inventory';

const CLI = join(__dirname, '../../scripts/streamlab.js');
const N = Number(process.argv[2] ?? 30);
const ROUNDS = Number(process.argv[3] ?? 5);
const work = mkdtempSync(join(tmpdir(), 'sl-bench-check-'));
const env = { ...process.env, STREAMLAB_RUN_DIR: '/run/streamlab-bench-check' };
const cli = (...args: string[]) => runSync([process.execPath, CLI, ...args], { cwd: work, env });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  try {
    cli('lab', 'up', '--students', '3');
    const { hosts } = JSON.parse(
      readFileSync(offlineInventoryPath('bigdata-lab', work), 'utf8'),
    ) as Inventory;
    const cls = Array.from({ length: N }, (_, i) => ({
      ...hosts[i % hosts.length]!,
      name: `s${String(i + 1).padStart(2, '0')}`,
    }));
    const inProcess: number[] = [];
    const whole: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const snap = await classSnapshot({ lab: 'bigdata-lab', mode: 'offline', hosts: cls });
      inProcess.push((performance.now() - t0) / 1000);
      if (!allPass(snap)) throw new Error(`a milestone failed: ${JSON.stringify(snap.students)}`);
      const t1 = performance.now();
      cli('check', '--offline');
      whole.push((performance.now() - t1) / 1000);
    }
    const fmt = (xs: number[]) =>
      `${median(xs).toFixed(2)} s (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`;
    console.log(
      [
        `| what | median of ${ROUNDS} | load (1 min) at the end |`,
        '|---|---|---|',
        `| classSnapshot, ${N} entries on 3 hosts (in process) | ${fmt(inProcess)} | ${loadavg()[0]!.toFixed(1)} |`,
        `| \`streamlab check --offline\`, 3 students (whole process) | ${fmt(whole)} | ${loadavg()[0]!.toFixed(1)} |`,
      ].join('\n'),
    );
  } finally {
    runSync([process.execPath, CLI, 'lab', 'down'], { cwd: work, env, allowFailure: true });
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
