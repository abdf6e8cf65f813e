import { Facts, type Fact, type RawAnswer } from '../../../../provisioning/engine/facts';
import type { Plan, Task } from '../../../../provisioning/engine/task';

/**
 * Raw fact answers a test feeds, by the fact's name: its kind, the key up to the first ":"
 * (`file`, `dpkg`, `systemd`, `os-release`…), or its whole key when a task asks two facts of
 * one kind. Named, never positional (as pyinfra's tests name theirs): a fact a task starts
 * asking must not shift what every test feeds. A fact a test leaves out answers nothing
 * (empty output, exit status 0).
 */
export type FedFacts = Readonly<Record<string, string | RawAnswer>>;

const kindOf = (fact: Fact<unknown>): string => fact.key.split(':', 1)[0]!;

/** Plans a task against the answers fed by name; a name the task does not ask is an error. */
export function planOf(task: Task, fed: FedFacts, diff = false): Plan {
  const asked = [...task.facts, ...(diff ? (task.diffFacts ?? []) : [])];
  const answers = new Map<string, RawAnswer>(asked.map((f) => [f.key, { stdout: '', code: 0 }]));
  for (const [name, answer] of Object.entries(fed)) {
    const named = asked.filter((f) => f.key === name || kindOf(f) === name);
    if (named.length !== 1) {
      const keys = asked.map((f) => f.key).join(', ') || 'none';
      const problem = named.length === 0 ? 'is not a fact' : 'names more than one fact';
      throw new Error(`fed fact "${name}" ${problem} of task "${task.name}" (it asks: ${keys})`);
    }
    answers.set(named[0]!.key, typeof answer === 'string' ? { stdout: answer, code: 0 } : answer);
  }
  return task.plan(new Facts(answers), { diff });
}

/** The shell text a plan would run, one string per command. */
export const commandsOf = (plan: Plan): string[] =>
  plan.kind === 'change' ? plan.commands.map((c) => c.run) : [];
