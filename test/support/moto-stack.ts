/**
 * A stack of a few constructs applied by the real terraform and hashicorp/aws provider
 * against moto, set up the way a rehearsal sets up the lab's stack (labs/rehearsal): its
 * overrides beside the synthesized JSON (the mirror's provider, path-style S3, EC2 to moto),
 * terraform and the AWS CLI in the environment that points every call at moto with its test
 * credentials, the provider from the filesystem mirror only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, type TerraformStack } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { findTerraform } from '../../labs/aws/terraform/binary';
import { TerraformRunner } from '../../labs/aws/terraform/runner';
import { memoryReporter } from '../../labs/progress';
import { writeRehearsalOverrides } from '../../labs/rehearsal/deps';
import {
  findProviderMirror,
  missingMirrorMessage,
  writeMirrorCliConfig,
} from '../../labs/rehearsal/provider-mirror';
import { pointAtEmulator } from '../../labs/rehearsal/session';
import { runSync } from '../../process/run';
import { which } from '../../process/which';
import { missingForEmulator } from './emulated-aws';

export const MOTO_REGION = 'us-east-1';
export const MOTO_ACCOUNT = '123456789012';

/** What a suite applying a stack and reading it back with the AWS CLI is missing. */
export const missingForMotoStack = (): string[] => [
  ...missingForEmulator(),
  ...(which('aws') ? [] : ['the AWS CLI (aws) is not on PATH']),
];

/** The stack's provider: region only; the environment and the overrides say the rest. */
export const motoProvider = (stack: TerraformStack) =>
  new AwsProvider(stack, 'Aws', { region: MOTO_REGION });

/** The environment of a rehearsal at `endpoint`: every AWS call of terraform and the CLI to moto. */
export function motoEnv(endpoint: string, dir: string): NodeJS.ProcessEnv {
  const mirror = findProviderMirror();
  if (!mirror) throw new Error(missingMirrorMessage());
  const emptyAwsConfig = join(dir, 'aws-config');
  writeFileSync(emptyAwsConfig, '');
  const env = { ...process.env };
  pointAtEmulator(env, {
    endpoint,
    region: MOTO_REGION,
    cliConfig: writeMirrorCliConfig(dir, mirror),
    emptyAwsConfig,
  });
  return env;
}

export interface MotoStack {
  readonly tf: TerraformRunner;
  readonly env: NodeJS.ProcessEnv;
  /** (Re)writes the stack's JSON and overrides: a changed stack, applied by the same runner. */
  write(stack: TerraformStack): void;
}

/** A terraform runner for stacks written into `dir`, applied against moto at `endpoint`. */
export async function motoStack(
  dir: string,
  endpoint: string,
  opts: { env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {},
): Promise<MotoStack> {
  mkdirSync(dir, { recursive: true });
  const env = { ...motoEnv(endpoint, dir), ...opts.env };
  const tf = new TerraformRunner(await findTerraform(), dir, {
    env,
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
  });
  return {
    tf,
    env,
    write(stack) {
      writeFileSync(join(dir, 'cdk.tf.json'), Testing.synth(stack));
      writeRehearsalOverrides(dir, endpoint, memoryReporter());
    },
  };
}

type Json = Record<string, unknown>;

/** The AWS CLI against moto: its JSON answer (`{}` when it printed nothing). */
export function awsCli(env: NodeJS.ProcessEnv, args: readonly string[]): Json {
  const endpoint = ['--endpoint-url', env.AWS_ENDPOINT_URL!];
  const out = runSync([which('aws')!, ...endpoint, '--output', 'json', ...args], {
    env: { ...env, AWS_DEFAULT_REGION: env.AWS_REGION },
  }).stdout;
  return (out.trim() ? JSON.parse(out) : {}) as Json;
}
