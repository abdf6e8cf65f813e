/**
 * Arbitrary commands, made idempotent by guards (Ansible's creates/unless, and onlyIf):
 * without a guard a command runs, and reports changed, every time.
 */
import { createHash } from 'node:crypto';
import { defineFact } from '../engine/facts';
import { sh } from '../engine/quote';
import { change, ok, type Task } from '../engine/task';

export interface CommandArgs {
  readonly name: string;
  /** Shell text run as root. Quote interpolated values with `sh`/`quote`. */
  readonly run: string;
  /** Skip when this path exists. */
  readonly creates?: string;
  /** Skip when this read-only check exits 0 (it runs during fact gathering). */
  readonly unless?: string;
  /** Run only when this read-only check exits 0 (it runs during fact gathering). */
  readonly onlyIf?: string;
}

export function command(args: CommandArgs): Task {
  const id = createHash('sha256')
    .update(`${args.creates ?? ''}\0${args.unless ?? ''}\0${args.onlyIf ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  const guard = defineFact(
    `guard:${id}`,
    [
      args.creates ? sh`[ -e ${args.creates} ] && { echo creates; exit 0; }` : '',
      args.unless ? `( ${args.unless}\n) >/dev/null 2>&1 && { echo unless; exit 0; }` : '',
      args.onlyIf ? `( ${args.onlyIf}\n) >/dev/null 2>&1 || echo only-if` : '',
    ]
      .filter(Boolean)
      .join('\n') || 'true',
    (out) => out.trim(),
  );
  return {
    name: args.name,
    facts: [guard],
    plan(facts) {
      const g = facts.get(guard);
      if (g === 'creates') return ok(`${args.creates} exists`);
      if (g === 'unless') return ok('unless-check passed');
      if (g === 'only-if') return ok('onlyIf-check failed: not needed');
      const guarded = args.creates || args.unless || args.onlyIf;
      return change(guarded ? 'guard not met' : 'no guard: always runs', [args.run]);
    },
  };
}
