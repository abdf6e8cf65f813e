/**
 * File operations: a directory, a file with exactly this content (compared by sha256),
 * a template rendered into one, a local file copied. Contents travel by atomic write.
 */
import { readFileSync } from 'node:fs';
import { change, ok, type FileDiff, type Task } from '../engine/task';
import { atomicWrite } from './atomic-write';
import { fileContentFact, fileFact } from './file-facts';
import {
  ownershipCommands,
  ownershipDrift,
  parseMode,
  requireAbsolute,
  withDefaults,
  type Ownership,
} from './file-ownership';
import { sha256 } from './sha256';
import { renderTemplate } from './template';
import { sh } from '../engine/quote';
import { stateDiff } from './state-diff';

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
    plan(facts, ctx) {
      const have = facts.get(fact);
      const after = { mode: want.mode, owner: `${want.owner}:${want.group}` };
      const diff = (before?: typeof after) =>
        stateDiff(ctx.diff, `directory ${args.path}`, before, after);
      if (!have.exists) {
        return change(
          'create',
          [
            sh`mkdir -p -- ${args.path}`,
            sh`chown ${`${want.owner}:${want.group}`} -- ${args.path}`,
            sh`chmod ${want.mode} -- ${args.path}`,
          ],
          diff(),
        );
      }
      if (have.type !== 'directory') throw new Error(`${args.path} exists and is not a directory`);
      const drift = ownershipDrift(want, have);
      if (drift.length === 0) return ok('exists with the wanted mode and owner');
      return change(
        drift.join(', '),
        ownershipCommands(args.path, want, have),
        diff({
          mode: (have.mode ?? 0).toString(8).padStart(4, '0'),
          owner: `${have.owner}:${have.group}`,
        }),
      );
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

export interface TemplateArgs extends Omit<FileArgs, 'content'> {
  readonly template: string;
  readonly vars: Readonly<Record<string, string | number | boolean>>;
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

/** No file or directory at `path` (a directory goes with what it holds). */
export function absent(args: { readonly path: string; readonly name?: string }): Task {
  requireAbsolute(args.path, 'absent.path');
  const fact = fileFact(args.path);
  const contentFact = fileContentFact(args.path);
  return {
    name: args.name ?? `absent ${args.path}`,
    facts: [fact],
    diffFacts: [contentFact],
    plan(facts, ctx) {
      const have = facts.get(fact);
      if (!have.exists) return ok('absent');
      const before = ctx.diff && have.type === 'file' ? facts.get(contentFact) : undefined;
      return change(
        `remove the ${have.type === 'directory' ? 'directory' : 'file'}`,
        [sh`rm -rf -- ${args.path}`],
        ctx.diff
          ? [{ path: args.path, before: before ?? `(${have.type})`, after: undefined }]
          : undefined,
      );
    },
  };
}
