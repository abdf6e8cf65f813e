/**
 * `streamlab reset STUDENT` on AWS as steps: the student's instance address from the
 * synthesized stack → preflight → synth → init → plan with `-replace=` that address (and
 * a check that the plan changes no one else's host) → confirm → apply → discovery of that
 * host alone (its new host key pinned) → its inventory entry replaced, every other one
 * kept → the producer-host playbook on that host alone. The plan/apply, discovery and
 * provisioning steps are `up`'s own (./stack.ts, ./up.ts); Ctrl-C is answered per phase
 * as in `up`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamlab } from '../../config/command-form';
import { EXIT, InputError, OperationalError, UsageError } from '../../config/errors';
import { hostNames } from '../../config/hosts';
import type { LabConfig } from '../../config/schema';
import { recapExitCode, type Recap } from '../../provisioning/engine/recap';
import { loadInventory, type InventoryHost } from '../../provisioning/inventory';
import { hostOutputName } from '../../stacks/outputs';
import { markProvisioned, writeAppliedLab } from '../hosts/applied-lab';
import { writeInventory } from '../hosts/inventory-file';
import {
  processInterrupts,
  runInPhases,
  type Interrupts,
  type PhaseControl,
  type PhaseInterrupt,
} from '../interrupts';
import { appliedPathFor, inventoryPathFor } from '../local-state/paths';
import { asStep, type Confirm } from '../progress';
import { labOutputs } from './lab-inventory';
import { PLAN_FILE, planStack, prepareStack, preflight } from './stack';
import type { PlanSummary, PlannedChange } from './terraform/runner';
import {
  defaultUpDeps,
  discoverHosts,
  provisionHosts,
  type HostStepOptions,
  type UpDeps,
} from './up';

export interface ResetDeps extends UpDeps {
  /**
   * After the apply, before discovery: what the new instance needs besides AWS (a
   * rehearsal boots a fresh test host to stand in for it). @default nothing
   */
  renewed?(student: string): Promise<void>;
}

export interface ResetOptions extends HostStepOptions {
  readonly student: string;
  readonly confirm: Confirm;
  /** Who answers Ctrl-C. @default processInterrupts */
  readonly interrupts?: Interrupts;
}

export interface ResetResult {
  readonly exitCode: number;
  readonly plan?: PlanSummary;
  /** The student's new inventory entry; absent when nothing was applied. */
  readonly host?: InventoryHost;
  readonly previous: InventoryHost;
  readonly recap?: Recap;
}

type ResetPhase = 'prepare' | 'discovery' | 'provisioning';

/** Ctrl-C in each phase: the instance is replaced from the apply on, so `up` finishes it. */
function onInterrupt(student: string): Record<ResetPhase, PhaseInterrupt> {
  const finish =
    `\`${streamlab('up')}\` discovers and provisions it (every other host is found as it is), ` +
    `\`${streamlab(`reset ${student}`)}\` replaces it again`;
  return {
    prepare: {
      next: 'stopping before anything is changed',
      left: 'nothing was changed',
      hint: 'nothing was changed',
    },
    discovery: {
      next: `stopping discovery; ${student}'s instance is already replaced: ${finish}`,
      left: `${student}'s instance is replaced, its host key not pinned: ${finish}`,
      hint: `${student}'s instance is replaced but not provisioned: ${finish}`,
    },
    provisioning: {
      next: `stopping provisioning: ${student}'s host starts no other task and its SSH session ends now: ${finish}`,
      left: `the task ${student}'s host was running may be left half-done: ${finish}`,
      hint: `${student}'s host is not fully provisioned: ${finish}`,
    },
  };
}

/**
 * The terraform address of STUDENT's instance, read from the synthesized stack: the
 * resource its `host_<student>_instance_id` output names (the output names are stable,
 * the construct ids behind them are synth's).
 */
export function instanceAddressOf(stackDir: string, student: string): string {
  const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    output?: Record<string, { value?: unknown }>;
  };
  const name = hostOutputName(student, 'instanceId');
  const value = stack.output?.[name]?.value;
  const address =
    typeof value === 'string' ? /^\$\{(aws_instance\.[^.}]+)\.id\}$/.exec(value)?.[1] : undefined;
  if (!address)
    throw new OperationalError(
      `${stackDir}/cdk.tf.json has no output ${name} naming an aws_instance: synth made no host for ${student}`,
    );
  return address;
}

/**
 * What the plan would change besides replacing `address` that reset must not do: create,
 * destroy or replace anything else, or touch another instance or key pair (another
 * student's host). In-place updates that follow from the new instance (the class-end
 * schedule's list of instances and its role's policy) pass and are shown in the summary.
 */
export function changesBeyondReplacing(plan: PlanSummary, address: string): PlannedChange[] {
  if (!plan.changes)
    throw new Error('the plan summary lists no changes by address (summarizePlan makes them)');
  return plan.changes.filter(
    (c) =>
      !(c.address === address && c.action === 'replace') &&
      (c.action !== 'update' || c.type === 'aws_instance' || c.type === 'aws_key_pair'),
  );
}

