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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformOutput, Testing } from 'cdktn';
import { DataStream } from '../../../stacks/constructs/data-stream';
import { ReaderExternalIds } from '../../../stacks/constructs/reader-external-ids';
import { StreamReader } from '../../../stacks/constructs/stream-reader';
import { readerExternalIdsEnv } from '../../../stacks/variables';
import { newReaderExternalId } from '../../../labs/local-state/reader-external-ids';
import { readerOutputName, readerRoleArns } from '../../../stacks/outputs';
import { PolicyCheckedStack } from '../../../stacks/policy/checked-stack';
import { describeWith } from '../../support/emulated-aws';
import { startMoto, type RunningMoto } from '../../../labs/rehearsal/moto';
import {
  awsCli,
  missingForMotoStack,
  MOTO_ACCOUNT,
  motoProvider,
  motoStack,
} from '../../support/moto-stack';

// Measured 134 s on a loaded 2-core machine (plan and the provider's Kinesis waiter dominate).
jest.setTimeout(300_000);

// Without terraform, the mirror, moto or the AWS CLI this skips, and fails under CI=true.
const describeWithMoto = describeWith(missingForMotoStack);

const STUDENTS = ['ana', 'bo-r'] as const;
/** As `streamlab up` would generate them (labs/local-state/reader-external-ids.ts). */
const IDS: Record<string, string> = { ana: newReaderExternalId(), 'bo-r': newReaderExternalId() };

/** A stream and a reader role per student, each role's ARN an output. */
function readerStack(): PolicyCheckedStack {
  const stack = new PolicyCheckedStack(Testing.app({ stackTraces: false }), 'moto', []);
  motoProvider(stack);
  const externalIds = new ReaderExternalIds(stack, 'ExternalIds');
  for (const student of STUDENTS) {
    const stream = new DataStream(stack, `Stream-${student}`, { name: `moto-${student}` });
    const reader = new StreamReader(stack, `Reader-${student}`, {
      name: `moto-${student}-reader`,
      region: 'us-east-1',
      stream,
      principal: `arn:aws:iam::${MOTO_ACCOUNT}:root`,
      externalId: externalIds.externalIdOf(student),
    });
    new TerraformOutput(stack, `Out-${student}`, { value: reader.roleArn }).overrideLogicalId(
      readerOutputName(student),
    );
  }
  return stack;
}

describeWithMoto('reader role applied by the real provider against moto', () => {
  const work = mkdtempSync(join(tmpdir(), 'streamlab-reader-moto-'));
  let moto: RunningMoto | undefined;

  beforeAll(async () => {
    moto = await startMoto({ workDir: work });
  });

  // Nothing is destroyed: the resources live only in this moto process, which ends here.
  afterAll(async () => {
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("creates a role per student, each trusting only that student's external id (checked on the trust policy read back: moto does not enforce trust conditions)", async () => {
    const dir = join(work, 'stack');
    const printed: string[] = [];
    const applied = await motoStack(dir, moto!.endpoint, {
      env: readerExternalIdsEnv(IDS),
      onLine: (l) => void printed.push(l),
    });
    applied.write(readerStack());
    const { tf } = applied;
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

    const aws = (...args: string[]) => awsCli(applied.env, args);
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
