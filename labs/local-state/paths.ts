/**
 * Where streamlab keeps per-lab local state (never committed: .streamlab/ is ignored):
 * the inventory `up` discovered, so later commands reuse the pinned host keys.
 */
import { join, resolve } from 'node:path';

export const STATE_DIR = '.streamlab';

export function labStateDir(labName: string, baseDir = process.cwd()): string {
  return resolve(baseDir, STATE_DIR, labName);
}

export function inventoryPathFor(labName: string, baseDir = process.cwd()): string {
  return join(labStateDir(labName, baseDir), 'inventory.json');
}
