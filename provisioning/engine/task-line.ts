/**
 * The line a run prints per task per host, `changed     lab | apt packages — … (812 ms)`,
 * with its diffs below it. One definition for provision, up and lab up, so the status
 * column lines up the same way everywhere (as wide as the longest status, "unreachable").
 * Reasons and diffs hold what the host printed: made inert before they reach a terminal.
 */
import { renderDiff } from './diff';
import type { TaskEvent } from './runner';
import { terminalSafe } from './untrusted-text';

const STATUS_WIDTH = 'unreachable'.length;

export function formatTaskLine(e: TaskEvent): string {
  return terminalSafe(
    `${e.status.padEnd(STATUS_WIDTH)} ${e.host} | ${e.handler ? 'handler: ' : ''}${e.task} — ${e.reason} (${e.ms} ms)`,
  );
}

/** The event's file diffs, indented under its line. */
export function formatTaskDiffs(e: TaskEvent): string[] {
  return (e.diff ?? []).map((d) => terminalSafe(renderDiff(d)).replace(/^/gm, '    '));
}

/** A task that did not do its job: the line a user must not miss. */
export const taskFailed = (e: TaskEvent): boolean =>
  e.status === 'failed' || e.status === 'unreachable';
