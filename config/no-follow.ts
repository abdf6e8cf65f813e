/**
 * Paths streamlab writes or chmods in the project (keys, `.streamlab/<lab>`, inventories,
 * handouts, the synth output) are never reached through a symbolic link. A clone can carry
 * links (git stores them), and the commands often run as root: a planted
 * `handouts/<lab> -> /etc/ssh` would otherwise have `handout` overwrite files there, and a
 * planted key path would have `synth` chmod its target. Each component is checked with
 * lstat before use, and files are created with O_EXCL|O_NOFOLLOW, so neither a link in the
 * path nor one at the file's own name is followed. (A local user racing the check is out
 * of scope: such a user could edit the project anyway.)
 */
import {
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  openSync,
  readlinkSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from './errors';

function refused(path: string): InputError {
  let target = '?';
  try {
    target = readlinkSync(path);
  } catch {
    // Gone meanwhile: the message still names the path.
  }
  // JSON.stringify: a planted link's target is hostile text (newlines, escapes).
  return new InputError(
    `${path} is a symbolic link (to ${JSON.stringify(target)}): streamlab does not follow links in its state or output`,
    { hint: 'remove the link (or move it away) and run the command again; nothing was written' },
  );
}

/**
 * Refuses when `path`, or any directory on the way to it below `base`, is a symbolic
 * link; components that do not exist yet are fine (we create them). A path outside `base`
 * has only its own last component checked: the directories above are the user's choice.
 */
export function refuseSymlinks(path: string, base: string = process.cwd()): void {
  const abs = resolve(path);
  const fromBase = relative(resolve(base), abs);
  const inside = fromBase !== '' && !fromBase.startsWith('..') && !isAbsolute(fromBase);
  const parts = inside ? fromBase.split(sep) : [abs.slice(abs.lastIndexOf(sep) + 1)];
  let at = inside ? resolve(base) : abs.slice(0, abs.lastIndexOf(sep)) || sep;
  for (const part of parts) {
    at = join(at, part);
    try {
      if (lstatSync(at).isSymbolicLink()) throw refused(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
  }
}

/**
 * Writes `text` to a file that must not exist yet (a temporary name, renamed into place by
 * the caller), never through a link, with `mode` (not masked by the umask: fchmod).
 */
export function writeNewFile(file: string, text: string | Buffer, mode: number): void {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  const fd = openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  try {
    fchmodSync(fd, mode);
    const data = typeof text === 'string' ? Buffer.from(text) : text;
    for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
  } finally {
    closeSync(fd);
  }
}
