/**
 * A run dir of a test file's own, passed to every test host call, so that no other suite's
 * `down --all` takes its hosts. It extends STREAMLAB_RUN_DIR when that is set; without it,
 * `/run/streamlab-<checkout>-<name>`, where <checkout> is a short digest of this checkout's
 * path: two checkouts testing on one machine then never share hosts or an apt-cacher-ng
 * (named after the dir's basename), which they did when the default was per name only (a
 * host replaced under a running suite read as a host-key mismatch or a lost connection).
 * Fixed per checkout and file, not per pid, so that the apt cache is reused between runs.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

const CHECKOUT = createHash('sha256')
  .update(resolve(__dirname, '..', '..'))
  .digest('hex')
  .slice(0, 6);

export function ownRunDir(name: string): string {
  return `${process.env.STREAMLAB_RUN_DIR || `/run/streamlab-${CHECKOUT}`}-${name}`;
}
