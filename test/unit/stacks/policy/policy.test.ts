/**
 * Every policy rule: a stack holding one violating resource fails synth naming the rule
 * and the construct path; the same stack with a waiver passes and reports the waiver.
 */
import type { Construct } from 'constructs';
import { Testing } from 'cdktn';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktn/provider-aws/lib/cloudwatch-log-resource-policy';
import { ElasticsearchDomain } from '@cdktn/provider-aws/lib/elasticsearch-domain';
import { DefaultSecurityGroup } from '@cdktn/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktn/provider-aws/lib/flow-log';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { Instance, type InstanceConfig } from '@cdktn/provider-aws/lib/instance';
import {
  KinesisFirehoseDeliveryStream,
  type KinesisFirehoseDeliveryStreamConfig,
} from '@cdktn/provider-aws/lib/kinesis-firehose-delivery-stream';
import { KinesisStream } from '@cdktn/provider-aws/lib/kinesis-stream';
import { LambdaFunction, type LambdaFunctionConfig } from '@cdktn/provider-aws/lib/lambda-function';
import {
  OpensearchDomain,
  type OpensearchDomainConfig,
} from '@cdktn/provider-aws/lib/opensearch-domain';
import { OpensearchDomainPolicy } from '@cdktn/provider-aws/lib/opensearch-domain-policy';
import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktn/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { SecurityGroup } from '@cdktn/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktn/provider-aws/lib/security-group-rule';
import { Vpc } from '@cdktn/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktn/provider-aws/lib/vpc-security-group-ingress-rule';
import { PolicyCheckedStack } from '../../../../stacks/policy/checked-stack';
import { RULES, type RuleId } from '../../../../stacks/policy/rules';
import { PolicyViolationError } from '../../../../stacks/policy/violation-error';
import type { WaiverInput } from '../../../../stacks/policy/waivers';
import { bareStack } from '../../../support/bare-stack';

const policy = (statement: object) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

/** An instance that passes CKV_AWS_79 and 8. */
const goodInstance: InstanceConfig = {
  ami: 'ami-123',
  instanceType: 't3.micro',
  metadataOptions: { httpTokens: 'required' },
  rootBlockDevice: { encrypted: true },
};

const LOG_GROUP_ARN = 'arn:aws:logs:us-east-1:123456789012:log-group:/x';

/** A domain that passes CKV_AWS_5, 6, 83 and 84; each case breaks one setting. */
const goodDomain: OpensearchDomainConfig = {
  domainName: 'x',
  encryptAtRest: { enabled: true },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
  logPublishingOptions: [{ logType: 'ES_APPLICATION_LOGS', cloudwatchLogGroupArn: LOG_GROUP_ARN }],
};

/** A function that passes CKV_AWS_115, 116 and 173. */
const goodFunction: LambdaFunctionConfig = {
  functionName: 'x',
  role: 'arn:aws:iam::123456789012:role/x',
  runtime: 'nodejs24.x',
  handler: 'index.handler',
  filename: 'x.zip',
  reservedConcurrentExecutions: 2,
  deadLetterConfig: { targetArn: 'arn:aws:sqs:us-east-1:123456789012:x-dlq' },
  environment: { variables: { INDEX_NAME: 'posts' } },
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/x',
};

