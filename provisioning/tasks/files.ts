/**
 * Files: directories, file contents compared by sha256, templates, and directory trees
 * synced by checksum. Writes are atomic: a temp file in the target directory gets its
 * mode and owner first, then is renamed over the target, so no reader ever sees a
 * half-written file or a secret with loose permissions.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { defineBatchedFact, defineFact, type Fact } from '../engine/facts';
import { sh } from '../engine/quote';
import { change, ok, type FileDiff, type RemoteCommand, type Task } from '../engine/task';
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

export interface Ownership {
  /** Octal string such as "0644". */
  readonly mode?: string;
  /** @default "root" */
  readonly owner?: string;
  /** @default "root" */
  readonly group?: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function parseMode(mode: string, field: string): number {
  if (!/^0?[0-7]{3,4}$/.test(mode))
    throw new Error(`${field}: "${mode}" is not an octal mode such as "0644"`);
  return parseInt(mode, 8);
}

function requireAbsolute(path: string, field: string): void {
  if (!path.startsWith('/') || path.includes('\0') || /(^|\/)\.\.(\/|$)/.test(path)) {
    throw new Error(`${field}: "${path}" must be an absolute path without ".."`);
  }
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

function ownershipCommands(path: string, want: Required<Ownership>, have: FileState): string[] {
  const cmds: string[] = [];
  if (have.owner !== want.owner || have.group !== want.group)
    cmds.push(sh`chown ${`${want.owner}:${want.group}`} -- ${path}`);
  if (have.mode !== parseMode(want.mode, 'mode')) cmds.push(sh`chmod ${want.mode} -- ${path}`);
  return cmds;
}

function ownershipDrift(want: Required<Ownership>, have: FileState): string[] {
  const drift: string[] = [];
  if (have.owner !== want.owner || have.group !== want.group)
    drift.push(`owner ${have.owner}:${have.group} → ${want.owner}:${want.group}`);
  if (have.mode !== parseMode(want.mode, 'mode'))
    drift.push(`mode ${(have.mode ?? 0).toString(8).padStart(4, '0')} → ${want.mode}`);
  return drift;
}

const withDefaults = (o: Ownership, mode: string): Required<Ownership> => ({
  mode: o.mode ?? mode,
  owner: o.owner ?? 'root',
  group: o.group ?? 'root',
});

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

export interface DirectoryArgs extends Ownership {
  readonly path: string;
}

export function directory(args: DirectoryArgs): Task {
  requireAbsolute(args.path, 'directory.path');
  const want = withDefaults(args, '0755');
  parseMode(want.mode, 'directory.mode');
  const fact = fileFact(args.path);
  return {
    name: `directory ${args.path}`,
    facts: [fact],
    plan(facts) {
      const have = facts.get(fact);
      if (!have.exists) {
        return change('create', [
          sh`mkdir -p -- ${args.path}`,
          sh`chown ${`${want.owner}:${want.group}`} -- ${args.path}`,
          sh`chmod ${want.mode} -- ${args.path}`,
        ]);
      }
      if (have.type !== 'directory') throw new Error(`${args.path} exists and is not a directory`);
      const drift = ownershipDrift(want, have);
      if (drift.length === 0) return ok('exists with the wanted mode and owner');
      return change(drift.join(', '), ownershipCommands(args.path, want, have));
    },
  };
}

export interface FileArgs extends Ownership {
  readonly path: string;
  readonly content: string | Buffer;
  /** Never shown in --diff and never logged (e.g. an env file with tokens). */
  readonly secret?: boolean;
  /** Commands run after the file changed (e.g. `systemctl daemon-reload`). */
  readonly onChange?: readonly string[];
  readonly notify?: readonly string[];
  /** Display name. @default "file <path>" */
  readonly name?: string;
}

/** A file with exactly this content, compared by sha256. */
export function file(args: FileArgs): Task {
  requireAbsolute(args.path, 'file.path');
  const want = withDefaults(args, '0644');
  parseMode(want.mode, 'file.mode');
  const fact = fileFact(args.path);
  const contentFact = fileContentFact(args.path);
  const wantSha = sha256(args.content);
  return {
    name: args.name ?? `file ${args.path}`,
    facts: [fact],
    ...(args.secret ? {} : { diffFacts: [contentFact] }),
    ...(args.notify ? { notify: args.notify } : {}),
    plan(facts, ctx) {
      const have = facts.get(fact);
      if (have.exists && have.type !== 'file')
        throw new Error(`${args.path} exists and is not a regular file`);
      const after = Buffer.isBuffer(args.content) ? args.content.toString('utf8') : args.content;
      const diff = (before: string | undefined): FileDiff[] | undefined =>
        ctx.diff
          ? [{ path: args.path, before, after, ...(args.secret ? { secret: true } : {}) }]
          : undefined;
      const onChange = args.onChange ?? [];
      if (!have.exists)
        return change(
          'create',
          [atomicWrite(args.path, args.content, want), ...onChange],
          diff(undefined),
        );
      if (have.sha256 !== wantSha) {
        const before = ctx.diff && !args.secret ? facts.get(contentFact) : undefined;
        // A secret's digest, even a prefix, would confirm a guessed token: not in logs.
        return change(
          args.secret
            ? 'content differs'
            : `content differs (sha256 ${have.sha256?.slice(0, 12)} → ${wantSha.slice(0, 12)})`,
          [atomicWrite(args.path, args.content, want), ...onChange],
          diff(before),
        );
      }
      const drift = ownershipDrift(want, have);
      if (drift.length === 0)
        return ok(args.secret ? 'content matches' : `sha256 ${wantSha.slice(0, 12)} matches`);
      return change(drift.join(', '), [...ownershipCommands(args.path, want, have), ...onChange]);
    },
  };
}

/** Renders `{{ name }}` placeholders; an unknown name is an error naming it. */
export function renderTemplate(
  template: string,
  vars: Readonly<Record<string, string | number>>,
): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`template variable "${name}" is not defined`);
    return String(vars[name]);
  });
}

