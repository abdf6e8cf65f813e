/** config `consumer`: one reader role per student, least privilege, behind the policy gate. */
import { Testing } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { DataStream } from '../../../../stacks/constructs/data-stream';
import { ServiceRole } from '../../../../stacks/constructs/service-role';
import { StreamReader } from '../../../../stacks/constructs/stream-reader';
import { readerOutputName, readerRoleArns } from '../../../../stacks/outputs';
import { PolicyCheckedStack } from '../../../../stacks/policy/checked-stack';
import { PolicyViolationError } from '../../../../stacks/policy/violation-error';
import { labConfig, resourcesOf, synthLab, type StackJson } from '../../../support/lab-stack';

const PRINCIPAL = 'arn:aws:iam::210987654321:role/databricks-cluster';
const EXTERNAL_ID = 'streamlab-bigdata-lab-7f3a';
const consumer = { readerPrincipal: PRINCIPAL, externalId: EXTERNAL_ID };
const { json } = synthLab(labConfig({ students: ['ana', 'bo-r'], consumer }));

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

describe('reader role (config consumer)', () => {
  it('gives each student a role the principal may assume only with the external id', () => {
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

  it("allows exactly DataStream.grantRead on that student's own stream", () => {
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
    const out = JSON.parse(
      Testing.synthScope((scope) => {
        const stream = new DataStream(scope, 'Stream', { name: 's', kmsKeyArn: key });
        new StreamReader(scope, 'Reader', {
          name: 'r',
          region: 'us-east-1',
          stream,
          principal: '123456789012',
          externalId: 'xx',
        });
      }),
    ) as StackJson;
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

  it('publishes each ARN as the stable output reader_<student>_role_arn', () => {
    expect(readerOutputName('bo-r')).toBe('reader_bo_r_role_arn');
    expect(json.output.reader_ana_role_arn!.value).toMatch(
      /^\$\{aws_iam_role\.Student-ana_Reader_Role_\w+\.arn\}$/,
    );
    expect(json.output.reader_bo_r_role_arn).toBeDefined();
    expect(
      readerRoleArns(
        {
          reader_ana_role_arn: { value: 'arn:aws:iam::1:role/a' },
          reader_bo_r_role_arn: { value: '' },
        },
        ['ana', 'bo-r', 'cy'],
      ),
    ).toEqual({ ana: 'arn:aws:iam::1:role/a' });
  });

  it('creates nothing without the consumer config', () => {
    const plain = synthLab(labConfig({ students: ['ana'] })).json;
    expect(roles(plain)).toEqual([]);
    expect(Object.keys(plain.output).filter((o) => o.startsWith('reader_'))).toEqual([]);
  });

  it('is held to the policy rules: a trust in "*" fails synth (CKV_AWS_60)', () => {
    const stack = new PolicyCheckedStack(Testing.app({ stackTraces: false }), 't', []);
    new AwsProvider(stack, 'Aws', { region: 'us-east-1' });
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

describe('ServiceRole principal', () => {
  it('needs exactly one of service and awsPrincipal', () => {
    for (const both of [{}, { service: 'ec2.amazonaws.com', awsPrincipal: '123456789012' }]) {
      expect(() =>
        Testing.synthScope(
          (s) =>
            void new ServiceRole(s, 'R', {
              name: 'r',
              region: 'us-east-1',
              description: 'r',
              ...both,
            }),
        ),
      ).toThrow(/give exactly one of service and awsPrincipal/);
    }
  });
});
