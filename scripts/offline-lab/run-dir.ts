/**
 * Each offline lab keeps its test hosts in a run dir of its own (`<run dir>/lab-<name>`),
 * so they never collide with hosts made by `streamlab lab host up` or another lab, and
 * `lab down` can take down exactly its own set. The test host API reads STREAMLAB_RUN_DIR
 * at call time; lab commands run one at a time per process, so setting it is safe.
 */
import { join } from 'node:path';

const DEFAULT_PARENT = '/run/streamlab';

export function offlineRunDir(labName: string): string {
  return join(process.env.STREAMLAB_RUN_DIR || DEFAULT_PARENT, `lab-${labName}`);
}

export async function inRunDir<T>(runDir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.STREAMLAB_RUN_DIR;
  process.env.STREAMLAB_RUN_DIR = runDir;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.STREAMLAB_RUN_DIR;
    else process.env.STREAMLAB_RUN_DIR = before;
  }
}
