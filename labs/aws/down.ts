/**
 * `streamlab down` as steps: synth (destroy needs the configuration) → init → is there
 * any state? → plan -destroy (summary) → confirm → apply the destroy plan → ask AWS
 * itself what of the lab survived (EC2, the Tagging API, IAM and Scheduler by name) → remove the saved
 * inventory.
 */
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ec2Client,
  iamClient,
  firehoseClient,
  kinesisClient,
  logsClient,
  budgetsClient,
  s3Client,
  schedulerClient,
  taggingClient,
} from '../aws-sdk/clients';
import { existsSync } from 'node:fs';
import type { LabConfig } from '../../config/schema';
import { forgetClassEnd } from '../class/end-time';
import { countByName, findLeftovers, namesOfStack, removalOf, type ByName } from './leftovers';
import { EXIT } from '../../config/errors';
import { appliedPathFor, inventoryPathFor } from '../local-state/paths';
import { removeAppliedLab } from '../hosts/applied-lab';
import type { PlanSummary } from './terraform/runner';
import { removeInventory } from '../hosts/inventory-file';
import { asStep, type Confirm, type Reporter } from '../progress';
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
  tagging(region: string): ResourceGroupsTaggingAPIClient;
  iam(region: string): IAMClient;
  scheduler(region: string): SchedulerClient;
  kinesis(region: string): KinesisClient;
  firehose(region: string): FirehoseClient;
  s3(region: string): S3Client;
  logs(region: string): CloudWatchLogsClient;
  budgets(region: string): BudgetsClient;
}

export const defaultDownDeps: DownDeps = {
  ...defaultStackDeps,
  ec2: ec2Client,
  tagging: taggingClient,
  iam: iamClient,
  scheduler: schedulerClient,
  kinesis: kinesisClient,
  firehose: firehoseClient,
  s3: s3Client,
  logs: logsClient,
  budgets: budgetsClient,
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
  removeAppliedLab(appliedPathFor(opts.config.name, opts.baseDir));
  forgetClassEnd(opts.config.name, opts.baseDir);
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
  const { identity } = await preflight(config, deps, r);
  const prepared = await prepareStack(config, binary, deps, r, stack);
  const { tf } = prepared;
  const resources = await tf.stateList();
  // What AWS is asked for by name: IAM and Scheduler are not in the Tagging API, and an
  // untagged stream, delivery stream, bucket or log group is invisible to it.
  const named = namesOfStack(stack.stackDir);
  if (resources.length === 0) {
    r.result(`nothing to destroy: the state of ${config.name} holds no resources`);
    forgetInventory(opts);
    // State can be empty while AWS is not (state lost or edited): look anyway.
    return verifyClean(opts, deps, named, identity.account, { destroyed: false });
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
  return verifyClean(opts, deps, named, identity.account, { destroyed: true, plan });
}

/** Asks AWS for anything of the lab that survived; names it and fails when something did. */
async function verifyClean(
  opts: DownOptions,
  deps: DownDeps,
  named: ByName,
  account: string,
  done: { destroyed: boolean; plan?: PlanSummary },
): Promise<DownResult> {
  const { config, reporter: r } = opts;
  const clients = {
    ec2: deps.ec2(config.region),
    tagging: deps.tagging(config.region),
    iam: deps.iam(config.region),
    scheduler: deps.scheduler(config.region),
    kinesis: deps.kinesis(config.region),
    firehose: deps.firehose(config.region),
    s3: deps.s3(config.region),
    logs: deps.logs(config.region),
    budgets: deps.budgets(config.region),
  };
  let leftovers: string[];
  try {
    leftovers = await asStep(
      r,
      `check AWS for what is left of the lab (EC2, resources tagged lab=${config.name}, ${countByName(named)} names)`,
      () => findLeftovers(clients, config.name, named, account),
    );
  } finally {
    for (const c of Object.values(clients)) c.destroy();
  }
  if (leftovers.length > 0) {
    r.result(
      `NOT CLEAN: ${leftovers.length} resource(s) of ${config.name} still exist:\n` +
        leftovers.map((l) => `  ${l}\n      remove: ${removalOf(l)}`).join('\n') +
        '\nThey may cost money. A "could not check" is not a verdict: fix its cause and re-run.' +
        '\nThe Tagging API can lag a few minutes behind deletions: run `streamlab down` again to re-check.',
    );
    return { exitCode: EXIT.failed, ...done, leftovers };
  }
  r.result(
    `${config.name} is down: nothing tagged lab=${config.name} remains, nor any of its ${countByName(named)} resources checked by name (EC2, Tagging API, IAM, Scheduler, Budgets, Kinesis, Firehose, S3, CloudWatch Logs).`,
  );
  return { exitCode: EXIT.ok, ...done, leftovers };
}
