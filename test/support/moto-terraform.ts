/**
 * A construct under test, applied by the real terraform and the real hashicorp/aws
 * provider (the filesystem mirror) with moto as the AWS API: the stack with its provider
 * pointed at moto, its synth pinned to the mirrored provider, and the runner.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { PolicyCheckedStack } from '../../stacks/policy/checked-stack';
import { findTerraform } from '../../labs/aws/terraform/binary';
import { TerraformRunner } from '../../labs/aws/terraform/runner';
import { which } from '../../process/which';
import { describeWith, missingForEmulator } from './emulated-aws';
import {
  findProviderMirror,
  MIRRORED_AWS_VERSION,
  missingMirrorMessage,
  writeMirrorCliConfig,
} from '../../labs/rehearsal/provider-mirror';

/** The AWS CLI, to read back what terraform made. */
export const awsCli = which('aws');

/** describe() with terraform, the mirror, moto and the AWS CLI here; else a skip (CI: a failure). */
export const describeWithMotoCli = describeWith(() => [
  ...missingForEmulator(),
  ...(awsCli ? [] : ['the AWS CLI (aws) is not on PATH']),
]);

/** An empty policy-checked stack whose provider sends the named services to moto. */
export function motoStack(endpoint: string, services: readonly string[]): PolicyCheckedStack {
  const stack = new PolicyCheckedStack(Testing.app({ stackTraces: false }), 'moto', []);
  new AwsProvider(stack, 'Aws', {
    region: 'us-east-1',
    accessKey: 'test',
    secretKey: 'test',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    endpoints: [Object.fromEntries(services.map((s) => [s, endpoint]))],
  });
  return stack;
}

/** Synthesizes the stack into dir/cdk.tf.json, pinned to the provider the mirror holds. */
export function writeMotoStack(stack: PolicyCheckedStack, dir: string): void {
  const json = JSON.parse(Testing.synth(stack)) as {
    terraform: { required_providers: { aws: { version: string } } };
  };
  // The image mirrors one provider release; the stack pins the bindings' newer one.
  json.terraform.required_providers.aws.version = MIRRORED_AWS_VERSION;
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));
}

/** moto's default account, which its resources' ARNs carry. */
export const MOTO_ACCOUNT = '123456789012';

/** Instances as the class constructs take them: the id for the call, the ARN for a policy. */
export function instancesById(ids: readonly string[]): { id: string; arn: string }[] {
  return ids.map((id) => ({ id, arn: `arn:aws:ec2:us-east-1:${MOTO_ACCOUNT}:instance/${id}` }));
}

/** terraform in dir (made if missing), installing the provider from the mirror only. */
export async function mirroredTerraform(dir: string): Promise<TerraformRunner> {
  mkdirSync(dir, { recursive: true });
  const mirror = findProviderMirror();
  if (!mirror) throw new Error(missingMirrorMessage());
  return new TerraformRunner(await findTerraform(), dir, {
    env: { ...process.env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(dir, mirror) },
  });
}
