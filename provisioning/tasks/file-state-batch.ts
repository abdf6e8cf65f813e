/**
 * Every path a run asks about, answered by two processes on the host instead of two per
 * path: one `find` prints each path's type, mode, owner and group (symlinks are not
 * followed), and runs one `sha256sum` over those that are regular files. A FIFO or a device
 * planted by whoever has root on the host is never opened: only `find -type f` entries are
 * read. The answer of each path is in the form `fileFact`'s parser reads.
 */
import type { FactBatch } from '../engine/facts';
import { sh } from '../engine/quote';

/** find's %y letters as stat's %F words (what parseFileState knows); others read as "other". */
const TYPE_WORDS: Record<string, string> = { f: 'regular file', d: 'directory' };

export const fileStateBatch: FactBatch = {
  name: 'file',
  // Records end in NUL (paths may hold any other byte) and arrive in any order: find's own
  // start with "=", sha256sum's (-z: no escaping) with the digest.
  script: (paths) =>
    sh`find ${paths} -maxdepth 0 -printf '=%y %m %u %g %p\\0' -type f -exec sha256sum -z -- {} +`,
  split(stdout, paths) {
    const stat = new Map<string, string>();
    const digest = new Map<string, string>();
    for (const record of stdout.split('\0')) {
      const own = /^=(\S) ([0-7]+) (\S+) (\S+) (.*)$/s.exec(record);
      if (own) {
        stat.set(own[5]!, `${TYPE_WORDS[own[1]!] ?? 'other'}|${own[2]}|${own[3]}|${own[4]}`);
        continue;
      }
      const sum = /^([0-9a-f]{64}) {2}(.*)$/s.exec(record);
      if (sum) digest.set(sum[2]!, sum[1]!);
    }
    const answers = new Map<string, string>();
    for (const path of paths) {
      const line = stat.get(path);
      if (!line) continue;
      const sha = digest.get(path);
      answers.set(path, `${line}\n${sha ? `${sha}  -\n` : ''}`);
    }
    return answers;
  },
};
