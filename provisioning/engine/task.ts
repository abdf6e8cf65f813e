/**
 * The task contract (pyinfra style): a typed declaration that names the facts it needs
 * and turns them into a plan. An empty plan is `ok` with a reason; a plan with commands
 * is `changed`. Check mode computes the very same plan and does not execute it.
 */
import type { Fact, Facts } from './facts';

/** One step sent to the host, run as root by /bin/sh. */
export interface RemoteCommand {
  readonly run: string;
  /** Sent over the channel's stdin: file contents and secrets never travel in argv. */
  readonly stdin?: string | Buffer;
  /** @default 900_000 */
  readonly timeoutMs?: number;
}

/** Before/after of one file for --diff; `secret` files are shown masked. */
export interface FileDiff {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
  readonly secret?: boolean;
}

export type Plan =
  | { readonly kind: 'ok'; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: string }
  | {
      readonly kind: 'change';
      readonly reason: string;
      readonly commands: readonly RemoteCommand[];
      readonly diff?: readonly FileDiff[];
    };

export interface PlanContext {
  /** True in --diff mode: diffFacts were gathered and plans may fill `diff`. */
  readonly diff: boolean;
}

export interface Task {
  readonly name: string;
  readonly facts: ReadonlyArray<Fact<unknown>>;
  /** Extra facts read only in --diff mode (current file contents). */
  readonly diffFacts?: ReadonlyArray<Fact<unknown>>;
  /** Handler names to run after the tasks when this task changed something. */
  readonly notify?: readonly string[];
  plan(facts: Facts, ctx: PlanContext): Plan;
}

export interface Handler {
  readonly name: string;
  readonly task: Task;
}

export interface Playbook {
  readonly name: string;
  readonly tasks: readonly Task[];
  readonly handlers?: readonly Handler[];
}

export const ok = (reason: string): Plan => ({ kind: 'ok', reason });
export const skip = (reason: string): Plan => ({ kind: 'skip', reason });
export const change = (
  reason: string,
  commands: readonly (RemoteCommand | string)[],
  diff?: readonly FileDiff[],
): Plan => ({
  kind: 'change',
  reason,
  commands: commands.map((c) => (typeof c === 'string' ? { run: c } : c)),
  ...(diff ? { diff } : {}),
});
