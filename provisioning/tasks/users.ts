/** System users: unprivileged accounts for services (no login shell, no home). */
import { defineFact, type Fact } from '../engine/facts';
import { sh } from '../engine/quote';
import { change, ok, type Task } from '../engine/task';

export const passwdFact = (name: string): Fact<{ exists: boolean; uid?: number; shell?: string }> =>
  defineFact(`passwd:${name}`, sh`getent passwd ${name}`, (out, code) => {
    if (code !== 0) return { exists: false };
    const fields = out.trim().split(':');
    return { exists: true, uid: Number(fields[2]), shell: fields[6] ?? '' };
  });

export interface SystemUserArgs {
  readonly name: string;
  /** @default "/nonexistent" */
  readonly home?: string;
  /** @default "/usr/sbin/nologin" */
  readonly shell?: string;
}

export function systemUser(args: SystemUserArgs): Task {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(args.name))
    throw new Error(`users.systemUser: "${args.name}" is not a valid user name`);
  const fact = passwdFact(args.name);
  const shell = args.shell ?? '/usr/sbin/nologin';
  return {
    name: `system user ${args.name}`,
    facts: [fact],
    plan(facts) {
      const have = facts.get(fact);
      if (!have.exists) {
        return change('create', [
          sh`useradd --system --user-group --no-create-home --home-dir ${args.home ?? '/nonexistent'} --shell ${shell} ${args.name}`,
        ]);
      }
      if (have.shell !== shell)
        return change(`shell ${have.shell} → ${shell}`, [
          sh`usermod --shell ${shell} ${args.name}`,
        ]);
      return ok(`exists (uid ${have.uid})`);
    },
  };
}
