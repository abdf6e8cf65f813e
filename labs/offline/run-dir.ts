/**
 * Each offline lab keeps its test hosts in a run dir of its own (`<run dir>/lab-<name>`),
 * so they never collide with hosts made by `streamlab lab host up` or another lab, and
 * `lab down` can take down exactly its own set. The lab passes this dir to every test host
 * call; the parent is the caller's (STREAMLAB_RUN_DIR, read by the command).
 */
import { join } from 'node:path';

export function offlineRunDir(labName: string, parent: string): string {
  return join(parent, `lab-${labName}`);
}
