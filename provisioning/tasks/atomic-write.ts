/**
 * The one way a file's content reaches the host: a temp file in the target directory gets
 * its content, mode and owner, then is renamed over the target, so no reader ever sees a
 * half-written file or a secret with loose permissions.
 */
import { posix } from 'node:path';
import { sh } from '../engine/quote';
import type { RemoteCommand } from '../engine/task';
import type { Ownership } from './file-ownership';
import { sha256 } from './sha256';

/**
 * Atomic write of `content` to `path` with mode and owner set before the rename. Stdin
 * carries the content's sha256 on a first line, then the content: the digest never goes
 * into the command line, where `ps` and sudo's journal would show it (for a secret file it
 * would let a guessed token be confirmed offline).
 */
export function atomicWrite(
  path: string,
  content: string | Buffer,
  own: Required<Ownership>,
): RemoteCommand {
  const dir = posix.dirname(path);
  return {
    run: [
      sh`tmp=$(mktemp ${`${dir}/.streamlab.XXXXXX`})`,
      // Signalled mid-transfer (sudo relays HUP/TERM when the session ends): remove the
      // partial file and stop (a trap that did not exit would go on to rename it).
      `trap 'rm -f "$tmp"' EXIT`,
      `trap 'rm -f "$tmp"; exit 129' HUP INT TERM PIPE`,
      // sh's read takes one line and no more from a pipe: the rest is the content.
      sh`IFS= read -r want || { echo ${`no transfer of ${path}: not replaced`} >&2; exit 1; }`,
      `cat > "$tmp"`,
      // A connection dropped mid-transfer ends stdin early, and `cat` succeeds with a
      // partial file: only content with the expected digest may replace the target.
      sh`[ "$(sha256sum < "$tmp")" = "$want  -" ] || { echo ${`incomplete transfer of ${path}: not replaced`} >&2; exit 1; }`,
      sh`chown ${`${own.owner}:${own.group}`} "$tmp"`,
      sh`chmod ${own.mode} "$tmp"`,
      sh`mv -f "$tmp" ${path}`,
    ].join('\n'),
    stdin: Buffer.isBuffer(content)
      ? Buffer.concat([Buffer.from(`${sha256(content)}\n`), content])
      : `${sha256(content)}\n${content}`,
  };
}
