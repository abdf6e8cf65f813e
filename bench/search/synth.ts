/**
 * Synth time with search disabled vs enabled, alternating so both see the same machine
 * load:
 *   - in one process: the first search synth also bundles the indexer with esbuild (once
 *     per process) and is reported on its own; the rest are medians;
 *   - as the user runs it: `streamlab synth` in a fresh Node process each time (process
 *     start, module loading, bundling, synth, summary), medians.
 *
 *   npx tsx bench/search/synth.ts [--reps 7] [--students 1] [--cli-reps 3]
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { hostNames } from '../../config/hosts';
import { parseConfig } from '../../config/load';
import type { LabConfig } from '../../config/schema';
import { runSync } from '../../process/run';
import { synthesize } from '../../stacks/main';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPS = arg('reps', 7);
const CLI_REPS = arg('cli-reps', 3);
const STUDENTS = arg('students', 1);
const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Qta2V5LW5vdC1hLXJlYWwta2V5LWZvci10ZXN0cw bench';

function config(search: boolean): LabConfig {
  const students = Array.from({ length: STUDENTS }, (_, i) => `s${i + 1}`);
  return parseConfig({
    name: 'bench-lab',
    region: 'us-east-1',
    operatorCidr: '203.0.113.7/32',
    students,
    search: { enabled: search },
  });
}

function timeSynth(c: LabConfig, out: string): { ms: number; resources: number } {
  const publicKeys = Object.fromEntries(hostNames(c).map((s) => [s, KEY]));
  const t0 = process.hrtime.bigint();
  const result = synthesize(c, out, { publicKeys });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const resources = Object.values(result.resourcesByType).reduce((a, b) => a + b, 0);
  return { ms, resources };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Size of the one archive.zip under a directory, in KiB. */
function zipKiB(dir: string): number | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name === 'archive.zip') {
      return Math.round(statSync(join(e.parentPath, e.name)).size / 1024);
    }
  }
  return undefined;
}

/** `streamlab synth` wall time in a fresh process. */
function timeCli(c: LabConfig, dir: string): number {
  const keysDir = join(dir, 'keys');
  mkdirSync(join(keysDir, c.name), { recursive: true });
  for (const s of hostNames(c)) writeFileSync(join(keysDir, c.name, `${s}.pub`), `${KEY}\n`);
  const file = join(dir, `${c.search.enabled ? 'on' : 'off'}.yaml`);
  writeFileSync(
    file,
    stringify({
      name: c.name,
      region: c.region,
      operatorCidr: c.operatorCidr,
      students: c.students,
      keysDir,
      search: { enabled: c.search.enabled },
    }),
  );
  const cli = join(__dirname, '..', '..', 'scripts', 'streamlab.js');
  const t0 = process.hrtime.bigint();
  // Throws with synth's stderr when it fails.
  runSync([process.execPath, cli, 'synth', '--config', file, '--out', join(dir, 'out')]);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const out = mkdtempSync(join(tmpdir(), 'streamlab-bench-search-'));
try {
  const off = config(false);
  const on = config(true);
  timeSynth(off, out); // module loading and JIT warm-up, not measured
  const first = timeSynth(on, out);
  const offMs: number[] = [];
  const onMs: number[] = [];
  let counts = { off: 0, on: first.resources };
  for (let i = 0; i < REPS; i++) {
    const a = timeSynth(off, out);
    const b = timeSynth(on, out);
    offMs.push(a.ms);
    onMs.push(b.ms);
    counts = { off: a.resources, on: b.resources };
  }
  const cliOff: number[] = [];
  const cliOn: number[] = [];
  for (let i = 0; i < CLI_REPS; i++) {
    cliOff.push(timeCli(off, out));
    cliOn.push(timeCli(on, out));
  }
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    JSON.stringify(
      {
        students: STUDENTS,
        reps: REPS,
        load: loadavg().map((l) => Number(l.toFixed(1))),
        disabled: { median: fmt(median(offMs)), resources: counts.off },
        enabled: { median: fmt(median(onMs)), resources: counts.on },
        firstEnabledWithBundle: fmt(first.ms),
        indexerZipKiB: zipKiB(join(out, 'stacks', on.name)),
        cli: { reps: CLI_REPS, disabled: fmt(median(cliOff)), enabled: fmt(median(cliOn)) },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
