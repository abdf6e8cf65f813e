/**
 * The steps plan, up and down share: preflight (terraform found, AWS credentials valid,
 * before anything changes), synth, `terraform init` in the stack dir, and a plan saved
 * to a file and summarized. Every outside dependency is injectable so tests can run the
 * real terraform on an offline stack with a mocked AWS control plane.
 */
import type { LabConfig } from '../../config/schema';
import { classTimes, type ClassTimes } from '../class/end-time';
import { checkCredentials, type CallerIdentity } from './credentials';
import { checkQuotasIn } from './quota-clients';
import { formatQuotaCheck, needsOf, type QuotaCheck, type QuotaNeeds } from './quotas';
import { OperationalError, withOutcome } from '../../config/errors';
import { protectLocalState } from '../local-state/private-file';
import { ensureReaderExternalIds } from '../local-state/reader-external-ids';
import { hostNames } from '../../config/hosts';
import { operatorCidrWarning } from '../../config/documentation-ranges';
import { readerExternalIdsEnv } from '../../stacks/variables';
import { findTerraform, type TerraformBinary } from './terraform/binary';
import {
  formatPlanSummary,
  TerraformRunner,
  type PlanOptions,
  type PlanSummary,
  type TerraformOutput,
} from './terraform/runner';
import { asStep, type Reporter } from '../progress';

/** The part of TerraformRunner the commands use. */
export interface StackTerraform {
  init(): Promise<void>;
  plan(planFile?: string, opts?: PlanOptions): Promise<PlanSummary>;
  apply(planFile?: string): Promise<void>;
  outputs(): Promise<Record<string, TerraformOutput>>;
  stateList(): Promise<string[]>;
}

export interface SynthesizedStack {
  readonly stackDir: string;
  /** The local state file when the stack uses the local backend (absent: S3). */
  readonly localStateFile?: string;
}

export interface StackDeps {
  findTerraform(): Promise<TerraformBinary>;
  checkCredentials(region: string): Promise<CallerIdentity>;
  /** The account-limit checks the planned resources call for (./quotas.ts). */
  checkQuotas(region: string, needs: QuotaNeeds): Promise<QuotaCheck[]>;
  /** `classEndsAt` overrides the recorded class end (extend); the rest are the recorded times. */
  synth(config: LabConfig, options?: SynthOptions): SynthesizedStack;
  terraform(
    binary: TerraformBinary,
    stackDir: string,
    onLine: (line: string) => void,
    /** Added to the process's environment: the stack's variables (stackVariablesEnv). */
    env: NodeJS.ProcessEnv,
  ): StackTerraform;
}

/** With config `class`: the times to synthesize. @default the recorded ones (labs/class/end-time.ts) */
export type SynthOptions = ClassTimes;

export const PLAN_FILE = 'streamlab.tfplan';
export const DESTROY_PLAN_FILE = 'streamlab-destroy.tfplan';

/** cdktn loads lazily (it costs seconds); source maps off as in `streamlab synth`. */
function synthesizeLab(config: LabConfig, options: SynthOptions = {}): SynthesizedStack {
  if (!process.env.STREAMLAB_DEBUG) process.setSourceMapsEnabled(false);
  const { synthesize, stateFileFor, DEFAULT_OUT_DIR } =
    require('../../stacks/main') as typeof import('../../stacks/main');
  try {
    const result = synthesize(config, DEFAULT_OUT_DIR, { ...classTimes(config), ...options });
    return config.backend
      ? { stackDir: result.stackDir }
      : { stackDir: result.stackDir, localStateFile: stateFileFor(config) };
  } catch (e) {
    throw withOutcome(e, 'nothing was changed');
  }
}

export const defaultStackDeps: StackDeps = {
  findTerraform: () => findTerraform(),
  checkCredentials: (region) => checkCredentials(region),
  checkQuotas: checkQuotasIn,
  synth: synthesizeLab,
  terraform: (binary, stackDir, onLine, env) =>
    new TerraformRunner(binary, stackDir, { onLine, env: { ...process.env, ...env } }),
};

/**
 * The stack's input variables (stacks/variables.ts) as terraform reads them, from the
 * environment: with config `consumer`, each student's reader external id, generated and
 * stored the first time (labs/local-state/reader-external-ids.ts).
 */
export function stackVariablesEnv(config: LabConfig, baseDir = process.cwd()): NodeJS.ProcessEnv {
  if (!config.consumer) return {};
  return readerExternalIdsEnv(ensureReaderExternalIds(config.name, hostNames(config), baseDir));
}

export interface Preflight {
  readonly binary: TerraformBinary;
  readonly identity: CallerIdentity;
}