/** A bucket that passes CKV2_AWS_6 and CKV_AWS_19; `opts` take one part away. */
function compliantBucket(
  scope: Construct,
  id: string,
  opts: { encryption?: boolean; restrictPublicBuckets?: boolean } = {},
): S3Bucket {
  const bucket = new S3Bucket(scope, id, { bucketPrefix: 'x-' });
  new S3BucketPublicAccessBlock(scope, `${id}Pab`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    ...((opts.restrictPublicBuckets ?? true) ? { restrictPublicBuckets: true } : {}),
  });
  if (opts.encryption ?? true) {
    new S3BucketServerSideEncryptionConfigurationA(scope, `${id}Sse`, {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
  }
  return bucket;
}

function compliantVpc(
  scope: Construct,
  id: string,
  opts: { defaultSg?: boolean; flowLog?: boolean } = {},
) {
  const vpc = new Vpc(scope, id, { cidrBlock: '10.0.0.0/16' });
  if (opts.defaultSg ?? true) new DefaultSecurityGroup(scope, `${id}Default`, { vpcId: vpc.id });
  if (opts.flowLog ?? true) {
    new FlowLog(scope, `${id}FlowLog`, {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestination: 'arn:aws:logs:us-east-1:123456789012:log-group:x',
    });
  }
  return vpc;
}

/** A security group with one ingress rule on SSH from `cidrIpv4`. */
const sshIngressFrom = (cidrIpv4: string) => (s: Construct) => {
  const sg = new SecurityGroup(s, 'Sg', { name: 'sg' });
  new VpcSecurityGroupIngressRule(s, 'Ssh', {
    securityGroupId: sg.id,
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv4,
  });
};

/** A direct-put Firehose into a compliant bucket, with `extra` settings. */
const firehoseToLake = (extra: Partial<KinesisFirehoseDeliveryStreamConfig>) => (s: Construct) => {
  const b = compliantBucket(s, 'Lake');
  new KinesisFirehoseDeliveryStream(s, 'Firehose', {
    name: 'f',
    destination: 'extended_s3',
    ...extra,
    extendedS3Configuration: { bucketArn: b.arn, roleArn: 'arn:aws:iam::123456789012:role/f' },
  });
};

const roleAssumableBy = (statement: object) => (s: Construct) =>
  void new IamRole(s, 'Role', { name: 'r', assumeRolePolicy: policy(statement) });

const rolePolicyOf = (statement: object) => (s: Construct) =>
  void new IamRolePolicy(s, 'Policy', { role: 'r', policy: policy(statement) });

interface Case {
  rule: RuleId;
  /** Path of the violating construct, under stack "t". */
  path: string;
  build(scope: Construct): void;
  /** The same resource made compliant. */
  fixed(scope: Construct): void;
}

/**
 * The cases of the rules one resource type carries: each breaks one setting of a config
 * that passes them all, and the fixed stack holds that passing config unchanged.
 */
function oneSettingBroken<C>(
  Resource: new (scope: Construct, id: string, config: C) => unknown,
  id: string,
  good: C,
  breaks: Partial<Record<RuleId, (good: C) => C>>,
): Case[] {
  return Object.entries(breaks).map(([rule, broken]) => ({
    rule: rule as RuleId,
    path: `t/${id}`,
    build: (s) => void new Resource(s, id, broken!(good)),
    fixed: (s) => void new Resource(s, id, good),
  }));
}

const CASES: Case[] = [
  {
    rule: 'CKV_AWS_24',
    path: 't/Ssh',
    build: sshIngressFrom('0.0.0.0/0'),
    fixed: sshIngressFrom('203.0.113.7/32'),
  },
  ...oneSettingBroken(Instance, 'Host', goodInstance, {
    CKV_AWS_79: (i) => ({ ...i, metadataOptions: { httpTokens: 'optional' } }),
    CKV_AWS_8: (i) => ({ ...i, rootBlockDevice: { volumeType: 'gp3' } }),
  }),
  {
    rule: 'CKV2_AWS_6',
    path: 't/Bucket',
    // Three of four blocks on is still a finding.
    build: (s) => void compliantBucket(s, 'Bucket', { restrictPublicBuckets: false }),
    fixed: (s) => void compliantBucket(s, 'Bucket'),
  },
  {
    rule: 'CKV_AWS_19',
    path: 't/Bucket',
    build: (s) => void compliantBucket(s, 'Bucket', { encryption: false }),
    fixed: (s) => void compliantBucket(s, 'Bucket'),
  },
  {
    rule: 'CKV_AWS_43',
    path: 't/Stream',
    build: (s) => void new KinesisStream(s, 'Stream', { name: 'x', shardCount: 1 }),
    fixed: (s) =>
      void new KinesisStream(s, 'Stream', {
        name: 'x',
        shardCount: 1,
        encryptionType: 'KMS',
        kmsKeyId: 'alias/aws/kinesis',
      }),
  },
  {
    rule: 'CKV_AWS_240',
    path: 't/Firehose',
    build: firehoseToLake({}),
    fixed: firehoseToLake({ serverSideEncryption: { enabled: true } }),
  },
  {
    rule: 'CKV_AWS_60',
    path: 't/Role',
    build: roleAssumableBy({
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::123456789012:root', '*'] },
      Action: 'sts:AssumeRole',
    }),
    fixed: roleAssumableBy({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'ext-id' } },
    }),
  },
  {
    rule: 'CKV_AWS_63',
    path: 't/Policy',
    build: rolePolicyOf({
      Effect: 'Allow',
      Action: 'kinesis:*',
      Resource: 'arn:aws:kinesis:us-east-1:123456789012:stream/x',
    }),
    fixed: rolePolicyOf({
      Effect: 'Allow',
      Action: 'kinesis:PutRecords',
      Resource: 'arn:aws:kinesis:us-east-1:123456789012:stream/x',
    }),
  },
  {
    rule: 'CKV_AWS_355',
    path: 't/Policy',
    build: rolePolicyOf({ Effect: 'Allow', Action: ['kinesis:PutRecords'], Resource: '*' }),
    // DescribeInstances cannot be scoped to a resource: "*" is correct for it.
    fixed: rolePolicyOf({ Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' }),
  },
  {
    rule: 'CKV_AWS_66',
    path: 't/Logs',
    build: (s) => void new CloudwatchLogGroup(s, 'Logs', { name: 'x' }),
    fixed: (s) => void new CloudwatchLogGroup(s, 'Logs', { name: 'x', retentionInDays: 7 }),
  },
  {
    rule: 'CKV2_AWS_12',
    path: 't/Vpc',
    build: (s) => void compliantVpc(s, 'Vpc', { defaultSg: false }),
    fixed: (s) => void compliantVpc(s, 'Vpc'),
  },
  {
    rule: 'CKV2_AWS_11',
    path: 't/Vpc',
    build: (s) => void compliantVpc(s, 'Vpc', { flowLog: false }),
    fixed: (s) => void compliantVpc(s, 'Vpc'),
  },
  ...oneSettingBroken(OpensearchDomain, 'Domain', goodDomain, {
    CKV_AWS_5: (d) => ({ ...d, encryptAtRest: { enabled: false } }),
    CKV_AWS_6: ({ nodeToNodeEncryption: _n2n, ...rest }) => rest,
    CKV_AWS_83: (d) => ({ ...d, domainEndpointOptions: { enforceHttps: false } }),
    // A publishing option that is switched off publishes nothing.
    CKV_AWS_84: (d) => ({
      ...d,
      logPublishingOptions: [
        { logType: 'INDEX_SLOW_LOGS', cloudwatchLogGroupArn: LOG_GROUP_ARN, enabled: false },
      ],
    }),
  }),
  ...oneSettingBroken(LambdaFunction, 'Function', goodFunction, {
    // -1 is how the provider spells "no reservation".
    CKV_AWS_115: (f) => ({ ...f, reservedConcurrentExecutions: -1 }),
    CKV_AWS_116: ({ deadLetterConfig: _dlq, ...rest }) => rest,
    CKV_AWS_173: ({ kmsKeyArn: _key, ...rest }) => rest,
  }),
];

function stackWith(build: (scope: Construct) => void, waivers: WaiverInput[] = []) {
  const stack = bareStack(waivers);
  build(stack);
  return stack;
}

function synthError(stack: PolicyCheckedStack): PolicyViolationError {
  try {
    Testing.synth(stack);
  } catch (e) {
    if (e instanceof PolicyViolationError) return e;
    throw e;
  }
  throw new Error('synth passed but a violation was expected');
}

describe('policy rules', () => {
  it('covers every rule in RULES', () => {
    expect(CASES.map((c) => c.rule).sort()).toEqual(Object.keys(RULES).sort());
  });

  describe.each(CASES)('$rule', ({ rule, path, build, fixed }) => {
    it('fails synth naming the rule and construct path', () => {
      const err = synthError(stackWith(build));
      expect(err.report.violations.map((v) => `${v.rule} ${v.path}`)).toEqual([`${rule} ${path}`]);
      expect(err.message).toContain(`${rule} ${path}:`);
    });

    it('passes when waived, and reports the waiver', () => {
      const waiver = { rule, resource: path, reason: 'accepted for this test case' };
      const stack = stackWith(build, [waiver]);
      Testing.synth(stack);
      expect(stack.policyReport!.violations).toEqual([]);
      expect(stack.policyReport!.waived).toEqual([
        { finding: expect.objectContaining({ rule, path }), waiver },
      ]);
      expect(stack.policyReport!.unused).toEqual([]);
    });

    it('passes with the resource fixed', () => {
      const stack = stackWith(fixed);
      Testing.synth(stack);
      expect(stack.policyReport!.violations).toEqual([]);
    });
  });
});

/**
 * Stacks the gate must fail, each with the findings it must report: by rule alone
 * (`rules`), or by rule and construct path (`at`); both sorted.
 */
const FAILING: { it: string; build: (s: Construct) => void; rules?: string[]; at?: string[] }[] = [
  {
    it: 'flags inline security group ingress open on SSH, including all-protocol rules',
    build: (s) =>
      void new SecurityGroup(s, 'Sg', {
        name: 'sg',
        ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
      }),
    rules: ['CKV_AWS_24'],
  },
  {
    it: 'flags a standalone ingress rule open on SSH over IPv6, and leaves an egress rule alone',
    build: (s) => {
      const sg = new SecurityGroup(s, 'Sg', { name: 'sg' });
      const rule = { securityGroupId: sg.id, protocol: 'tcp', fromPort: 0, toPort: 1024 };
      new SecurityGroupRule(s, 'In', { ...rule, type: 'ingress', ipv6CidrBlocks: ['::/0'] });
      new SecurityGroupRule(s, 'Out', { ...rule, type: 'egress', cidrBlocks: ['0.0.0.0/0'] });
    },
    at: ['CKV_AWS_24 t/In'],
  },
  {
    it: 'reports every missing OpenSearch control of a bare domain, one finding per rule',
    build: (s) => void new OpensearchDomain(s, 'Domain', { domainName: 'x' }),
    rules: ['CKV_AWS_5', 'CKV_AWS_6', 'CKV_AWS_83', 'CKV_AWS_84'],
  },
  {
    it: 'checks a legacy aws_elasticsearch_domain like an OpenSearch domain',
    build: (s) =>
      void new ElasticsearchDomain(s, 'Legacy', {
        domainName: 'x',
        encryptAtRest: { enabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true },
      }),
    at: ['CKV_AWS_84 t/Legacy'],
  },
  {
    it: 'reads OpenSearch access policies and log resource policies like IAM policies',
    build: (s) => {
      new OpensearchDomainPolicy(s, 'Access', {
        domainName: 'x',
        accessPolicies: policy({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: 'es:*',
          Resource: 'arn:aws:es:us-east-1:123456789012:domain/x/*',
        }),
      });
      new CloudwatchLogResourcePolicy(s, 'LogWrite', {
        policyName: 'x',
        policyDocument: policy({
          Effect: 'Allow',
          Principal: { Service: 'es.amazonaws.com' },
          Action: ['logs:PutLogEvents'],
          Resource: '*',
        }),
      });
    },
    at: ['CKV_AWS_355 t/LogWrite', 'CKV_AWS_63 t/Access'],
  },
];

describe('policy gate', () => {
  it('lists every violation at once', () => {
    const err = synthError(
      stackWith((s) => {
        new KinesisStream(s, 'Stream', { name: 'x', shardCount: 1 });
        new CloudwatchLogGroup(s, 'Logs', { name: 'x' });
      }),
    );
    expect(err.report.violations.map((v) => v.rule).sort()).toEqual(['CKV_AWS_43', 'CKV_AWS_66']);
    expect(err.message).toMatch(/2 violations/);
  });

  it('reports a waiver that matches nothing as unused', () => {
    const waiver = {
      rule: 'CKV_AWS_24',
      resource: 't/Nothing',
      reason: 'stale waiver from an older config',
    };
    const stack = stackWith(
      (s) => void new CloudwatchLogGroup(s, 'Logs', { name: 'x', retentionInDays: 7 }),
      [waiver],
    );
    Testing.synth(stack);
    expect(stack.policyReport!.unused).toEqual([waiver]);
  });

  it('lets a waiver on a parent path cover the resources below it', () => {
    const stack = stackWith(
      (s) => void new KinesisStream(s, 'Stream', { name: 'x', shardCount: 1 }),
      [{ rule: 'CKV_AWS_43', resource: 't', reason: 'whole test stack is exempt' }],
    );
    Testing.synth(stack);
    expect(stack.policyReport!.waived).toHaveLength(1);
  });

  it('does not let a waiver for one rule hide another', () => {
    const err = synthError(
      stackWith(
        (s) => void new KinesisStream(s, 'Stream', { name: 'x', shardCount: 1 }),
        [{ rule: 'CKV_AWS_66', resource: 't/Stream', reason: 'wrong rule for this resource' }],
      ),
    );
    expect(err.report.violations.map((v) => v.rule)).toEqual(['CKV_AWS_43']);
    expect(err.report.unused).toHaveLength(1);
  });

  it('exempts a Kinesis-sourced Firehose only when its source stream is encrypted', () => {
    const build = (encrypted: boolean) => (s: Construct) => {
      const b = compliantBucket(s, 'Lake');
      const stream = new KinesisStream(s, 'Stream', {
        name: 'x',
        shardCount: 1,
        ...(encrypted ? { encryptionType: 'KMS', kmsKeyId: 'alias/aws/kinesis' } : {}),
      });
      new KinesisFirehoseDeliveryStream(s, 'Firehose', {
        name: 'f',
        destination: 'extended_s3',
        kinesisSourceConfiguration: {
          kinesisStreamArn: stream.arn,
          roleArn: 'arn:aws:iam::1:role/f',
        },
        extendedS3Configuration: { bucketArn: b.arn, roleArn: 'arn:aws:iam::1:role/f' },
      });
    };
    const ok = stackWith(build(true));
    Testing.synth(ok);
    expect(ok.policyReport!.exemptions).toEqual([
      expect.objectContaining({ rule: 'CKV_AWS_240', path: 't/Firehose' }),
    ]);

    const err = synthError(stackWith(build(false)));
    expect(err.report.violations.map((v) => `${v.rule} ${v.path}`).sort()).toEqual([
      'CKV_AWS_240 t/Firehose',
      'CKV_AWS_43 t/Stream',
    ]);
  });

  it.each(FAILING)('$it', ({ build, rules, at }) => {
    const found = synthError(stackWith(build)).report.violations;
    const named = found.map((v) => (rules ? v.rule : `${v.rule} ${v.path}`));
    expect(named.sort()).toEqual(rules ?? at);
  });

  it('accepts a Lambda function without environment variables and without a key', () => {
    const { environment: _env, kmsKeyArn: _key, ...rest } = goodFunction;
    const stack = stackWith((s) => void new LambdaFunction(s, 'Function', rest));
    Testing.synth(stack);
    expect(stack.policyReport!.violations).toEqual([]);
  });

  it('fails closed on a policy that is not literal JSON', () => {
    const err = synthError(
      stackWith(
        (s) =>
          void new IamRolePolicy(s, 'Policy', {
            role: 'r',
            policy: '${data.aws_iam_policy_document.x.json}',
          }),
      ),
    );
    expect(err.report.violations[0]).toMatchObject({
      rule: 'CKV_AWS_63',
      message: expect.stringMatching(/cannot be checked/),
    });
  });
});

describe('policy gate on HCL output', () => {
  it('fails toHclTerraform the same way', () => {
    const stack = stackWith((s) => void new CloudwatchLogGroup(s, 'Logs', { name: 'x' }));
    expect(() => Testing.synthHcl(stack)).toThrow(/CKV_AWS_66 t\/Logs/);
  });
});
