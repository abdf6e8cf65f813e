/**
 * Local state files that name hosts, keys and processes (inventories, the offline lab's
 * record): whole or not at all (temp file + rename), readable by the owner only (0600 in
 * a 0700 directory).
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writePrivateFileAtomic(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600); // the mode above is masked by the umask
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
