/**
 * A local directory tree synced to the host by checksum: only new or different files
 * travel (each by an atomic write), modes and owners are fixed, extra remote entries go.
 */
import { sh } from '../engine/quote';
import { change, ok, type RemoteCommand, type Task } from '../engine/task';
import { atomicWrite } from './atomic-write';
import { fileFact, treeFact, type TreeEntry } from './file-facts';
import { parseMode, requireAbsolute } from './file-ownership';
import { readLocalTree } from './local-tree';

export interface TreeArgs {
  /** Local directory. */
  readonly src: string;
  /** Remote directory (created). */
  readonly dest: string;
  /** Names skipped on both sides ("tests", "__pycache__", "*.pyc"). */
  readonly exclude?: readonly string[];
  /** @default "0644" for files, "0755" for directories */
  readonly fileMode?: string;
  readonly dirMode?: string;
  /** @default root */
  readonly owner?: string;
  readonly group?: string;
  /** Remove remote files that are not in src. @default true */
  readonly delete?: boolean;
  readonly notify?: readonly string[];
}

/** Syncs a local tree to the host by checksum: only new or different files travel. */
export function tree(args: TreeArgs): Task {
  requireAbsolute(args.dest, 'tree.dest');
  const exclude = args.exclude ?? [];
  const fileMode = args.fileMode ?? '0644';
  const dirMode = args.dirMode ?? '0755';
  const owner = `${args.owner ?? 'root'}:${args.group ?? 'root'}`;
  const own = { mode: fileMode, owner: args.owner ?? 'root', group: args.group ?? 'root' };
  const local = readLocalTree(args.src, exclude);
  // find's -name cannot express "*.pyc" differently from the shell glob, so pass patterns as is.
  const fact = treeFact(args.dest, exclude);
  return {
    name: `tree ${args.src} → ${args.dest}`,
    facts: [fact, fileFact(args.dest)],
    ...(args.notify ? { notify: args.notify } : {}),
    plan(facts) {
      const remote = facts.get(fact) ?? new Map<string, TreeEntry>();
      const root = facts.get(fileFact(args.dest));
      const commands: RemoteCommand[] = [];
      const counts = { copy: 0, fix: 0, remove: 0 };
      if (!root.exists) commands.push({ run: sh`mkdir -p -- ${args.dest}` });
      if (
        !root.exists ||
        root.mode !== parseMode(dirMode, 'dirMode') ||
        `${root.owner}:${root.group}` !== owner
      ) {
        commands.push({
          run: sh`chown ${owner} -- ${args.dest} && chmod ${dirMode} -- ${args.dest}`,
        });
      }
      for (const [rel, entry] of local) {
        const path = `${args.dest}/${rel}`;
        const have = remote.get(rel);
        if (entry.type === 'd') {
          if (have && have.type !== 'd') commands.push({ run: sh`rm -rf -- ${path}` });
          if (!have || have.type !== 'd') commands.push({ run: sh`mkdir -p -- ${path}` });
          if (
            !have ||
            have.type !== 'd' ||
            have.mode !== parseMode(dirMode, 'dirMode') ||
            have.owner !== owner
          ) {
            commands.push({ run: sh`chown ${owner} -- ${path} && chmod ${dirMode} -- ${path}` });
            if (have) counts.fix++;
          }
          continue;
        }
        if (have && have.type === 'd') commands.push({ run: sh`rm -rf -- ${path}` });
        if (!have || have.sha256 !== entry.sha256) {
          commands.push(atomicWrite(path, entry.content!, own));
          counts.copy++;
        } else if (have.mode !== parseMode(fileMode, 'fileMode') || have.owner !== owner) {
          commands.push({ run: sh`chown ${owner} -- ${path} && chmod ${fileMode} -- ${path}` });
          counts.fix++;
        }
      }
      if (args.delete ?? true) {
        const extra = [...remote.keys()].filter(
          (rel) =>
            !local.has(rel) &&
            ![...remote.keys()].some((p) => rel !== p && rel.startsWith(`${p}/`) && !local.has(p)),
        );
        for (const rel of extra) commands.push({ run: sh`rm -rf -- ${`${args.dest}/${rel}`}` });
        counts.remove = extra.length;
      }
      if (commands.length === 0) return ok(`${local.size} entries match by sha256`);
      const parts = [
        counts.copy && `${counts.copy} file(s) to copy`,
        counts.fix && `${counts.fix} mode/owner fix(es)`,
        counts.remove && `${counts.remove} to remove`,
      ].filter(Boolean);
      return change(parts.join(', ') || 'create', commands);
    },
  };
}
