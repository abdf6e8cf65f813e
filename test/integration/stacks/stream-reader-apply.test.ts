/**
 * The reader role (config `consumer`) applied for real: the real terraform and the real
 * hashicorp/aws provider (the image's filesystem mirror) against moto as the AWS API, then
 * the AWS CLI reads the role back and assumes it with the external id. Only the AWS
 * control plane is emulated; moto does not enforce IAM, so the least-privilege checks
 * stay in test/unit/stacks/constructs/stream-reader.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformOutput, Testing } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { DataStream } from '../../../stacks/constructs/data-stream';
import { StreamReader } from '../../../stacks/constructs/stream-reader';
import { readerOutputName, readerRoleArns } from '../../../stacks/outputs';
import { PolicyCheckedStack } from '../../../stacks/policy/checked-stack';
import { findTerraform } from '../../../labs/aws/terraform/binary';
import { runSync } from '../../../process/run';
import { which } from '../../../process/which';
import { TerraformRunner } from '../../../labs/aws/terraform/runner';
import { describeWith, missingForEmulator } from '../../support/emulated-aws';
import { startMoto, type RunningMoto } from '../../../labs/rehearsal/moto';
import {
  findProviderMirror,
  MIRRORED_AWS_VERSION,
  missingMirrorMessage,
  writeMirrorCliConfig,
} from '../../../labs/rehearsal/provider-mirror';

// Measured 134 s on a loaded 2-core machine (plan and the provider's Kinesis waiter dominate).
jest.setTimeout(300_000);

const awsCli = which('aws');

// Without terraform, the mirror, moto or the AWS CLI this skips, and fails under CI=true.
const describeWithMoto = describeWith(() => [
  ...missingForEmulator(),
  ...(awsCli ? [] : ['the AWS CLI (aws) is not on PATH']),
]);

function readerStack(endpoint: string): { dir: string; cliConfig: string } {
  const stack = new PolicyCheckedStack(Testing.app({ stackTraces: false }), 'moto', []);
  new AwsProvider(stack, 'Aws', {
    region: 'us-east-1',
    accessKey: 'test',
    secretKey: 'test',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    endpoints: [{ iam: endpoint, kinesis: endpoint, sts: endpoint }],
  });
  const stream = new DataStream(stack, 'Stream', { name: 'moto-ana' });
  const reader = new StreamReader(stack, 'Reader', {
    name: 'moto-ana-reader',
    region: 'us-east-1',
    stream,
    principal: 'arn:aws:iam::123456789012:root',
    externalId: 'moto-ext-1',
  });
  new TerraformOutput(stack, 'Out', { value: reader.roleArn }).overrideLogicalId(
    readerOutputName('ana'),
  );
  const json = JSON.parse(Testing.synth(stack)) as {
    terraform: { required_providers: { aws: { version: string } } };
  };
  // The image mirrors one provider release; the stack pins the bindings' newer one.
  json.terraform.required_providers.aws.version = MIRRORED_AWS_VERSION;
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-reader-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));
  const mirror = findProviderMirror();
  if (!mirror) throw new Error(missingMirrorMessage());
  return { dir, cliConfig: writeMirrorCliConfig(dir, mirror) };
}

describeWithMoto('reader role applied by the real provider against moto', () => {
  const work = mkdtempSync(join(tmpdir(), 'streamlab-reader-moto-'));
  let moto: RunningMoto | undefined;
  let dir: string | undefined;
  let endpoint = '';

  beforeAll(async () => {
    moto = await startMoto({ workDir: work });
    endpoint = moto.endpoint;
  });

  // Nothing is destroyed: the resources live only in this moto process, which ends here.
  afterAll(async () => {
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the role, outputs its ARN, and the role can be assumed with the external id', async () => {
    const stack = readerStack(endpoint);
    dir = stack.dir;
    const tf = new TerraformRunner(await findTerraform(), dir, {
      env: { ...process.env, TF_CLI_CONFIG_FILE: stack.cliConfig },
    });
    await tf.init();
    await tf.plan();
    await tf.apply();
    const arn = readerRoleArns(await tf.outputs(), ['ana']).ana;
    expect(arn).toBe('arn:aws:iam::123456789012:role/moto-ana-reader-us-east-1');

    const aws = (...args: string[]) =>
      JSON.parse(
        runSync([awsCli!, '--endpoint-url', endpoint, '--output', 'json', ...args], {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_DEFAULT_REGION: 'us-east-1',
          },
        }).stdout,
      ) as Record<string, unknown>;
    const role = aws('iam', 'get-role', '--role-name', 'moto-ana-reader-us-east-1') as {
      Role: { AssumeRolePolicyDocument: unknown };
    };
    expect(role.Role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'moto-ext-1' } },
        },
      ],
    });
    const policy = aws(
      'iam',
      'get-role-policy',
      '--role-name',
      'moto-ana-reader-us-east-1',
      '--policy-name',
      'ReadStream',
    ) as {
      PolicyDocument: { Statement: { Action: string[]; Resource: string[] }[] };
    };
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: [
          'kinesis:DescribeStream',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
          'kinesis:ListShards',
        ],
        Resource: ['arn:aws:kinesis:us-east-1:123456789012:stream/moto-ana'],
      }),
    ]);
    const assumed = aws(
      'sts',
      'assume-role',
      '--role-arn',
      arn!,
      '--role-session-name',
      'streamlab-notebook',
      '--external-id',
      'moto-ext-1',
    ) as { AssumedRoleUser: { Arn: string } };
    expect(assumed.AssumedRoleUser.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/moto-ana-reader-us-east-1/streamlab-notebook',
    );
  });
});
