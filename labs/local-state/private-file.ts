/**
 * Local state files that name hosts, keys and processes (inventories, the offline lab's
 * record): whole or not at all (temp file + rename), readable by the owner only (0600 in
 * a 0700 directory), never through a symbolic link (config/no-follow.ts).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { refuseSymlinks, writeNewFile } from '../../config/no-follow';

/** `dir`, created if need be, owner-only (0700; mkdir's mode is masked by the umask). */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export function writePrivateFileAtomic(file: string, text: string): void {
  refuseSymlinks(file);
  ensurePrivateDir(dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true }); // a leftover of a crashed run (rm removes a link, not its target)
  try {
    writeNewFile(tmp, text, 0o600);
    renameSync(tmp, file); // replaces the name itself: a link there would be replaced, not followed
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * The local Terraform state is written by terraform itself, 0644 in a 0755 directory, and
 * holds every resource's attributes. Its directory is made 0700 before terraform runs (so
 * a new state is never readable by others) and the state files (the state, its .backup,
 * the lock info) 0600 after.
 */
export function protectLocalState(stateFile: string): void {
  const dir = dirname(stateFile);
  refuseSymlinks(dir);
  ensurePrivateDir(dir);
  const name = basename(stateFile);
  for (const f of readdirSync(dir)) {
    const file = join(dir, f);
    if (!f.startsWith(name) && !f.startsWith(`.${name}`)) continue;
    if (lstatSync(file).isSymbolicLink()) refuseSymlinks(file);
    chmodSync(file, 0o600);
  }
}
