/**
 * Local state files that name hosts, keys and processes (inventories, the offline lab's
 * record): whole or not at all (temp file + rename), readable by the owner only (0600 in
 * a 0700 directory).
 */
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `dir`, created if need be, owner-only (0700; mkdir's mode is masked by the umask). */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export function writePrivateFileAtomic(file: string, text: string): void {
  ensurePrivateDir(dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600); // the mode above is masked by the umask
    renameSync(tmp, file);
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
  ensurePrivateDir(dir);
  const name = basename(stateFile);
  for (const f of readdirSync(dir)) {
    if (f.startsWith(name) || f.startsWith(`.${name}`)) chmodSync(join(dir, f), 0o600);
  }
}
