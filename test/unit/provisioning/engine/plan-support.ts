import { Facts, type RawAnswer } from '../../../../provisioning/engine/facts';
import type { Plan, Task } from '../../../../provisioning/engine/task';

/** Plans a task against raw fact answers given in the order of task.facts. */
export function planOf(task: Task, answers: ReadonlyArray<string | RawAnswer>, diff = false): Plan {
  const all = [...task.facts, ...(diff ? (task.diffFacts ?? []) : [])];
  const map = new Map<string, RawAnswer>();
  all.forEach((f, i) => {
    const a = answers[i] ?? '';
    map.set(f.key, typeof a === 'string' ? { stdout: a, code: 0 } : a);
  });
  return task.plan(new Facts(map), { diff });
}

/** The shell text a plan would run, one string per command. */
export const commandsOf = (plan: Plan): string[] =>
  plan.kind === 'change' ? plan.commands.map((c) => c.run) : [];
