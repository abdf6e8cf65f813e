/**
 * `streamlab up` as steps: preflight → synth → init → plan (summary) → account quotas for
 * what the plan creates → confirm → apply
 * the saved plan → outputs → discovery (status checks, pinned host keys) → inventory
 * saved atomically → provision → what to do next. Each outside dependency comes in
 * through UpDeps, so a test can run it with the real terraform on a local stack, a mocked
 * EC2 API and a real SSH host.
 */
import { streamlab } from '../../config/command-form';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Client } from '../aws-sdk/clients';
import { defaultDownDeps } from './down';
import { adoptOrphans, removeAdoptFile, type AdoptClients } from './adopt';
import type { LabConfig } from '../../config/schema';
import { formatRecap, recapExitCode, type Recap } from '../../provisioning/engine/recap';
import type { TaskEvent } from '../../provisioning/engine/runner';
import type { InventoryHost } from '../../provisioning/inventory';
import { provision, type ProvisionOptions } from '../../provisioning/provision';
import type { ConnectOptions } from '../../provisioning/engine/connection';
import type { VarOverrides } from '../../provisioning/playbooks/producer-host';
import type { LabOutputs } from '../../stacks/outputs';
import type { DiscoveryOptions } from './discovery';
import type { HostsKinesis } from '../rehearsal/hosts-endpoint';
import { EXIT } from '../../config/errors';
import { estimateHourlyCost } from '../../stacks/pricing';
import {
  assertClassEndAhead,
  classBudgetComparison,
  classEndLine,
  recordAppliedClassEnd,
  resolveClassEnd,
} from '../class/end-time';
import { appliedPathFor, inventoryPathFor } from '../local-state/paths';
import { markProvisioned, writeAppliedLab } from '../hosts/applied-lab';
import type { PlanSummary } from './terraform/runner';
import { savedHosts, writeInventory } from '../hosts/inventory-file';
import { buildInventory, hostRecords, labOutputs } from './lab-inventory';
import { asStep, type Confirm, type Reporter } from '../progress';
import {
  processInterrupts,
  runInPhases,
  type Interrupts,
  type PhaseControl,
  type PhaseInterrupt,
} from '../interrupts';
import {
  defaultStackDeps,
  PLAN_FILE,
  planStack,
  prepareStack,
  preflight,
  quotaPreflight,
  type StackDeps,
  warnExampleCidr,
} from './stack';

export interface UpDeps extends StackDeps {
  /** EC2 for discovery; `outputs` says which instances the stack made for which host. */
  ec2(region: string, outputs?: LabOutputs): EC2Client;
  provision(opts: ProvisionOptions): ReturnType<typeof provision>;
  /** What adoption asks AWS by name (./adopt.ts): made only when a resource is not in the state. */
  adoptClients(region: string): AdoptClients;
}

export const defaultUpDeps: UpDeps = {
  ...defaultStackDeps,
  ec2: ec2Client,
  provision,
  // The same clients `down`'s leftover check asks, by the same names.
  adoptClients: (region) => {
    const d = defaultDownDeps;
    return {
      ec2: d.ec2(region),
      iam: d.iam(region),
      scheduler: d.scheduler(region),
      kinesis: d.kinesis(region),
      s3: d.s3(region),
      logs: d.logs(region),
    };
  },
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
  /** A rehearsal's Kinesis: moto for streamlab's reads, each stand-in's gate port. @default AWS */
  readonly kinesis?: HostsKinesis;
  /** Who answers Ctrl-C. @default processInterrupts */
  readonly interrupts?: Interrupts;
}

/** `up`'s phases outside terraform (terraform's runner answers Ctrl-C while it runs). */
export type UpPhase = 'prepare' | 'discovery' | 'provisioning';

/** What Ctrl-C in each phase does next, and what a second (forced) one leaves. */
const ON_INTERRUPT: Record<UpPhase, PhaseInterrupt> = {
  prepare: {
    next: 'stopping before anything is changed',
    left: 'nothing was changed',
    hint: 'nothing was changed',
  },
  discovery: {
    next:
      'stopping discovery; the lab stays applied (it costs money while up) and nothing is lost: ' +
      `\`${streamlab('up')}\` again resumes, \`${streamlab('down')}\` removes it`,
    left: `the lab stays applied (it costs money while up): \`${streamlab('down')}\` removes it`,
    hint: `the lab is applied but not provisioned: \`${streamlab('up')}\` resumes, \`${streamlab('down')}\` removes it`,
  },
  provisioning: {
    next:
      'stopping provisioning: no host starts another task and the SSH sessions end now; ' +
      'the hosts keep the tasks that finished and stay marked not provisioned, the lab stays applied: ' +
      `\`${streamlab('up')}\` again provisions them (a task cut short runs again), \`${streamlab('down')}\` removes it`,
    left:
      'the task each host was running may be left half-done (a package half-installed, a file or ' +
      `service not yet in place) and the lab stays applied: \`${streamlab('up')}\` again provisions the hosts, \`${streamlab('down')}\` removes it`,
    hint: `the hosts are not fully provisioned: \`${streamlab('up')}\` again provisions them, \`${streamlab('down')}\` removes the lab`,
  },
};

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
  return runInPhases(
    'streamlab up',
    ON_INTERRUPT,
    'prepare',
    opts.interrupts ?? processInterrupts,
    (ctl) => upSteps(opts, deps, ctl),
  );
}

type UpControl = PhaseControl<UpPhase>;

