/**
 * `streamlab down` as steps: synth (destroy needs the configuration) → init → is there
 * any state? → plan -destroy (summary) → confirm → apply the destroy plan → ask EC2
 * itself whether an instance tagged with the lab survived → remove the saved inventory.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Client } from '../aws/clients';
import { existsSync } from 'node:fs';
import type { LabConfig } from '../../config/schema';
import { leftoverInstances } from '../aws/leftovers';
import { EXIT } from '../command';
import { inventoryPathFor } from '../setup/state-paths';
import type { PlanSummary } from '../terraform/runner';
import type { Confirm } from './confirm';
import { removeInventory } from './inventory-file';
import { asStep, type Reporter } from './progress';
import {
  defaultStackDeps,
  DESTROY_PLAN_FILE,
  planStack,
  prepareStack,
  preflight,
  type StackDeps,
} from './stack';

export interface DownDeps extends StackDeps {
  ec2(region: string): EC2Client;
}

export const defaultDownDeps: DownDeps = {
  ...defaultStackDeps,
  ec2: ec2Client,
};

export interface DownOptions {
  readonly config: LabConfig;
  readonly reporter: Reporter;
  readonly confirm: Confirm;
  readonly baseDir?: string;
}

export interface DownResult {
  readonly exitCode: number;
  readonly destroyed: boolean;
  readonly plan?: PlanSummary;
  readonly leftovers: string[];
}

function forgetInventory(opts: DownOptions): void {
  const file = inventoryPathFor(opts.config.name, opts.baseDir);
  if (removeInventory(file)) opts.reporter.line('inventory', `removed ${file}`);
}

export async function runDown(
  opts: DownOptions,
  deps: DownDeps = defaultDownDeps,
): Promise<DownResult> {
  const { config, reporter: r } = opts;
  const binary = await deps.findTerraform();
  const stack = await asStep(r, `synth ${config.name}`, async () => deps.synth(config));
  // Local state that was never written: never applied, and no credentials are needed to know.
  if (stack.localStateFile && !existsSync(stack.localStateFile)) {
    r.result(`nothing to destroy: ${config.name} was never applied (no ${stack.localStateFile})`);
    forgetInventory(opts);
    return { exitCode: EXIT.ok, destroyed: false, leftovers: [] };
  }
  await preflight(config, deps, r);
  const prepared = await prepareStack(config, binary, deps, r, stack);
  const { tf } = prepared;
  const resources = await tf.stateList();
  if (resources.length === 0) {
    r.result(`nothing to destroy: the state of ${config.name} holds no resources`);
    forgetInventory(opts);
    return { exitCode: EXIT.ok, destroyed: false, leftovers: [] };
  }
  const plan = await planStack(prepared, binary, r, { destroy: true });
  if (plan.hasChanges) {
    const go = await opts.confirm(
      `Destroy ${plan.delete} resource(s) of ${config.name}, the data lake's objects included?`,
    );
    if (!go) {
      r.result('Not destroyed: nothing was changed.');
      return { exitCode: EXIT.failed, destroyed: false, plan, leftovers: [] };
    }
    await asStep(r, `${binary.flavor} apply (destroy)`, () => tf.apply(DESTROY_PLAN_FILE));
  }
  forgetInventory(opts);

  const ec2 = deps.ec2(config.region);
  let leftovers: string[];
  try {
    leftovers = await asStep(r, 'check EC2 for instances of the lab', () =>
      leftoverInstances(ec2, config.name),
    );
  } finally {
    ec2.destroy();
  }
  if (leftovers.length > 0) {
    r.result(
      `NOT CLEAN: instance(s) tagged lab=${config.name} still exist: ${leftovers.join(', ')}\n` +
        `  they cost money: terminate them in the EC2 console or with \`aws ec2 terminate-instances --instance-ids ${leftovers.join(' ')}\``,
    );
    return { exitCode: EXIT.failed, destroyed: true, plan, leftovers };
  }
  r.result(`${config.name} is down: no instance tagged lab=${config.name} remains.`);
  return { exitCode: EXIT.ok, destroyed: true, plan, leftovers };
}
