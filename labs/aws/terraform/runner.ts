/**
 * Drives terraform/tofu in a synthesized stack directory: init, plan, apply, output,
 * destroy. Lines stream to a callback as they come (progress on long applies); a failure
 * becomes an OperationalError whose first line says what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, OperationalError } from '../../../config/errors';
import { start, type RunResult } from '../../../process/run';
import { terraformEnv, type TerraformBinary } from './binary';
import { adviceFor, errorLines } from './diagnose';

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  /** Resource types with the actions planned for them, e.g. `aws_instance: 2 create`. */
  readonly byType: Record<string, Record<'create' | 'update' | 'replace' | 'delete', number>>;
  readonly hasChanges: boolean;
}

export interface TerraformOutput {
  readonly value: unknown;
  readonly type: unknown;
  readonly sensitive: boolean;
}

export interface RunnerOptions {
  /** Called with each line terraform prints, stdout and stderr. */
  readonly onLine?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Where Ctrl-C comes from. @default process (tests pass their own emitter) */
  readonly interrupts?: NodeJS.EventEmitter;
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
  async plan(
    planFile = 'streamlab.tfplan',
    opts: { destroy?: boolean } = {},
  ): Promise<PlanSummary> {
    const args = ['plan', '-input=false', '-no-color', `-out=${planFile}`];
    if (opts.destroy) args.push('-destroy');
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
   * reaches only us: we pass exactly ONE SIGINT on and wait. Terraform then stops
   * gracefully and releases the state lock; a second SIGINT would make it abort at once
   * and could leave the lock held.
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
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) {
        this.options.onLine?.(
          `waiting for ${this.binary.flavor} to stop cleanly (it saves state and releases the lock)`,
        );
        return;
      }
      interrupted = true;
      this.options.onLine?.(
        `interrupt: asking ${this.binary.flavor} to stop (once) and waiting for it`,
      );
      child.kill('SIGINT');
    };
    const interrupts = this.options.interrupts ?? process;
    interrupts.on('SIGINT', onSigint);
    let result: RunResult;
    try {
      result = await child.exited;
    } catch (e) {
      throw new OperationalError(`cannot run ${this.binary.path}: ${(e as Error).message}`, {
        cause: e,
      });
    } finally {
      interrupts.off('SIGINT', onSigint);
    }
    const { stdout, stderr: stderrText, code: exitCode } = result;
    if (interrupted) {
      throw new OperationalError(
        `interrupted: ${this.binary.flavor} ${step} stopped (exit ${exitCode}); run the command again to continue`,
        { exitCode: EXIT.interrupted },
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
  resource_changes?: Array<{ type: string; change: { actions: string[] } }>;
}

export function summarizePlan(plan: ShownPlan): PlanSummary {
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  const byType: PlanSummary['byType'] = {};
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    const kind =
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
    byType[rc.type] ??= { create: 0, update: 0, replace: 0, delete: 0 };
    byType[rc.type]![kind]++;
  }
  const hasChanges = Object.values(counts).some((n) => n > 0);
  return { ...counts, byType, hasChanges };
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
  return [
    ...lines,
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
