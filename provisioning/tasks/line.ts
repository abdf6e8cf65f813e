/**
 * One line in a text file (Ansible's lineinfile). The file is read as a fact and the new
 * text is worked out here, then written whole by the atomic write: the line and the
 * pattern are data on this side and never reach sed or a shell.
 */
import { change, ok, type Task } from '../engine/task';
import { atomicWrite } from './atomic-write';
import { fileContentFact, fileFact } from './file-facts';
import { ownershipDrift, requireAbsolute, withDefaults, type Ownership } from './file-ownership';

export interface LineArgs extends Ownership {
  readonly path: string;
  readonly line: string;
  /** Lines matching it are replaced (the last one) or removed; without it, the line itself. */
  readonly regexp?: string;
  /** @default "present" */
  readonly state?: 'present' | 'absent';
  readonly name?: string;
  readonly notify?: readonly string[];
}

/**
 * The text with the line in place: a present line replaces the last line matching
 * `regexp` (or is appended when none does and it is not there yet); an absent one removes
 * every matching line. A text without a final newline gets one.
 */
export function editLines(text: string, args: Pick<LineArgs, 'line' | 'regexp' | 'state'>): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const pattern = args.regexp === undefined ? undefined : new RegExp(args.regexp);
  const matches = (l: string) => (pattern ? pattern.test(l) : l === args.line);
  if (args.state === 'absent') {
    const kept = lines.filter((l) => !matches(l));
    return kept.length ? `${kept.join('\n')}\n` : '';
  }
  const last = lines.map(matches).lastIndexOf(true);
  if (last >= 0) lines[last] = args.line;
  else if (!lines.includes(args.line)) lines.push(args.line);
  return `${lines.join('\n')}\n`;
}

export function line(args: LineArgs): Task {
  if (/[\r\n\0]/.test(args.line)) throw new Error('line.line: must be one line');
  requireAbsolute(args.path, 'line.path');
  const fact = fileFact(args.path);
  const content = fileContentFact(args.path);
  return {
    name: args.name ?? `line in ${args.path}`,
    facts: [fact, content],
    ...(args.notify ? { notify: args.notify } : {}),
    plan(facts, ctx) {
      const have = facts.get(fact);
      if (have.exists && have.type !== 'file')
        throw new Error(`${args.path} exists and is not a regular file`);
      const before = have.exists ? (facts.get(content) ?? '') : undefined;
      if (before === undefined && args.state === 'absent') return ok('no file, so no line');
      const after = editLines(before ?? '', args);
      // Unset mode/owner keep the file's own; a new file gets 0644 root:root.
      const want = withDefaults(
        {
          mode: args.mode ?? (have.mode === undefined ? undefined : `0${have.mode.toString(8)}`),
          owner: args.owner ?? have.owner,
          group: args.group ?? have.group,
        },
        '0644',
      );
      const drift = have.exists ? ownershipDrift(want, have) : [];
      if (after === before && drift.length === 0) return ok('line in place');
      const diff = ctx.diff ? [{ path: args.path, before, after }] : undefined;
      const why =
        before === undefined
          ? 'create with the line'
          : after !== before
            ? args.state === 'absent'
              ? 'remove the line'
              : 'put the line in'
            : drift.join(', ');
      return change(why, [atomicWrite(args.path, after, want)], diff);
    },
  };
}