/** The student's entry of the saved inventory: reset keeps every other one as it is. */
function savedEntry(inventoryFile: string, labName: string, student: string): InventoryHost[] {
  let hosts: InventoryHost[];
  try {
    hosts = loadInventory(inventoryFile).hosts;
  } catch (e) {
    throw new InputError(
      `${labName} has no inventory here (${inventoryFile}): reset replaces a host of a lab that is up; run \`${streamlab('up')}\` first`,
      { exitCode: EXIT.failed, cause: e },
    );
  }
  if (!hosts.some((h) => h.name === student))
    throw new InputError(
      `${inventoryFile} has no entry for ${student}: run \`${streamlab('up')}\` to converge the lab first`,
      { exitCode: EXIT.failed },
    );
  return hosts;
}

/** Refuses (exit 2) a STUDENT the config does not have, naming the ones it has. */
export function assertKnownStudent(config: LabConfig, student: string): void {
  const students = hostNames(config);
  if (!students.includes(student))
    throw new UsageError(
      `STUDENT: "${student}" is not a student of ${config.name} (its students: ${students.join(', ')})`,
    );
}

export async function runReset(
  opts: ResetOptions,
  deps: ResetDeps = defaultUpDeps,
): Promise<ResetResult> {
  const { student } = opts;
  assertKnownStudent(opts.config, student);
  return runInPhases(
    `streamlab reset ${student}`,
    onInterrupt(student),
    'prepare',
    opts.interrupts ?? processInterrupts,
    (ctl) => resetSteps(opts, deps, ctl),
  );
}

async function resetSteps(
  opts: ResetOptions,
  deps: ResetDeps,
  ctl: PhaseControl<ResetPhase>,
): Promise<ResetResult> {
  const { config, student, reporter: r } = opts;
  const inventoryFile = inventoryPathFor(config.name, opts.baseDir);
  const before = savedEntry(inventoryFile, config.name, student);
  const previous = before.find((h) => h.name === student)!;

  const { binary } = await ctl.guard(preflight(config, deps, r));
  const stack = await prepareStack(config, binary, deps, r);
  const address = instanceAddressOf(stack.stackDir, student);
  if (!(await stack.tf.stateList()).includes(address))
    throw new OperationalError(
      `${student}'s instance (${address}) is not in the state of ${config.name}: there is nothing to replace; run \`${streamlab('up')}\``,
    );
  const plan = await planStack(stack, binary, r, { replace: [address] });
  const beyond = changesBeyondReplacing(plan, address);
  if (beyond.length > 0)
    throw new OperationalError(
      `the plan to replace ${student}'s instance would also change what reset must leave alone (nothing was changed):\n` +
        beyond.map((c) => `  ${c.action} ${c.address}`).join('\n'),
      {
        hint: `the lab differs from the config: \`${streamlab('plan')}\` shows how, \`${streamlab('up')}\` applies it; then reset`,
      },
    );
  const go = await ctl.guard(
    opts.confirm(
      `Replace ${student}'s instance ${previous.instanceId ?? address} in ${config.region} (its disk and all on it are lost; no other host is touched)?`,
    ),
  );
  if (!go) {
    r.result('Not applied: nothing was changed.');
    return { exitCode: EXIT.failed, plan, previous };
  }
  await asStep(r, `${binary.flavor} apply`, () => stack.tf.apply(PLAN_FILE));
  const outputs = labOutputs(config, await stack.tf.outputs());
  const appliedFile = appliedPathFor(config.name, opts.baseDir);
  writeAppliedLab(appliedFile, outputs);
  const made = outputs.hosts.filter((h) => h.host === student);
  r.line(
    'terraform',
    `${student}: instance ${previous.instanceId ?? '?'} → ${made[0]?.instanceId}`,
  );

  ctl.enter('discovery');
  if (deps.renewed) await ctl.guard(deps.renewed(student));
  // Discovery of the new instance alone; the inventory gets its entry, the others stay.
  const [host] = await discoverHosts(opts, deps, ctl, { ...outputs, hosts: made }, before);
  writeInventory(
    inventoryFile,
    before.map((h) => (h.name === student ? host! : h)),
  );
  r.line(
    'inventory',
    `${inventoryFile}: ${student} at ${host!.address}, host key ${host!.hostKeyFingerprint} pinned (was ${previous.hostKeyFingerprint ?? 'not pinned'}); no other entry changed`,
  );

  ctl.enter('provisioning');
  const recap = await provisionHosts(opts, deps, ctl, [host!]);
  const ok = recapExitCode(recap) === 0;
  markProvisioned(appliedFile, recap);
  r.result(
    ok
      ? `${student} is fresh: ${host!.address} (${host!.instanceId}), host key ${host!.hostKeyFingerprint}`
      : `${student}'s new instance is not fully provisioned: the recap says where; \`${streamlab('up')}\` tries again`,
  );
  return { exitCode: ok ? EXIT.ok : EXIT.failed, plan, host: host!, previous, recap };
}
