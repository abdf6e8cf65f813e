/**
 * The CDK Terrain app. `cdktf.json` runs this file (`npx tsx stacks/main.ts`); the
 * `streamlab synth` command calls `synthesize()` in-process instead, with no cdktn-cli.
 *
 * Output: `<out>/stacks/<config.name>/cdk.tf.json`. Synth happens in a temp dir inside
 * `<out>` and is renamed into place only when the whole stack, policy gate included,
 * succeeded: a failed synth leaves the previous output untouched.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { refuseSymlinks } from '../config/no-follow';
import { join, relative, resolve } from 'node:path';
import { App } from 'cdktn';
import { loadConfig } from '../config/load';
import { LOCAL_STATE_DIR } from '../config/local-state';
import type { LabConfig } from '../config/schema';
import type { LabStackOptions } from './lab-props';
import { LabStack } from './lab-stack';
import type { PolicyReport } from './policy/aspect';

export const DEFAULT_OUT_DIR = 'cdktf.out';
export const STACK_FILE = 'cdk.tf.json';

/** Where a lab's Terraform state lives: `<baseDir>/.streamlab/state/<name>.tfstate`. */
export function stateFileFor(config: LabConfig, baseDir = process.cwd()): string {
  return resolve(baseDir, LOCAL_STATE_DIR, 'state', `${config.name}.tfstate`);
}

export interface SynthResult {
  /** Absolute path of the written cdk.tf.json. */
  readonly file: string;
  readonly stackDir: string;
  /** Resources by Terraform type (data sources not included). */
  readonly resourcesByType: Record<string, number>;
  readonly dataSources: number;
  readonly hosts: string[];
  readonly policy: PolicyReport;
  /** Things the operator should know that are not errors. */
  readonly notes: string[];
}

export function synthesize(
  config: LabConfig,
  outDir: string = DEFAULT_OUT_DIR,
  options: LabStackOptions = {},
): SynthResult {
  const out = resolve(outDir);
  // Its stack dir and manifest are replaced and written: never through a planted link.
  refuseSymlinks(join(out, 'stacks', config.name));
  refuseSymlinks(join(out, 'manifest.json'));
  mkdirSync(join(out, 'stacks'), { recursive: true });
  const tmp = mkdtempSync(join(out, '.synth-'));
  // cdktn records a stack trace for every token it creates (thousands per classroom); the
  // traces only help debug cdktn itself and were most of synth's CPU time. Keep them with
  // STREAMLAB_DEBUG=1.
  const creationStack = process.env.CDKTN_DISABLE_CREATION_STACK;
  if (!process.env.STREAMLAB_DEBUG && creationStack === undefined) {
    process.env.CDKTN_DISABLE_CREATION_STACK = '1';
  }
  try {
    // skipValidation: the only app-level validation checks provider version pins of a
    // cdktn-cli project; terraform init checks them again anyway.
    const app = new App({ outdir: tmp, skipValidation: true, stackTraces: false });
    const stackDir = join(out, 'stacks', config.name);
    const statePath = relative(stackDir, stateFileFor(config, options.baseDir));
    const stack = new LabStack(app, config, { statePath, ...options });
    app.synth();
    const report = stack.policyReport;
    if (!report) throw new Error('internal: the policy gate did not run during synth');

    const built = join(tmp, 'stacks', config.name);
    const json = JSON.parse(readFileSync(join(built, STACK_FILE), 'utf8')) as {
      resource?: Record<string, Record<string, unknown>>;
      data?: Record<string, Record<string, unknown>>;
    };
    replaceDir(built, stackDir);
    mergeManifest(join(tmp, 'manifest.json'), join(out, 'manifest.json'));

    const resourcesByType: Record<string, number> = {};
    for (const [type, byId] of Object.entries(json.resource ?? {})) {
      resourcesByType[type] = Object.keys(byId).length;
    }
    const dataSources = Object.values(json.data ?? {}).reduce(
      (n, byId) => n + Object.keys(byId).length,
      0,
    );
    const notes: string[] = [];
    return {
      file: join(stackDir, STACK_FILE),
      stackDir,
      resourcesByType,
      dataSources,
      hosts: stack.students.map((s) => s.student),
      policy: report,
      notes,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (creationStack === undefined) delete process.env.CDKTN_DISABLE_CREATION_STACK;
  }
}

/**
 * Swap a freshly built stack dir into place. Files synth does not produce (terraform's
 * .terraform/, lock file, saved plans) move over, so re-synth never forces a re-init.
 * The old dir is removed only after the rename.
 */
function replaceDir(from: string, to: string): void {
  const old = `${to}.old-${process.pid}`;
  if (existsSync(to)) {
    for (const entry of readdirSync(to)) {
      if (!existsSync(join(from, entry))) renameSync(join(to, entry), join(from, entry));
    }
    renameSync(to, old);
  }
  try {
    renameSync(from, to);
  } catch (e) {
    if (existsSync(old)) renameSync(old, to);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

/** The manifest lists every stack in <out>; keep other labs' entries, write atomically. */
function mergeManifest(fresh: string, target: string): void {
  const next = JSON.parse(readFileSync(fresh, 'utf8')) as { stacks?: Record<string, unknown> };
  if (existsSync(target)) {
    try {
      const prev = JSON.parse(readFileSync(target, 'utf8')) as { stacks?: Record<string, unknown> };
      next.stacks = { ...prev.stacks, ...next.stacks };
    } catch {
      // An unreadable manifest is replaced: it only indexes the stack dirs.
    }
  }
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(tmp, target);
}

// `cdktn synth` / `npx tsx stacks/main.ts`: config from STREAMLAB_CONFIG or ./streamlab.yaml.
if (require.main === module) {
  try {
    const config = loadConfig(process.env.STREAMLAB_CONFIG ?? 'streamlab.yaml');
    const result = synthesize(config, process.env.CDKTF_OUTDIR ?? DEFAULT_OUT_DIR);
    for (const w of result.policy.waived) {
      console.error(`waived ${w.finding.rule} ${w.finding.path}: ${w.waiver.reason}`);
    }
    console.error(`wrote ${result.file}`);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = (e as { exitCode?: number }).exitCode ?? 1;
  }
}
