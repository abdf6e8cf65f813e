/**
 * `when:` on facts (Ansible's conditionals, kept to what a task needs to know of a host):
 * the OS, its release and codename, and the machine architecture. A task that does not
 * match is skipped with the reason; its own facts are still read (they only read).
 */
import type { When } from '../../config/host-tasks';
import { defineFact, type Fact } from '../engine/facts';
import { skip, type Task } from '../engine/task';

export interface Platform {
  readonly os: string;
  readonly release: string;
  readonly codename: string;
  readonly architecture: string;
}

export const platformFact: Fact<Platform> = defineFact(
  'platform',
  `. /etc/os-release; printf '%s\\n%s\\n%s\\n' "$ID" "$VERSION_ID" "$VERSION_CODENAME"; uname -m`,
  (out) => {
    const [os = '', release = '', codename = '', architecture = ''] = out.split('\n');
    return { os, release, codename, architecture };
  },
);

const KEYS = ['os', 'release', 'codename', 'architecture'] as const;

/** Why the host does not match, or undefined when it does. */
export function mismatch(when: When, host: Platform): string | undefined {
  for (const key of KEYS) {
    const wanted = when[key];
    if (wanted && !wanted.includes(host[key]))
      return `when: ${key} is ${JSON.stringify(host[key])}, not ${wanted.map((w) => JSON.stringify(w)).join(' or ')}`;
  }
  return undefined;
}

/** The task, run only on hosts that match `when`. */
export function onlyWhen(task: Task, when: When | undefined): Task {
  if (!when || KEYS.every((k) => when[k] === undefined)) return task;
  return {
    ...task,
    facts: [platformFact, ...task.facts],
    plan(facts, ctx) {
      const why = mismatch(when, facts.get(platformFact));
      return why ? skip(why) : task.plan(facts, ctx);
    },
  };
}
