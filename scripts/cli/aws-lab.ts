/**
 * What `up` and `reset` set up before they change the lab on AWS: the config (a
 * rehearsal's stand-ins reach no network, so their producers run the synthetic source, as
 * offline), the lab's key pairs, the playbook's vars (the X token from the environment,
 * checked before terraform runs: a missing secret must not leave a half-made lab), and for
 * a rehearsal moto, the stand-in hosts, the EC2 proxy in front of moto and the Kinesis
 * gate the stand-ins write through.
 */
import type { LabConfig } from '../../config/schema';
import { defaultUpDeps } from '../../labs/aws/up';
import type { ResetDeps } from '../../labs/aws/reset';
import { offlineVariant } from '../../labs/offline/lab-config';
import { OFFLINE_VARS } from '../../labs/offline/provisioning';
import { lineReporter, type Confirm, type Reporter } from '../../labs/progress';
import type { HostStepOptions } from '../../labs/aws/up';
import { rehearsalUpDeps } from '../../labs/rehearsal/deps';
import { ensureHostsEndpoint, type HostsKinesis } from '../../labs/rehearsal/hosts-endpoint';
import { enterRehearsal } from '../../labs/rehearsal/session';
import { bootStandIns, rehearsalRunDir, renewStandIn } from '../../labs/rehearsal/stand-ins';
import { ensureLabKeys } from '../../labs/setup/keys';
import type { VarOverrides } from '../../provisioning/playbooks/producer-host';
import { requireSourceSecret, xBearerTokenFromEnv } from '../../provisioning/provision';
import type { CommandContext } from './context';
import { terminalConfirm } from './confirm';
import { taskPrinter } from './task-printer';

/** The config `up` and `reset` act on: a rehearsal's is the offline variant. */
export function awsLabConfig(ctx: CommandContext): LabConfig {
  return ctx.config().rehearsal ? offlineVariant(ctx.config()) : ctx.config();
}

/** The lab's keys made, and the playbook's vars; throws before any change when a secret is missing. */
export async function prepareHostVars(
  config: LabConfig,
  opts: { provision: boolean; appDir: string | undefined },
): Promise<VarOverrides> {
  await ensureLabKeys(config);
  const token = xBearerTokenFromEnv();
  if (opts.provision) requireSourceSecret(config, token);
  return {
    ...(config.rehearsal ? OFFLINE_VARS : {}),
    xBearerToken: token,
    producerAppDir: opts.appDir,
  };
}

export interface AwsLabSession {
  readonly deps: ResetDeps;
  /** Where a rehearsal's Kinesis is, for streamlab and each stand-in (absent on AWS). */
  readonly kinesis?: HostsKinesis;
  close(): Promise<void>;
}

/** On AWS the default deps; in a rehearsal moto, the stand-ins and the gate, started here. */
export async function openAwsLab(config: LabConfig, reporter: Reporter): Promise<AwsLabSession> {
  if (!config.rehearsal) return { deps: defaultUpDeps, close: async () => {} };
  const rehearsal = await enterRehearsal(config, { start: true, reporter });
  const standIns = await bootStandIns(config, reporter);
  const { deps, close } = await rehearsalUpDeps(defaultUpDeps, rehearsal, standIns, reporter);
  const runDir = rehearsalRunDir(config.name);
  const kinesis = await ensureHostsEndpoint(rehearsal, runDir, config, reporter);
  return {
    deps: {
      ...deps,
      // A replaced instance gets a fresh stand-in, which the packet filter must then cover.
      renewed: async (student) => {
        await renewStandIn(config, student, standIns, reporter);
        await ensureHostsEndpoint(rehearsal, runDir, config, reporter);
      },
    },
    kinesis,
    close,
  };
}

/** The options `up` and `reset` run with alike, from their command lines. */
export type AwsLabRunOptions = HostStepOptions & { readonly confirm: Confirm };

/**
 * Runs a command's `work` on the lab (opened here, closed after, whatever happens) with the
 * options up and reset share: progress lines, the question (or --yes), the connect
 * deadline, the playbook's vars, task lines, and a rehearsal's Kinesis endpoint.
 */
export async function inAwsLab(
  config: LabConfig,
  line: { yes: boolean; connectMs: number; vars: VarOverrides },
  work: (shared: AwsLabRunOptions, deps: ResetDeps) => Promise<{ exitCode: number }>,
): Promise<number> {
  const reporter = lineReporter();
  const lab = await openAwsLab(config, reporter);
  try {
    const shared: AwsLabRunOptions = {
      config,
      reporter,
      confirm: terminalConfirm({ yes: line.yes }),
      connect: { deadlineMs: line.connectMs },
      vars: line.vars,
      onTaskEvent: taskPrinter(reporter),
      ...(lab.kinesis ? { kinesis: lab.kinesis } : {}),
    };
    return (await work(shared, lab.deps)).exitCode;
  } finally {
    await lab.close();
  }
}