export interface TemplateArgs extends Omit<FileArgs, 'content'> {
  readonly template: string;
  readonly vars: Readonly<Record<string, string | number>>;
}

export function template(args: TemplateArgs): Task {
  const { template: text, vars, ...rest } = args;
  return file({
    ...rest,
    content: renderTemplate(text, vars),
    name: args.name ?? `template ${args.path}`,
  });
}

/** A local file copied to the host when its sha256 differs. */
export function copy(args: Omit<FileArgs, 'content'> & { readonly src: string }): Task {
  const { src, ...rest } = args;
  return file({
    ...rest,
    content: readFileSync(src),
    name: args.name ?? `copy ${src} → ${args.path}`,
  });
}

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

export interface LocalEntry {
  readonly type: 'f' | 'd';
  readonly content?: Buffer;
  readonly sha256?: string;
}

/** Reads a local directory tree, skipping excluded names (exact names or "*.ext"). */
export function readLocalTree(src: string, exclude: readonly string[]): Map<string, LocalEntry> {
  const excluded = (name: string) =>
    exclude.some((e) => (e.startsWith('*.') ? name.endsWith(e.slice(1)) : name === e));
  const out = new Map<string, LocalEntry>();
  if (!existsSync(src) || !statSync(src).isDirectory())
    throw new Error(`local directory ${src} does not exist`);
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (excluded(name)) continue;
      if (/[\n\\]/.test(name))
        throw new Error(
          `${join(dir, name)}: file names with newlines or backslashes are not synced`,
        );
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = statSync(path);
      if (st.isDirectory()) {
        out.set(relPath, { type: 'd' });
        walk(path, relPath);
      } else if (st.isFile()) {
        const content = readFileSync(path);
        out.set(relPath, { type: 'f', content, sha256: sha256(content) });
      }
    }
  };
  walk(src, '');
  return out;
}

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
