/**
 * `terraform validate` of a synthesized stack with the real hashicorp/aws provider from the
 * filesystem mirror: the provider's own schema checks every attribute name, type, enum
 * and conflict of cdk.tf.json (no AWS call is made). Reusable: a new case is one config.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabConfig } from '../../config/schema';
import { run } from '../../process/run';
import { synthesize } from '../../stacks/main';
import { keysFor } from './lab-stack';
import {
  olderLambdaRuntime,
  pinProvider,
  writeStackOverrides,
  type StackOverride,
} from '../../labs/rehearsal/stack-overrides';
import {
  findProviderMirror,
  MIRRORED_AWS_VERSION,
  missingMirrorMessage,
  writeMirrorCliConfig,
} from '../../labs/rehearsal/provider-mirror';

export interface Validated {
  readonly valid: boolean;
  /** `terraform validate -json` diagnostics, "severity: summary — detail" each. */
  readonly diagnostics: string[];
  readonly stackDir: string;
  readonly ms: number;
}

const terraform = (args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  run(['terraform', ...args], { cwd, env, allowFailure: true });

/** What a stack needs to validate with the mirrored 5.x provider. */
export const VALIDATE_OVERRIDES: readonly StackOverride[] = [
  pinProvider(MIRRORED_AWS_VERSION),
  olderLambdaRuntime,
];

/** Synthesizes `config` under `workDir`, inits against the mirror, validates. */
export async function validateStack(
  config: LabConfig,
  workDir: string,
  overrides: readonly StackOverride[] = VALIDATE_OVERRIDES,
): Promise<Validated> {
  const started = Date.now();
  const mirror = findProviderMirror();
  if (!mirror) throw new Error(missingMirrorMessage());
  mkdirSync(workDir, { recursive: true });
  const { stackDir } = synthesize(config, join(workDir, 'cdktf.out'), {
    publicKeys: keysFor(config),
    baseDir: workDir,
  });
  writeStackOverrides(stackDir, overrides);
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_CLI_CONFIG_FILE: writeMirrorCliConfig(workDir, mirror),
  };
  // validate needs the provider, never the backend.
  const init = await terraform(
    ['init', '-backend=false', '-input=false', '-no-color'],
    stackDir,
    env,
  );
  if (init.code !== 0) throw new Error(`terraform init in ${stackDir} failed:\n${init.stderr}`);
  const r = await terraform(['validate', '-json', '-no-color'], stackDir, env);
  const parsed = JSON.parse(r.stdout) as {
    valid: boolean;
    diagnostics: Array<{ severity: string; summary: string; detail?: string }>;
  };
  writeFileSync(join(workDir, 'validate.json'), r.stdout);
  return {
    valid: parsed.valid,
    diagnostics: parsed.diagnostics.map(
      (d) => `${d.severity}: ${d.summary}${d.detail ? ` — ${d.detail}` : ''}`,
    ),
    stackDir,
    ms: Date.now() - started,
  };
}
