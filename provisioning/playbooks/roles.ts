/**
 * A host's play as roles in order (the lab's producer host, the operator's own tasks),
 * each task carrying its tags, and the one selection by --tags / --skip-tags. Every task
 * of a role also carries the role's name as a tag, so `--tags tasks` runs only the
 * operator's own tasks and `--skip-tags lab` everything but the lab's.
 */
import { InputError } from '../../config/errors';
import type { Handler, Playbook, Task } from '../engine/task';

export interface RoleTask {
  readonly task: Task;
  readonly tags: readonly string[];
}

export interface Role {
  readonly name: string;
  readonly tasks: readonly RoleTask[];
  readonly handlers: readonly Handler[];
}

export interface TagSelection {
  /** Only tasks with one of these tags. @default every task */
  readonly tags?: readonly string[];
  /** Not the tasks with one of these tags. */
  readonly skipTags?: readonly string[];
}

/** A playbook of its own as a role whose tasks all carry the role's tag. */
export function roleOf(name: string, playbook: Playbook): Role {
  return {
    name,
    tasks: playbook.tasks.map((task) => ({ task, tags: [name] })),
    handlers: playbook.handlers ?? [],
  };
}

export function selected(t: RoleTask, sel: TagSelection): boolean {
  const has = (list: readonly string[] | undefined) => list?.some((x) => t.tags.includes(x));
  if (sel.tags?.length && !has(sel.tags)) return false;
  return !has(sel.skipTags);
}

/**
 * The roles as one playbook, their tasks in role order; handlers are run only when
 * notified, so all of them stay whatever the tags choose.
 */
export function playOf(roles: readonly Role[], sel: TagSelection = {}): Playbook {
  const handlers: Handler[] = [];
  const owner = new Map<string, string>();
  for (const role of roles) {
    for (const h of role.handlers) {
      const other = owner.get(h.name);
      if (other !== undefined)
        throw new InputError(
          `handler ${JSON.stringify(h.name)} is defined by the ${other} role and the ${role.name} role: rename one in hosts.handlers`,
        );
      owner.set(h.name, role.name);
      handlers.push(h);
    }
  }
  return {
    name: roles.map((r) => r.name).join('+'),
    tasks: roles.flatMap((r) => r.tasks.filter((t) => selected(t, sel)).map((t) => t.task)),
    handlers,
  };
}