async function upSteps(opts: UpOptions, deps: UpDeps, ctl: UpControl): Promise<UpResult> {
  const { config, reporter: r } = opts;
  const { guard } = ctl;
  assertClassEndAhead(config, resolveClassEnd(config, new Date(), opts.baseDir));
  const { binary } = await guard(preflight(config, deps, r));
  warnExampleCidr(config, r);
  const stack = await prepareStack(config, binary, deps, r);
  const { tf } = stack;
  await guard(
    asStep(r, 'adopt what exists in AWS but not in the state', () =>
      adoptOrphans(stack, () => deps.adoptClients(config.region), r),
    ),
  );
  let plan: PlanSummary;
  try {
    plan = await planStack(stack, binary, r);
    if (plan.hasChanges) {
      await guard(quotaPreflight(config, plan, deps, r));
      const budget = classBudgetComparison(config, estimateHourlyCost(config).hourly);
      if (budget) r.line('budget', budget.line);
      const go = await guard(
        opts.confirm(
          `Apply this plan to AWS account resources in ${config.region} (it costs money while up)?`,
        ),
      );
      if (!go) {
        r.result('Not applied: nothing was changed.');
        return { exitCode: EXIT.failed, plan };
      }
      await asStep(r, `${binary.flavor} apply`, () => tf.apply(PLAN_FILE));
    }
  } finally {
    // The import blocks are this run's: `plan` and `down` must never see them.
    removeAdoptFile(stack.stackDir);
  }
  const applied = await tf.outputs();
  const outputs = labOutputs(config, applied);
  const classEnd = recordAppliedClassEnd(config, applied, opts.baseDir);
  // Before discovery: if it does not finish, later commands still know the lab is applied.
  const appliedFile = appliedPathFor(config.name, opts.baseDir);
  writeAppliedLab(appliedFile, outputs);
  r.line(
    'inventory',
    `wrote ${appliedFile}: ${outputs.hosts.length} host(s) applied, not yet provisioned`,
  );

  const inventoryFile = inventoryPathFor(config.name, opts.baseDir);
  ctl.enter('discovery');
  const hosts = await discoverHosts(opts, deps, ctl, outputs, savedHosts(inventoryFile));
  writeInventory(inventoryFile, hosts);
  r.line('inventory', `wrote ${inventoryFile} (${hosts.length} host(s), host keys pinned)`);

  let recap: Recap | undefined;
  if (!opts.skipProvision) {
    ctl.enter('provisioning');
    recap = await provisionHosts(opts, deps, ctl, hosts);
    markProvisioned(appliedFile, recap);
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
      ? `next: ${streamlab(`provision --inventory ${inventoryFile}`)}`
      : `next: ${['status', 'tail', 'handout'].map(streamlab).join(' | ')}`,
  );
  const exitCode = recap && recapExitCode(recap) !== 0 ? EXIT.failed : EXIT.ok;
  return { exitCode, plan, outputs, hosts, inventoryFile, ...(recap ? { recap } : {}) };
}

/** What discovery and provisioning read of `up`'s options (reset passes its own). */
export type HostStepOptions = Pick<
  UpOptions,
  | 'config'
  | 'reporter'
  | 'baseDir'
  | 'acceptNewHostKeys'
  | 'discovery'
  | 'connect'
  | 'vars'
  | 'onTaskEvent'
  | 'kinesis'
>;

/**
 * Discovery of the hosts `outputs` lists (EC2 status checks, host keys pinned from the
 * console or accepted on first use), joined with what the stack made for each: their
 * inventory entries, not yet saved. `previous`: the saved inventory, whose pins trust on
 * first use keeps for a host still at the same address.
 */
export async function discoverHosts(
  opts: HostStepOptions,
  deps: UpDeps,
  ctl: PhaseControl<'discovery'>,
  outputs: LabOutputs,
  previous: readonly InventoryHost[],
): Promise<InventoryHost[]> {
  const { config, reporter: r } = opts;
  const ec2 = deps.ec2(config.region, outputs);
  try {
    const reachable = await ctl.guard(
      asStep(
        r,
        `discover ${outputs.hosts.length} host(s): EC2 status checks, ${opts.acceptNewHostKeys ? 'accept new host keys (trust on first use)' : 'host-key fingerprints from the console'}`,
        () =>
          buildInventory(config, outputs, {
            ec2,
            acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
            ...(opts.baseDir ? { baseDir: opts.baseDir } : {}),
            discovery: {
              ...opts.discovery,
              signal: ctl.signal,
              onProgress: (m) => r.line('ec2', m),
            },
            ...(opts.connect ? { connect: opts.connect } : {}),
            ...(opts.acceptNewHostKeys ? { previous } : {}),
            onAccepted: (h, fp) =>
              r.line('ssh', `${h}: accepted new host key ${fp} (now pinned in the inventory)`),
          }),
      ),
    );
    const { kinesis } = opts;
    return hostRecords(reachable, outputs).map((h) =>
      kinesis
        ? { ...h, endpoint: kinesis.endpoint, producerEndpoint: kinesis.producerEndpoints[h.name] }
        : h,
    );
  } finally {
    ec2.destroy();
  }
}

/** The producer-host playbook on `hosts` over SSH; prints and returns the recap. */
export async function provisionHosts(
  opts: HostStepOptions,
  deps: UpDeps,
  ctl: PhaseControl<'provisioning'>,
  hosts: readonly InventoryHost[],
): Promise<Recap> {
  const r = opts.reporter;
  const end = r.step(`provision ${hosts.length} host(s) over SSH`);
  const result = await ctl
    .guard(
      deps.provision({
        hosts,
        config: opts.config,
        vars: opts.vars,
        run: { connect: opts.connect, onEvent: opts.onTaskEvent, signal: ctl.signal },
      }),
    )
    .catch((e: unknown) => {
      end('failed');
      throw e;
    });
  end(recapExitCode(result.recap) === 0 ? 'ok' : 'failed');
  r.result(`\nRECAP\n${formatRecap(result.recap)}`);
  return result.recap;
}
