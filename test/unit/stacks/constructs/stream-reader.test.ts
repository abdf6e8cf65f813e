/** StreamReader, in a bare stack beside the stream it reads: least privilege, behind the policy gate. */
import { Construct } from 'constructs';
import { Testing } from 'cdktn';
import { DataStream } from '../../../../stacks/constructs/data-stream';
import { StreamReader } from '../../../../stacks/constructs/stream-reader';
import { PolicyViolationError } from '../../../../stacks/policy/violation-error';
import { bareStack, synthBare } from '../../../support/bare-stack';
import { resourcesOf, type StackJson } from '../../../support/lab-stack';

const PRINCIPAL = 'arn:aws:iam::210987654321:role/databricks-cluster';
const EXTERNAL_ID = 'streamlab-bigdata-lab-7f3a';
/** Two students' streams, each with its reader, as two Students hold them. */
const { json } = synthBare((s) => {
  for (const student of ['ana', 'bo-r']) {
    const scope = new Construct(s, `Student-${student}`);
    const stream = new DataStream(scope, 'Stream', { name: `bigdata-lab-${student}` });
    new StreamReader(scope, 'Reader', {
      name: `bigdata-lab-${student}-reader`,
      region: 'us-east-1',
      stream,
      principal: PRINCIPAL,
      externalId: EXTERNAL_ID,
    });
  }
});

type Statement = { Sid?: string; Effect: string; Action: string[]; Resource: string[] };
const roles = (j: StackJson) =>
  Object.entries(j.resource.aws_iam_role ?? {}).filter(([, r]) =>
    /-reader-[a-z0-9-]+$/.test(String(r.name)),
  );
const policiesOf = (j: StackJson, roleId: string) =>
  Object.values(j.resource.aws_iam_role_policy ?? {})
    .filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`)
    .map((p) => ({
      name: p.name,
      statements: JSON.parse(p.policy as string).Statement as Statement[],
    }));

describe('StreamReader', () => {
  it('is a role the principal may assume only with the external id', () => {
    const found = roles(json);
    expect(found.map(([, r]) => r.name)).toEqual([
      'bigdata-lab-ana-reader-us-east-1',
      'bigdata-lab-bo-r-reader-us-east-1',
    ]);
    for (const [, role] of found) {
      expect(JSON.parse(role.assume_role_policy as string)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: PRINCIPAL },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
          },
        ],
      });
    }
  });

  it('allows exactly DataStream.grantRead on its own stream', () => {
    const streamIds = Object.entries(json.resource.aws_kinesis_stream!).map(([id, s]) => [
      s.name,
      id,
    ]);
    const idOf = Object.fromEntries(streamIds) as Record<string, string>;
    for (const [roleId, role] of roles(json)) {
      const student = String(role.name).replace(/^bigdata-lab-|-reader-us-east-1$/g, '');
      expect(policiesOf(json, roleId)).toEqual([
        {
          name: 'ReadStream',
          statements: [
            {
              Sid: 'ReadOwnStream',
              Effect: 'Allow',
              Action: [
                'kinesis:DescribeStream',
                'kinesis:GetShardIterator',
                'kinesis:GetRecords',
                'kinesis:ListShards',
              ],
              Resource: [`\${aws_kinesis_stream.${idOf[`bigdata-lab-${student}`]}.arn}`],
            },
          ],
        },
      ]);
    }
  });

  it('decrypts with the stream key when the key is customer-managed', () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/abc';
    const out = synthBare((scope) => {
      const stream = new DataStream(scope, 'Stream', { name: 's', kmsKeyArn: key });
      new StreamReader(scope, 'Reader', {
        name: 'r',
        region: 'us-east-1',
        stream,
        principal: '123456789012',
        externalId: 'xx',
      });
    }).json;
    const [policy] = resourcesOf(out, 'aws_iam_role_policy');
    expect(JSON.parse(policy!.policy as string).Statement[1]).toEqual({
      Sid: 'DecryptWithStreamKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [key],
    });
    const [role] = resourcesOf(out, 'aws_iam_role');
    expect(JSON.parse(role!.assume_role_policy as string).Statement[0].Principal).toEqual({
      AWS: '123456789012',
    });
  });

  it('is held to the policy rules: a trust in "*" fails synth (CKV_AWS_60)', () => {
    const stack = bareStack();
    const stream = new DataStream(stack, 'Stream', { name: 's' });
    new StreamReader(stack, 'Reader', {
      name: 'r',
      region: 'us-east-1',
      stream,
      principal: '*',
      externalId: 'xx',
    });
    expect(() => Testing.synth(stack)).toThrow(PolicyViolationError);
    expect(() => Testing.synth(stack)).toThrow(/CKV_AWS_60 t\/Reader\/Role\/Role/);
  });
});
