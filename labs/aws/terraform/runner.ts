/**
 * Drives terraform/tofu in a synthesized stack directory: init, plan, apply, output,
 * destroy. Lines stream to a callback as they come (progress on long applies); a failure
 * becomes an OperationalError whose first line says what to do.
 */
import { streamlab } from '../../../config/command-form';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../../../config/errors';
import {
  interruptedError,
  processInterrupts,
  type InterruptHandler,
  type Interrupts,
} from '../../interrupts';
import { start, type RunResult } from '../../../process/run';
import { terraformEnv, type TerraformBinary } from './binary';
import { adviceFor, errorLines } from './diagnose';

/** After a forced stop, how long terraform has to exit before its group is killed. */
const FORCE_GRACE_MS = 5_000;

/** What a forced stop of apply/destroy may leave, and the commands that find and fix it. */
export const FORCED_LEFTOVERS =
  `what it was creating may exist in AWS but not in the state: \`${streamlab('down')}\` lists the ` +
  `lab's resources by name, and the next \`${streamlab('up')}\` adopts them`;

/** What a plan does to a resource that it changes (no-op and read are left out). */
export type PlanAction = 'create' | 'update' | 'replace' | 'delete';

export interface PlannedChange {
  /** Its terraform address, e.g. `aws_instance.Student-ana_Host_Instance_AF0F9C11`. */
  readonly address: string;
  readonly type: string;
  readonly action: PlanAction;
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  /** Resource types with the actions planned for them, e.g. `aws_instance: 2 create`. */
  readonly byType: Record<string, Record<PlanAction, number>>;
  /** Each resource the plan changes, in terraform's order (what reset checks it against). */
  readonly changes?: readonly PlannedChange[];
  /** Existing resources the plan imports into the state (labs/aws/adopt.ts). @default 0 */
  readonly adopt?: number;
  readonly hasChanges: boolean;
}

export interface TerraformOutput {
  readonly value: unknown;
  readonly type: unknown;
  readonly sensitive: boolean;
}

export interface PlanOptions {
  /** A plan that destroys everything the state holds. */
  readonly destroy?: boolean;
  /** Addresses to plan as destroyed and created again (`-replace=`), e.g. one student's instance. */
  readonly replace?: readonly string[];
}

export interface RunnerOptions {
  /** Called with each line terraform prints, stdout and stderr. */
  readonly onLine?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Who answers Ctrl-C. @default processInterrupts (tests pass their own hub) */
  readonly interrupts?: Interrupts;
}

export class TerraformRunner {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly binary: TerraformBinary,
    readonly stackDir: string,
    private readonly options: RunnerOptions = {},
  ) {
    this.env = terraformEnv(options.env ?? process.env);
  }

  /** `init`; `-upgrade` is never implied: the lock file pins providers. */
  async init(backendConfig: Record<string, string> = {}): Promise<void> {
    const backendArgs = Object.entries(backendConfig).map(([k, v]) => `-backend-config=${k}=${v}`);
    await this.run('init', ['init', '-input=false', '-no-color', ...backendArgs]);
  }

  /** Writes a plan file and summarizes it from `show -json`. */
  async plan(planFile = 'streamlab.tfplan', opts: PlanOptions = {}): Promise<PlanSummary> {
    const args = ['plan', '-input=false', '-no-color', `-out=${planFile}`];
    if (opts.destroy) args.push('-destroy');
    for (const address of opts.replace ?? []) args.push(`-replace=${address}`);
    await this.run('plan', args);
    const shown = await this.run('show', ['show', '-json', '-no-color', planFile], { quiet: true });
    return summarizePlan(JSON.parse(shown));
  }

  /** Applies a saved plan: exactly what was summarized, nothing else. */
  async apply(planFile = 'streamlab.tfplan'): Promise<void> {
    await this.run('apply', ['apply', '-input=false', '-no-color', '-auto-approve', planFile]);
  }

  async destroy(): Promise<void> {
    await this.run('destroy', ['destroy', '-input=false', '-no-color', '-auto-approve']);
  }

  /** `output -json`; an empty result means the stack was never applied. */
  async outputs(): Promise<Record<string, TerraformOutput>> {
    const text = await this.run('output', ['output', '-json', '-no-color'], { quiet: true });
    const parsed = JSON.parse(text || '{}') as Record<string, TerraformOutput>;
    if (Object.keys(parsed).length === 0) {
      throw new OperationalError(
        `the stack in ${this.stackDir} has no outputs: it was never applied (run \`streamlab up\`)`,
      );
    }
    return parsed;
  }

  /** Resource addresses in the state; empty when the stack was never applied. */
  async stateList(): Promise<string[]> {
    // A backend that was never written to has no state at all: nothing is deployed.
    const text = await this.run('state list', ['state', 'list', '-no-color'], {
      quiet: true,
      tolerate: /No state file was found/,
    });
    return text.split('\n').filter((l) => l.trim() !== '');
  }

  /**
   * Runs one terraform command in its own process group, so a Ctrl-C in the terminal
   * reaches only us and we decide what terraform gets: the first press sends ONE SIGINT to
   * its group (what a terminal would do) and waits while terraform stops gracefully,
   * saves the state and releases the lock; a second press forces (terraform's own "two
   * interrupts", then SIGKILL if it still runs), and says what may be left.
   */
  private async run(
    step: string,
    args: string[],
    opts: { quiet?: boolean; tolerate?: RegExp } = {},
  ): Promise<string> {
    const onLine = !opts.quiet ? this.options.onLine : undefined;
    const child = start([this.binary.path, ...args], {
      cwd: this.stackDir,
      env: this.env,
      ownProcessGroup: true,
      onLine:
        onLine &&
        ((line) => {
          if (line.trim()) onLine(line);
        }),
    });
    const tf = this.binary.flavor;
    const changes = step === 'apply' || step === 'destroy';
    let interrupted: 'once' | 'forced' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const handler: InterruptHandler = {
      first: () => {
        interrupted = 'once';
        child.signalGroup('SIGINT');
        return (
          `asking ${tf} ${step} to stop (one interrupt) and waiting for it: ` +
          (changes
            ? 'it finishes or cancels what it is doing and saves the state (this can take a minute)'
            : 'nothing is being changed') +
          '. Ctrl-C again forces.'
        );
      },
      again: () => {
        interrupted = 'forced';
        child.signalGroup('SIGINT');
        killTimer = setTimeout(() => child.signalGroup('SIGKILL'), FORCE_GRACE_MS);
        return `forcing ${tf} ${step} to stop now${changes ? `: ${FORCED_LEFTOVERS}` : ''}`;
      },
    };
    const pop = (this.options.interrupts ?? processInterrupts).push(handler);
    let result: RunResult;
    try {
      result = await child.exited;
    } catch (e) {
      throw new OperationalError(`cannot run ${this.binary.path}: ${(e as Error).message}`, {
        cause: e,
      });
    } finally {
      pop();
      clearTimeout(killTimer);
    }
    const { stdout, stderr: stderrText, code: exitCode } = result;
    if (interrupted) {
      throw interruptedError(
        `${tf} ${step} ${interrupted === 'forced' ? 'was forced to stop' : 'stopped'} (exit ${exitCode})`,
        interrupted === 'forced' && changes
          ? FORCED_LEFTOVERS
          : 'run the command again to continue from the saved state',
      );
    }
    if (exitCode !== 0 && opts.tolerate?.test(stderrText)) return '';
    if (exitCode !== 0) {
      const stderr = stderrText + (step === 'plan' || step === 'apply' ? stdout : '');
      const advice = adviceFor(stderr);
      const errors = errorLines(stderr);
      const detail = errors.length
        ? errors.join('\n  ')
        : stderr.trim().split('\n').slice(-5).join('\n  ');
      throw new OperationalError(
        `${this.binary.flavor} ${step} failed in ${this.stackDir}${advice ? `: ${advice}` : ''}\n  ${detail}`,
      );
    }
    return stdout;
  }
}

