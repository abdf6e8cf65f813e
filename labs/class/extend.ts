/**
 * `streamlab extend --hours N` as steps: the new end (N hours after the applied one, or
 * after now when the class has already ended) → preflight → synth with that end → init →
 * plan (the schedule changes in place) → confirm → apply → record the end the stack now
 * says. The plan/up machinery (./../aws/stack.ts) does the terraform part; nothing is
 * recorded unless the apply succeeded.
 */
import { EXIT, InputError } from '../../config/errors';
import { hasClassEnd, MAX_CLASS_HOURS } from '../../config/class';
import type { LabConfig } from '../../config/schema';
import {
  defaultStackDeps,
  PLAN_FILE,
  planStack,
  prepareStack,
  preflight,
  type StackDeps,
} from '../aws/stack';
import { asStep, type Confirm, type Reporter } from '../progress';
import { appliedClassEnd, classEndLine, classTimes, recordAppliedClassEnd } from './end-time';

export interface ExtendOptions {
  readonly config: LabConfig;
  readonly hours: number;
  readonly reporter: Reporter;
  readonly confirm: Confirm;
  readonly baseDir?: string;
  /** @default the clock */
  readonly now?: Date;
}

export interface ExtendResult {
  readonly exitCode: number;
  readonly previous: Date;
  readonly endsAt: Date;
  readonly applied: boolean;
}

/** The moved end: N hours after the current end, or after now once the class has ended. */
export function extendedEnd(current: Date, hours: number, now: Date): Date {
  const from = Math.max(current.getTime(), now.getTime());
  return new Date(Math.floor((from + hours * 3_600_000) / 1000) * 1000);
}

export async function runExtend(
  opts: ExtendOptions,
  deps: StackDeps = defaultStackDeps,
): Promise<ExtendResult> {
  const { config, reporter: r, hours } = opts;
  const now = opts.now ?? new Date();
  if (!hasClassEnd(config.class)) {
    throw new InputError(
      'class: the config sets no end of class to extend; add class.endsAt or class.hours and run `streamlab up`',
    );
  }
  if (!(hours > 0 && hours <= MAX_CLASS_HOURS)) {
    throw new InputError(
      `--hours: ${hours} is out of range (more than 0, at most ${MAX_CLASS_HOURS})`,
    );
  }
  const previous = appliedClassEnd(config, opts.baseDir);
  if (!previous) {
    throw new InputError(
      `no class end of ${config.name} has been applied here (the lab is not up, or the config's class setting changed since \`up\`); run \`streamlab up\``,
      { exitCode: 1 },
    );
  }
  const endsAt = extendedEnd(previous, hours, now);
  r.line('class', `${classEndLine(previous, now).text}; moving it to ${endsAt.toISOString()}`);

  const { binary } = await preflight(config, deps, r);
  const synthesized = await asStep(
    r,
    `synth ${config.name} (class end ${endsAt.toISOString()})`,
    async () =>
      deps.synth(config, { ...classTimes(config, now, opts.baseDir), classEndsAt: endsAt }),
  );
  const stack = await prepareStack(config, binary, deps, r, synthesized);
  const plan = await planStack(stack, binary, r);
  if (plan.hasChanges) {
    const go = await opts.confirm(
      `Move the end of class ${config.name} to ${endsAt.toISOString()} (apply this plan)?`,
    );
    if (!go) {
      r.result(`Not applied: the class still ends at ${previous.toISOString()}.`);
      return { exitCode: EXIT.failed, previous, endsAt: previous, applied: false };
    }
    await asStep(r, `${binary.flavor} apply`, () => stack.tf.apply(PLAN_FILE));
  }
  const recorded = recordAppliedClassEnd(config, await stack.tf.outputs(), opts.baseDir) ?? endsAt;
  r.result(classEndLine(recorded, now).text);
  if (previous.getTime() <= now.getTime()) {
    r.result(
      'The hosts AWS stopped at the old end stay stopped: start them (EC2 console, or `aws ec2 start-instances`), then `streamlab status`.',
    );
  }
  return { exitCode: EXIT.ok, previous, endsAt: recorded, applied: plan.hasChanges };
}
