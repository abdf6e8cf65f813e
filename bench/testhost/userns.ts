/**
 * What a user namespace would cost the test hosts (systemd-nspawn --private-users=pick
 * --private-users-ownership=auto), side by side with today, in one run: for 1 and for N
 * hosts started together, each on a fresh overlay over the cached base as `hostUp` makes
 * it, the time nspawn takes to set a host up and run a command in it, and the host's upper
 * dir afterwards. The overlay cannot be id-mapped here, so nspawn chowns the whole tree
 * into the host's uid range, which copies the base up. Run as root:
 *
 *   npx tsx bench/testhost/userns.ts [--parallel 3]
 *
 * Its overlays live under /var/tmp and its network namespace is its own; both go at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../../process/run';
import { ensureBase } from '../../testhost/rootfs';
import { mountOverlay, overlayDirs, unmountAll } from '../../testhost/overlay';

const { values } = parseArgs({ options: { parallel: { type: 'string', default: '3' } } });
const parallel = Number(values.parallel);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const MODES = [
  { label: 'today (no user namespace)', args: [] as string[] },
  {
    label: '--private-users=pick --private-users-ownership=auto',
    args: ['--private-users=pick', '--private-users-ownership=auto'],
  },
];

async function main(): Promise<void> {
  const { base } = await ensureBase();
  const work = mkdtempSync('/var/tmp/streamlab-userns-bench-');
  const netns = `slub${process.pid}`;
  await run(['ip', 'netns', 'add', netns]);
  console.log(`# ${new Date().toISOString()}, ${cpus().length} cores, load ${load()}`);
  try {
    for (const n of [1, parallel])
      for (const [m, mode] of MODES.entries()) {
        const dirs = Array.from({ length: n }, (_, i) => overlayDirs(join(work, `${m}-${n}-${i}`)));
        await Promise.all(dirs.map((d) => mountOverlay(base, d)));
        const t = Date.now();
        await Promise.all(
          dirs.map((d, i) =>
            run([
              'nsenter',
              `--net=/run/netns/${netns}`,
              'systemd-nspawn',
              '--quiet',
              `--directory=${d.root}`,
              '--register=no',
              '--keep-unit',
              `--machine=slub${process.pid}-${m}-${n}-${i}`,
              ...mode.args,
              '/bin/true',
            ]),
          ),
        );
        const ms = Date.now() - t;
        const upper = (await run(['du', '-sm', dirs[0]!.upper])).stdout.split('\t')[0];
        console.log(
          `${mode.label}, ${n} host(s): ${(ms / 1000).toFixed(2)} s, upper dir ${upper} MB per host, load ${load()}`,
        );
        for (const d of dirs) await unmountAll(join(d.root, '..'));
      }
  } finally {
    await run(['ip', 'netns', 'del', netns], { allowFailure: true });
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
