/**
 * `streamlab up` as steps: preflight → synth → init → plan (summary) → account quotas for
 * what the plan creates → confirm → apply
 * the saved plan → outputs → discovery (status checks, pinned host keys) → inventory
 * saved atomically → provision → what to do next. Each outside dependency comes in
 * through UpDeps, so a test can run it with the real terraform on a local stack, a mocked
 * EC2 API and a real SSH host.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Client } from '../aws-sdk/clients';
import type { LabConfig } from '../../config/schema';
import { formatRecap, recapExitCode, type Recap } from '../../provisioning/engine/recap';
import type { TaskEvent } from '../../provisioning/engine/runner';
import type { InventoryHost } from '../../provisioning/inventory';
import { provision, type ProvisionOptions } from '../../provisioning/provision';
import type { ConnectOptions } from '../../provisioning/engine/connection';
import type { VarOverrides } from '../../provisioning/playbooks/producer-host';
import type { LabOutputs } from '../../stacks/outputs';
import type { DiscoveryOptions } from './discovery';
import { EXIT } from '../../config/errors';
import { estimateHourlyCost } from '../../stacks/pricing';
import {
  assertClassEndAhead,
  classBudgetComparison,
  classEndLine,
  recordAppliedClassEnd,
  resolveClassEnd,
} from '../class/end-time';
import { inventoryPathFor } from '../local-state/paths';
import type { PlanSummary } from './terraform/runner';
import { savedHosts, writeInventory } from '../hosts/inventory-file';
import { buildInventory, hostRecords, labOutputs } from './lab-inventory';
import { asStep, type Confirm, type Reporter } from '../progress';
import {
  defaultStackDeps,
  PLAN_FILE,
  planStack,
  prepareStack,
  preflight,
  quotaPreflight,
  type StackDeps,
} from './stack';

export interface UpDeps extends StackDeps {
  /** EC2 for discovery; `outputs` says which instances the stack made for which host. */
  ec2(region: string, outputs?: LabOutputs): EC2Client;
  provision(opts: ProvisionOptions): ReturnType<typeof provision>;
}

export const defaultUpDeps: UpDeps = {
  ...defaultStackDeps,
  ec2: ec2Client,
  provision,
};

export interface UpOptions {
  readonly config: LabConfig;
  readonly reporter: Reporter;
  readonly confirm: Confirm;
  /** Directory of .streamlab/ and keysDir. @default process.cwd() */
  readonly baseDir?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly skipProvision?: boolean;
  readonly discovery?: DiscoveryOptions;
  readonly connect?: ConnectOptions;
  /** Explicit vars for the playbook (producer-app dir, pip, extra env, X token). */
  readonly vars?: VarOverrides;
  readonly onTaskEvent?: (e: TaskEvent) => void;
  /** Where the hosts' producers reach Kinesis (a rehearsal's emulator). @default AWS */
  readonly kinesisEndpoint?: string;
}

export interface UpResult {
  readonly exitCode: number;
  readonly plan: PlanSummary;
  /** Absent when the operator declined the plan. */
  readonly outputs?: LabOutputs;
  readonly hosts?: InventoryHost[];
  readonly inventoryFile?: string;
  readonly recap?: Recap;
}

export async function runUp(opts: UpOptions, deps: UpDeps = defaultUpDeps): Promise<UpResult> {
  const { config, reporter: r } = opts;
  assertClassEndAhead(config, resolveClassEnd(config, new Date(), opts.baseDir));
  const { binary } = await preflight(config, deps, r);
  const stack = await prepareStack(config, binary, deps, r);
  const { tf } = stack;
  const plan = await planStack(stack, binary, r);
  if (plan.hasChanges) {
    await quotaPreflight(config, plan, deps, r);
    const budget = classBudgetComparison(config, estimateHourlyCost(config).hourly);
    if (budget) r.line('budget', budget.line);
    const go = await opts.confirm(
      `Apply this plan to AWS account resources in ${config.region} (it costs money while up)?`,
    );
    if (!go) {
      r.result('Not applied: nothing was changed.');
      return { exitCode: EXIT.failed, plan };
    }
    await asStep(r, `${binary.flavor} apply`, () => tf.apply(PLAN_FILE));
  }
  const applied = await tf.outputs();
  const outputs = labOutputs(config, applied);
  const classEnd = recordAppliedClassEnd(config, applied, opts.baseDir);

  const inventoryFile = inventoryPathFor(config.name, opts.baseDir);
  const ec2 = deps.ec2(config.region, outputs);
  let hosts: InventoryHost[];
  try {
    const reachable = await asStep(
      r,
      `discover ${outputs.hosts.length} host(s): EC2 status checks, ${opts.acceptNewHostKeys ? 'accept new host keys (trust on first use)' : 'host-key fingerprints from the console'}`,
      () =>
        buildInventory(config, outputs, {
          ec2,
          acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
          ...(opts.baseDir ? { baseDir: opts.baseDir } : {}),
          discovery: { ...opts.discovery, onProgress: (m) => r.line('ec2', m) },
          ...(opts.connect ? { connect: opts.connect } : {}),
          ...(opts.acceptNewHostKeys ? { previous: savedHosts(inventoryFile) } : {}),
          onAccepted: (h, fp) =>
            r.line('ssh', `${h}: accepted new host key ${fp} (now pinned in the inventory)`),
        }),
    );
    hosts = hostRecords(reachable, outputs).map((h) =>
      opts.kinesisEndpoint ? { ...h, endpoint: opts.kinesisEndpoint } : h,
    );
  } finally {
    ec2.destroy();
  }
  writeInventory(inventoryFile, hosts);
  r.line('inventory', `wrote ${inventoryFile} (${hosts.length} host(s), host keys pinned)`);

  let recap: Recap | undefined;
  if (!opts.skipProvision) {
    const end = r.step(`provision ${hosts.length} host(s) over SSH`);
    const result = await deps.provision({
      hosts,
      config,
      vars: opts.vars,
      run: { connect: opts.connect, onEvent: opts.onTaskEvent },
    });
    recap = result.recap;
    end(recapExitCode(recap) === 0 ? 'ok' : 'failed');
    r.result(`\nRECAP\n${formatRecap(recap)}`);
  }

  r.result('');
  for (const h of outputs.hosts) {
    r.result(`host ${h.host}: ssh ubuntu@${h.publicDns} (${h.instanceId})  stream ${h.streamName}`);
  }
  r.result(`S3 bucket: ${outputs.bucket}   region: ${outputs.region}`);
  if (classEnd) {
    const line = classEndLine(classEnd);
    r.result(line.warning ? `WARNING: ${line.text}` : line.text);
  }
  r.result(
    opts.skipProvision
      ? 'next: streamlab provision --inventory ' + inventoryFile
      : 'next: streamlab status | streamlab tail | streamlab handout',
  );
  const exitCode = recap && recapExitCode(recap) !== 0 ? EXIT.failed : EXIT.ok;
  return { exitCode, plan, outputs, hosts, inventoryFile, ...(recap ? { recap } : {}) };
}