/** Fails before any change when terraform is missing or AWS credentials do not work. */
export async function preflight(
  config: LabConfig,
  deps: StackDeps,
  r: Reporter,
): Promise<Preflight> {
  return asStep(r, 'preflight: terraform and AWS credentials', async () => {
    const binary = await deps.findTerraform();
    r.line('check', `${binary.flavor} ${binary.version} (${binary.path})`);
    const identity = await deps.checkCredentials(config.region);
    r.line('check', `AWS account ${identity.account} as ${identity.arn}, region ${config.region}`);
    return { binary, identity };
  });
}

/** `plan` and `up`: a warning when operatorCidr is still a documentation address (the example's). */
export function warnExampleCidr(config: LabConfig, r: Reporter): void {
  const warning = operatorCidrWarning(config.operatorCidr);
  if (warning) r.line('WARNING', warning);
}

export interface PreparedStack extends SynthesizedStack {
  readonly tf: StackTerraform;
  /** Which of terraform's lines are shown; plan narrows it to progress lines. */
  show: (line: string) => boolean;
}

/** A line that says terraform is still working (as opposed to the rendered plan). */
const PROGRESS_LINE = /: (Refreshing state|Reading\.\.\.|Read complete|Still reading)|^Warning:/;

/** `tf` whose local state is owner-only: its directory before any run, its files after apply. */
function keepingStatePrivate(tf: StackTerraform, stateFile: string): StackTerraform {
  protectLocalState(stateFile);
  return {
    init: () => tf.init(),
    plan: (planFile, opts) => tf.plan(planFile, opts),
    apply: async (planFile) => {
      try {
        await tf.apply(planFile);
      } finally {
        protectLocalState(stateFile);
      }
    },
    outputs: () => tf.outputs(),
    stateList: () => tf.stateList(),
  };
}

/** synth (unless done already) + terraform init; terraform's lines stream under the step. */
export async function prepareStack(
  config: LabConfig,
  binary: TerraformBinary,
  deps: StackDeps,
  r: Reporter,
  synthesized?: SynthesizedStack,
): Promise<PreparedStack> {
  const stack =
    synthesized ?? (await asStep(r, `synth ${config.name}`, async () => deps.synth(config)));
  const tf = deps.terraform(
    binary,
    stack.stackDir,
    (l) => {
      if (prepared.show(l)) r.line(binary.flavor, l);
    },
    stackVariablesEnv(config),
  );
  const prepared: PreparedStack = {
    ...stack,
    show: () => true,
    tf: stack.localStateFile ? keepingStatePrivate(tf, stack.localStateFile) : tf,
  };
  await asStep(r, `${binary.flavor} init`, () => prepared.tf.init());
  return prepared;
}

/**
 * Plans into a file and prints the readable summary (counts by resource type). While
 * planning only progress lines stream: the summary replaces terraform's rendered diff
 * (`terraform show streamlab.tfplan` in the stack dir prints it in full).
 */
export async function planStack(
  stack: PreparedStack,
  binary: TerraformBinary,
  r: Reporter,
  opts: PlanOptions = {},
): Promise<PlanSummary> {
  stack.show = (l) => PROGRESS_LINE.test(l);
  const flags = [
    ...(opts.destroy ? ['-destroy'] : []),
    ...(opts.replace ?? []).map((a) => `-replace=${a}`),
  ];
  try {
    const summary = await asStep(r, [`${binary.flavor} plan`, ...flags].join(' '), () =>
      stack.tf.plan(opts.destroy ? DESTROY_PLAN_FILE : PLAN_FILE, opts),
    );
    r.result(formatPlanSummary(summary));
    return summary;
  } finally {
    stack.show = () => true;
  }
}

/**
 * After the plan, before any change: are the account's quotas enough for what the plan
 * creates? Prints one line per check; a quota too low fails naming it, the need and the
 * limit, and how to get more; a check AWS would not answer is a warning, not a failure.
 */
export async function quotaPreflight(
  config: LabConfig,
  plan: PlanSummary,
  deps: StackDeps,
  r: Reporter,
): Promise<QuotaCheck[]> {
  const needs = needsOf(config, plan);
  const checks = await asStep(r, 'preflight: account quotas for the plan', async () => {
    const found = await deps.checkQuotas(config.region, needs);
    if (found.length === 0) r.line('quota', 'the plan creates nothing that counts against a quota');
    for (const q of found) r.line('quota', formatQuotaCheck(q));
    return found;
  });
  const short = checks.filter((q) => q.status === 'short');
  if (short.length > 0) {
    throw new OperationalError(
      `the account's limits are too low for this plan in ${config.region} (nothing was changed):\n` +
        short.map((q) => `  ${q.quota}: ${q.detail}\n    ${q.hint ?? ''}`).join('\n'),
    );
  }
  return checks;
}
