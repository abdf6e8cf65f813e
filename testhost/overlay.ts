/**
 * Each host's root is an overlayfs: the shared read-only base below, the host's own upper
 * dir on disk above. Chosen over `--volatile=overlay` (tmpfs upper): a provisioned host
 * installs 100+ MB of packages, which on tmpfs would sit in RAM ten times over, and an
 * on-disk upper lets us write per-host keys and config before boot.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, sleep } from '../process/run';
import { OperationalError } from '../config/errors';

export interface OverlayDirs {
  upper: string;
  work: string;
  root: string;
}

export const overlayDirs = (hostDir: string): OverlayDirs => ({
  upper: join(hostDir, 'upper'),
  work: join(hostDir, 'work'),
  root: join(hostDir, 'root'),
});

export async function mountOverlay(base: string, dirs: OverlayDirs): Promise<void> {
  for (const d of [dirs.upper, dirs.work, dirs.root]) mkdirSync(d, { recursive: true });
  await run([
    'mount',
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${base},upperdir=${dirs.upper},workdir=${dirs.work}`,
    dirs.root,
  ]);
}

/** Mount points at or under `dir`, deepest first (from /proc/mounts, octal-escaped). */
export function mountsUnder(dir: string): string[] {
  const unescape = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => unescape(l.split(' ')[1] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export async function unmountAll(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const mounts = mountsUnder(dir);
    if (mounts.length === 0) return;
    for (const m of mounts) await run(['umount', m], { allowFailure: true });
    await sleep(100);
  }
  // Still busy after 2 s: detach lazily so teardown can finish; the kernel frees it later.
  for (const m of mountsUnder(dir)) await run(['umount', '--lazy', m], { allowFailure: true });
  if (mountsUnder(dir).length > 0)
    throw new OperationalError(`could not unmount ${mountsUnder(dir).join(', ')}`);
}
