/**
 * --diff for what is not a file's text: a package set, an account, a unit's state, a
 * directory's mode, shown as `key: value` lines before and after, so every kind of task
 * says what it would change. `undefined` is "(absent)".
 */
import type { FileDiff } from '../engine/task';

export type State = Readonly<Record<string, string>>;

const lines = (s: State | undefined) =>
  s === undefined
    ? undefined
    : Object.entries(s)
        .map(([k, v]) => `${k}: ${v}\n`)
        .join('');

/** The diff list a plan carries, or undefined outside --diff mode. */
export function stateDiff(
  diffMode: boolean,
  what: string,
  before: State | undefined,
  after: State | undefined,
): FileDiff[] | undefined {
  return diffMode ? [{ path: what, before: lines(before), after: lines(after) }] : undefined;
}
