/**
 * The reader roles (config `consumer`) applied for real: the real terraform and the real
 * hashicorp/aws provider (the image's filesystem mirror) against moto as the AWS API, then
 * the AWS CLI reads the roles back and assumes one with its student's external id. Only
 * the AWS control plane is emulated. moto enforces neither IAM nor trust policies (its
 * AssumeRole does not even require the role to exist: moto/sts/models.py), so "Ana's id
 * cannot assume Bruno's role" is checked on the trust policy IAM holds, read back from the
 * API: each role's ExternalId condition names its own student's id and no other. The
 * least-privilege checks stay in test/unit/stacks/constructs/stream-reader.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformOutput, Testing } from 'cdktn';
import { DataStream } from '../../../stacks/constructs/data-stream';
import { ReaderExternalIds } from '../../../stacks/constructs/reader-external-ids';
import { StreamReader } from '../../../stacks/constructs/stream-reader';
import { readerExternalIdsEnv } from '../../../stacks/variables';
import { newReaderExternalId } from '../../../labs/local-state/reader-external-ids';
import { readerOutputName, readerRoleArns } from '../../../stacks/outputs';
import { findTerraform } from '../../../labs/aws/terraform/binary';
import { runSync } from '../../../process/run';
import { which } from '../../../process/which';
import { TerraformRunner } from '../../../labs/aws/terraform/runner';
import { motoStack } from '../../support/moto-terraform';
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

const STUDENTS = ['ana', 'bo-r'] as const;
/** As `streamlab up` would generate them (labs/local-state/reader-external-ids.ts). */
const IDS: Record<string, string> = { ana: newReaderExternalId(), 'bo-r': newReaderExternalId() };

function readerStack(endpoint: string): { dir: string; cliConfig: string } {
  const stack = motoStack(endpoint, ['iam', 'kinesis', 'sts']);
  const externalIds = new ReaderExternalIds(stack, 'ExternalIds');
  for (const student of STUDENTS) {
    const stream = new DataStream(stack, `Stream-${student}`, { name: `moto-${student}` });
    const reader = new StreamReader(stack, `Reader-${student}`, {
      name: `moto-${student}-reader`,
      region: 'us-east-1',
      stream,
      principal: 'arn:aws:iam::123456789012:root',
      externalId: externalIds.externalIdOf(student),
    });
    new TerraformOutput(stack, `Out-${student}`, { value: reader.roleArn }).overrideLogicalId(
      readerOutputName(student),
    );
  }
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

  it("creates a role per student, each trusting only that student's external id (checked on the trust policy read back: moto does not enforce trust conditions)", async () => {
    const stack = readerStack(endpoint);
    dir = stack.dir;
    const printed: string[] = [];
    const tf = new TerraformRunner(await findTerraform(), dir, {
      env: { ...process.env, TF_CLI_CONFIG_FILE: stack.cliConfig, ...readerExternalIdsEnv(IDS) },
      onLine: (l) => void printed.push(l),
    });
    await tf.init();
    await tf.plan();
    await tf.apply();
    // The ids came through the environment as a sensitive variable: not in the stack's JSON,
    // not in anything terraform printed.
    const synthesized = readFileSync(join(dir, 'cdk.tf.json'), 'utf8');
    for (const id of Object.values(IDS)) {
      expect(synthesized).not.toContain(id);
      expect(printed.join('\n')).not.toContain(id);
    }
    const arns = readerRoleArns(await tf.outputs(), [...STUDENTS]);
    const arn = arns.ana;
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
    const trustOf = (student: string) =>
      (
        aws('iam', 'get-role', '--role-name', `moto-${student}-reader-us-east-1`) as {
          Role: { AssumeRolePolicyDocument: unknown };
        }
      ).Role.AssumeRolePolicyDocument;
    for (const student of STUDENTS) {
      expect(trustOf(student)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:root' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': IDS[student] } },
          },
        ],
      });
    }
    // Both roles trust the same principal: only the ids tell Ana's notebook from Bruno's.
    expect(IDS.ana).not.toBe(IDS['bo-r']);
    expect(JSON.stringify(trustOf('bo-r'))).not.toContain(IDS.ana);
    const policy = aws(
      'iam',
      'get-role-policy',
      '--role-name',
      'moto-ana-reader-us-east-1',
      '--policy-name',
      'ReadStream-ana',
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
      IDS.ana!,
    ) as { AssumedRoleUser: { Arn: string } };
    expect(assumed.AssumedRoleUser.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/moto-ana-reader-us-east-1/streamlab-notebook',
    );
  });
});
