/**
 * Test host timings: warm `up` to SSH-ready, `down`, N hosts up in parallel and their
 * teardown, and (with --cold) a rootfs build from nothing. Run as root:
 *
 *   npx tsx bench/testhost/bench.ts [--cold] [--runs 5] [--parallel 10]
 *
 * Uses its own run dir (and, for --cold, its own cache dir) so it never touches other hosts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cold: { type: 'boolean' },
    runs: { type: 'string', default: '5' },
    parallel: { type: 'string', default: '10' },
  },
});
const here = { runDir: '/run/streamlab-bench' }; // our own set of hosts, passed to each call

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (xs: number[]) =>
  `median ${seconds(median(xs))} s (min ${seconds(Math.min(...xs))}, max ${seconds(Math.max(...xs))}, n=${xs.length})`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const r = await fn();
  return [r, Date.now() - t];
}

async function main(): Promise<void> {
  // Loaded after the env is set: paths are read at call time, but keep it obvious.
  const { ensureRootfs, hostDown, hostDownAll, hostUp } = await import('../../testhost/api');
  const { cpus, loadavg } = await import('node:os');
  console.log(
    `# ${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  if (values.cold) {
    const cache = mkdtempSync('/var/tmp/streamlab-bench-cache-');
    const saved = process.env.STREAMLAB_CACHE;
    process.env.STREAMLAB_CACHE = cache;
    try {
      const [, cold] = await timed(() => ensureRootfs());
      console.log(`cold rootfs build (debootstrap + customise + tar + unpack): ${seconds(cold)} s`);
      const [, again] = await timed(() => ensureRootfs({ rebuild: true }));
      console.log(`rebuild with the .deb cache (recipe change): ${seconds(again)} s`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
      if (saved === undefined) delete process.env.STREAMLAB_CACHE;
      else process.env.STREAMLAB_CACHE = saved;
    }
  }

  await ensureRootfs();
  await hostUp('bench-warmup', here).then(() => hostDown('bench-warmup', here));
  const ups: number[] = [];
  const downs: number[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const [, up] = await timed(() => hostUp('bench-one', here));
    const [, down] = await timed(() => hostDown('bench-one', here));
    ups.push(up);
    downs.push(down);
  }
  console.log(`warm up to SSH-ready: ${summary(ups)}`);
  console.log(`down (poweroff + cleanup): ${summary(downs)}`);

  const n = Number(values.parallel);
  const [, par] = await timed(() =>
    Promise.all(Array.from({ length: n }, (_, i) => hostUp(`bench-p${i}`, here))),
  );
  console.log(`${n} hosts up in parallel, all SSH-ready: ${seconds(par)} s`);
  const [names, teardown] = await timed(() => hostDownAll(here));
  console.log(`down --all of ${names.length}: ${seconds(teardown)} s`);
}

main()
  .catch(async (e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    const { hostDownAll } = await import('../../testhost/api');
    await hostDownAll(here).catch(() => {});
    rmSync(here.runDir, { recursive: true, force: true });
  });
