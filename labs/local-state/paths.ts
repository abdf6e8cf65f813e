/**
 * Where streamlab keeps per-lab local state (never committed: .streamlab/ is ignored):
 * the inventory `up` discovered, so later commands reuse the pinned host keys.
 */
import { join, resolve } from 'node:path';
import { LOCAL_STATE_DIR } from '../../config/local-state';

export function labStateDir(labName: string, baseDir = process.cwd()): string {
  return resolve(baseDir, LOCAL_STATE_DIR, labName);
}

export function inventoryPathFor(labName: string, baseDir = process.cwd()): string {
  return join(labStateDir(labName, baseDir), 'inventory.json');
}

/** What `up` applied, written right after the apply (labs/hosts/applied-lab.ts). */
export function appliedPathFor(labName: string, baseDir = process.cwd()): string {
  return join(labStateDir(labName, baseDir), 'applied.json');
}
