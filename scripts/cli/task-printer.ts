/**
 * Prints a provisioning run's task events through a Reporter, one line each (the format
 * is provisioning/engine/task-line.ts). provision and up show every task, failures on
 * stderr and the rest on stdout like the recap after them; lab up shows only what changed
 * or broke, on stderr, because its stdout is the lab's summary (or its JSON) and a
 * converged rerun should print nothing per task.
 */
import type { TaskEvent } from '../../provisioning/engine/runner';
import { formatTaskDiffs, formatTaskLine, taskFailed } from '../../provisioning/engine/task-line';
import type { Reporter } from '../../labs/progress';

export interface TaskPrinterOptions {
  /** Skip tasks that were ok or skipped, and print the rest as progress. @default false */
  readonly changesOnly?: boolean;
}

export function taskPrinter(r: Reporter, opts: TaskPrinterOptions = {}): (e: TaskEvent) => void {
  return (e) => {
    if (opts.changesOnly && (e.status === 'ok' || e.status === 'skipped')) return;
    const toStderr = opts.changesOnly || taskFailed(e);
    for (const line of [formatTaskLine(e), ...formatTaskDiffs(e)])
      if (toStderr) r.note(line);
      else r.result(line);
  };
}
