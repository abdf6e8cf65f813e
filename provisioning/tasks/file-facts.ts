/**
 * Facts about files on the host: one path's type, mode, owner and sha256; its text (read
 * only in --diff mode); and a directory tree's entries with their checksums. Read-only
 * snippets, gathered with every other fact in one round trip.
 */
import { defineBatchedFact, defineFact, type Fact } from '../engine/facts';
import { sh } from '../engine/quote';
import { fileStateBatch } from './file-state-batch';

export interface FileState {
  readonly exists: boolean;
  readonly type?: 'file' | 'directory' | 'other';
  /** Octal permission bits as a number (0o644). */
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
  readonly sha256?: string;
}

const TYPES: Record<string, FileState['type']> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
};

/** Parses `stat -c '%F|%a|%U|%G'` plus an optional sha256 line. */
export function parseFileState(out: string): FileState {
  const [statLine, shaLine] = out.split('\n');
  const m = /^([^|]+)\|([0-7]+)\|([^|]*)\|([^|]*)$/.exec(statLine ?? '');
  if (!m) return { exists: false };
  const sha = /^[0-9a-f]{64}/.exec(shaLine ?? '')?.[0];
  return {
    exists: true,
    type: TYPES[m[1]!] ?? 'other',
    mode: parseInt(m[2]!, 8),
    owner: m[3]!,
    group: m[4]!,
    ...(sha ? { sha256: sha } : {}),
  };
}

/** One path's state; every path of a run is read by one find and one sha256sum together. */
export const fileFact = (path: string): Fact<FileState> =>
  defineBatchedFact(fileStateBatch, path, parseFileState);

/** Current text of a file, read only in --diff mode. */
export const fileContentFact = (path: string): Fact<string | undefined> =>
  defineFact(`content:${path}`, sh`cat -- ${path}`, (out, code) => (code === 0 ? out : undefined));

export interface TreeEntry {
  readonly type: 'f' | 'd';
  readonly mode: number;
  readonly owner: string;
  readonly sha256?: string;
}

/** Parses the tree fact: `%y %m %u:%g %P` lines, a separator, then sha256sum lines. */
export function parseTree(out: string, code: number): Map<string, TreeEntry> | undefined {
  if (code === 3) return undefined;
  const [listing = '', sums = ''] = out.split('\n--sha256--\n');
  const entries = new Map<string, TreeEntry>();
  for (const line of listing.split('\n')) {
    const m = /^([a-z]) ([0-7]+) (\S+) (.+)$/.exec(line);
    if (!m || (m[1] !== 'f' && m[1] !== 'd')) continue;
    entries.set(m[4]!, { type: m[1], mode: parseInt(m[2]!, 8), owner: m[3]! });
  }
  for (const line of sums.split('\n')) {
    const m = /^([0-9a-f]{64}) {2}\.\/(.+)$/.exec(line);
    const e = m && entries.get(m[2]!);
    if (e) entries.set(m![2]!, { ...e, sha256: m![1]! });
  }
  return entries;
}

export const treeFact = (
  dest: string,
  exclude: readonly string[],
): Fact<Map<string, TreeEntry> | undefined> => {
  const prune = exclude.map((e) => sh`-name ${e} -prune -o`).join(' ');
  return defineFact(
    `tree:${dest}:${exclude.join(',')}`,
    [
      sh`cd ${dest} || exit 3`,
      `find . -mindepth 1 ${prune} -printf '%y %m %u:%g %P\\n'`,
      `echo --sha256--`,
      `find . -mindepth 1 ${prune} -type f -exec sha256sum {} +`,
    ].join('\n'),
    parseTree,
  );
};
