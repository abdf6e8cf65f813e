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
import { interruptedError, processInterrupts, unlessAborted, type Interrupts } from '../interrupts';
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
  /** Where the hosts' producers reach Kinesis (a rehearsal's emulator). @default AWS */
  readonly kinesisEndpoint?: string;
  /** Who answers Ctrl-C. @default processInterrupts */
  readonly interrupts?: Interrupts;
}

/** `up`'s phases outside terraform (terraform's runner answers Ctrl-C while it runs). */
type UpPhase = 'prepare' | 'discovery' | 'provisioning';

/** What Ctrl-C in each phase does next, and what a second (forced) one leaves. */
const ON_INTERRUPT: Record<UpPhase, { next: string; left: string; hint: string }> = {
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
  let phase: UpPhase = 'prepare';
  const stop = new AbortController();
  return (opts.interrupts ?? processInterrupts).with(
    {
      first: () => {
        stop.abort();
        return ON_INTERRUPT[phase].next;
      },
      left: () => ON_INTERRUPT[phase].left,
    },
    () =>
      upSteps(opts, deps, {
        signal: stop.signal,
        enter: (p) => (phase = p),
        // A step that does not watch the signal itself is left behind at once.
        guard: (work) =>
          unlessAborted(stop.signal, work, () =>
            interruptedError(`streamlab up stopped during ${phase}`, ON_INTERRUPT[phase].hint),
          ),
      }),
  );
}

interface UpControl {
  readonly signal: AbortSignal;
  enter(phase: UpPhase): void;
  guard<T>(work: Promise<T>): Promise<T>;
}

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
  const ec2 = deps.ec2(config.region, outputs);
  let hosts: InventoryHost[];
  ctl.enter('discovery');
  try {
    const reachable = await guard(
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
            ...(opts.acceptNewHostKeys ? { previous: savedHosts(inventoryFile) } : {}),
            onAccepted: (h, fp) =>
              r.line('ssh', `${h}: accepted new host key ${fp} (now pinned in the inventory)`),
          }),
      ),
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
    ctl.enter('provisioning');
    const end = r.step(`provision ${hosts.length} host(s) over SSH`);
    const result = await guard(
      deps.provision({
        hosts,
        config,
        vars: opts.vars,
        run: { connect: opts.connect, onEvent: opts.onTaskEvent, signal: ctl.signal },
      }),
    ).catch((e: unknown) => {
      end('failed');
      throw e;
    });
    recap = result.recap;
    markProvisioned(appliedFile, recap);
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
      ? `next: ${streamlab(`provision --inventory ${inventoryFile}`)}`
      : `next: ${['status', 'tail', 'handout'].map(streamlab).join(' | ')}`,
  );
  const exitCode = recap && recapExitCode(recap) !== 0 ? EXIT.failed : EXIT.ok;
  return { exitCode, plan, outputs, hosts, inventoryFile, ...(recap ? { recap } : {}) };
}