interface ShownPlan {
  resource_changes?: Array<{
    address?: string;
    type: string;
    change: { actions: string[]; importing?: unknown };
  }>;
}

export function summarizePlan(plan: ShownPlan): PlanSummary {
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  const byType: PlanSummary['byType'] = {};
  const changes: PlannedChange[] = [];
  let adopt = 0;
  for (const rc of plan.resource_changes ?? []) {
    if (rc.change.importing) adopt++;
    const a = rc.change.actions;
    const kind: PlanAction | undefined =
      a.includes('create') && a.includes('delete')
        ? 'replace'
        : a.includes('create')
          ? 'create'
          : a.includes('delete')
            ? 'delete'
            : a.includes('update')
              ? 'update'
              : undefined;
    if (!kind) continue; // no-op and read
    counts[kind]++;
    changes.push({ address: rc.address ?? rc.type, type: rc.type, action: kind });
    byType[rc.type] ??= { create: 0, update: 0, replace: 0, delete: 0 };
    byType[rc.type]![kind]++;
  }
  const hasChanges = adopt > 0 || Object.values(counts).some((n) => n > 0);
  return { ...counts, byType, changes, ...(adopt ? { adopt } : {}), hasChanges };
}

/** One line per type, e.g. `  aws_instance  +2 ~0 ±0 -0`, then the totals. */
export function formatPlanSummary(s: PlanSummary): string {
  if (!s.hasChanges) return 'No changes: the infrastructure matches the configuration.';
  const types = Object.keys(s.byType).sort();
  const width = Math.max(...types.map((t) => t.length));
  const lines = types.map((t) => {
    const c = s.byType[t]!;
    const parts = [
      c.create && `+${c.create} create`,
      c.update && `~${c.update} update`,
      c.replace && `±${c.replace} replace`,
      c.delete && `-${c.delete} destroy`,
    ].filter(Boolean);
    return `  ${t.padEnd(width)}  ${parts.join(', ')}`;
  });
  const adopted = s.adopt
    ? [`  adopt ${s.adopt} existing resource(s) into the state (import)`]
    : [];
  return [
    ...lines,
    ...adopted,
    `Plan: ${s.create} to add, ${s.update} to change, ${s.replace} to replace, ${s.delete} to destroy.`,
  ].join('\n');
}

/** Reads the synthesized stack's backend kind, to tell users where state lives. */
export function stackBackend(stackDir: string): string {
  const json = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { backend?: Record<string, unknown> };
  };
  return Object.keys(json.terraform?.backend ?? { local: {} })[0] ?? 'local';
}
