/**
 * The quota preflight's decisions, fed the answers the SDK gets: from moto 5.2.1 (recorded
 * against `python3 -m moto.server`; the moto suite runs them for real) and from AWS for the
 * failing cases (a new account's 32 vCPUs, a Lambda quota of 10, a full region). The AWS
 * clients are mocked (aws-sdk-client-mock): accounts with these limits cannot run here.
 */
import {
  CloudWatchLogsClient,
  DescribeResourcePoliciesCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeLimitsCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { parseConfig } from '../../../../config/load';
import type { LabConfigInput } from '../../../../config/schema';
import {
  checkQuotas,
  decideLogResourcePolicies,
  decideOnDemandStreams,
  decideReservedConcurrency,
  decideShards,
  decideVcpus,
  formatQuotaCheck,
  isStandardFamily,
  needsOf,
  type QuotaNeeds,
} from '../../../../labs/aws/quotas';
import type { PlanSummary } from '../../../../labs/aws/terraform/runner';

const config = (over: Partial<LabConfigInput> = {}) =>
  parseConfig({ name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32', ...over });

const plan = (
  creates: Record<string, number>,
  update: Record<string, number> = {},
): PlanSummary => {
  const byType: PlanSummary['byType'] = {};
  for (const t of new Set([...Object.keys(creates), ...Object.keys(update)]))
    byType[t] = { create: creates[t] ?? 0, update: update[t] ?? 0, replace: 0, delete: 0 };
  return { create: 1, update: 0, replace: 0, delete: 0, byType, hasChanges: true };
};

describe('needsOf: what the plan creates decides what is checked', () => {
  const thirty = Array.from({ length: 30 }, (_, i) => `s${i}`);

  it('a 30-student class: 30 instances, 30 provisioned shards, no log policy, no reservation', () => {
    expect(
      needsOf(config({ students: thirty }), plan({ aws_instance: 30, aws_kinesis_stream: 30 })),
    ).toEqual({
      instances: 30,
      instanceType: 't3.micro',
      onDemandStreams: 0,
      provisionedShards: 30,
      logResourcePolicies: 0,
    });
  });

  it('on-demand streams count as streams, not shards; search adds its log policy', () => {
    const n = needsOf(
      config({ stream: { mode: 'on-demand' }, search: { enabled: true } }),
      plan({ aws_instance: 1, aws_kinesis_stream: 1, aws_cloudwatch_log_resource_policy: 1 }),
    );
    expect(n).toMatchObject({ onDemandStreams: 1, provisionedShards: 0, logResourcePolicies: 1 });
    expect(n).not.toHaveProperty('reservedConcurrency');
  });

  it('a reservation is checked only when set and the function is created or changed', () => {
    const c = config({ search: { enabled: true, reservedConcurrency: 2 } });
    expect(needsOf(c, plan({ aws_lambda_function: 1 })).reservedConcurrency).toBe(2);
    expect(needsOf(c, plan({}, { aws_lambda_function: 1 })).reservedConcurrency).toBe(2);
    expect(needsOf(c, plan({ aws_instance: 1 }))).not.toHaveProperty('reservedConcurrency');
  });

  it('nothing created: nothing to check (a re-run asks AWS nothing)', async () => {
    const n = needsOf(config(), plan({}, { aws_instance: 1 }));
    expect(n).toMatchObject({ instances: 0, provisionedShards: 0, logResourcePolicies: 0 });
    expect(await checkQuotas({} as never, n)).toEqual([]);
  });
});

describe('the decisions', () => {
  it("vCPUs: 30 × t3.micro (2) = 60 against a new account's 32 is short, with the request command", () => {
    const q = decideVcpus({
      instances: 30,
      instanceType: 't3.micro',
      vcpusPerInstance: 2,
      limit: 32,
    });
    expect(q.status).toBe('short');
    expect(q.detail).toMatch(/need 60 vCPUs \(30 × t3\.micro at 2\), the quota is 32/);
    expect(q.hint).toContain('--quota-code L-1216C47A --desired-value 60');
    expect(
      decideVcpus({ instances: 16, instanceType: 't3.micro', vcpusPerInstance: 2, limit: 32 })
        .status,
    ).toBe('ok');
  });

  it('standard families only (other families have their own vCPU quota)', () => {
    expect(
      ['t3.micro', 'm7g.large', 'c6gn.xlarge', 'r5.large', 'z1d.large', 'i4i.large'].every(
        isStandardFamily,
      ),
    ).toBe(true);
    expect(
      ['g5.xlarge', 'p4d.24xlarge', 'x2gd.large', 'inf1.xlarge', 'hpc6a.48xlarge'].some(
        isStandardFamily,
      ),
    ).toBe(false);
  });

  it('on-demand streams: 45 of 50 exist, 10 more do not fit; 5 do', () => {
    expect(decideOnDemandStreams({ planned: 10, existing: 45, limit: 50 })).toMatchObject({
      status: 'short',
      detail: 'need 10 new on-demand stream(s), 45 of 50 exist',
      hint: expect.stringMatching(/stream\.mode: provisioned/),
    });
    expect(decideOnDemandStreams({ planned: 5, existing: 45, limit: 50 }).status).toBe('ok');
  });

  it('shards: open + planned against ShardLimit', () => {
    expect(decideShards({ planned: 30, open: 190, limit: 200 }).status).toBe('short');
    expect(decideShards({ planned: 10, open: 190, limit: 200 }).status).toBe('ok');
  });

  it('log resource policies: 10 per region is a hard limit', () => {
    const q = decideLogResourcePolicies({ planned: 1, existing: 10 });
    expect(q).toMatchObject({
      status: 'short',
      detail: 'need 1 new, 10 of 10 exist in the region',
    });
    expect(q.hint).toMatch(/hard limit.*delete-resource-policy/);
    expect(decideLogResourcePolicies({ planned: 1, existing: 9 }).status).toBe('ok');
  });

  it('reserved concurrency: 100 must stay unreserved (quota 10 or 50 cannot reserve at all)', () => {
    for (const unreserved of [10, 50, 101]) {
      expect(decideReservedConcurrency({ reserve: 2, unreserved })).toMatchObject({
        status: 'short',
        hint: expect.stringMatching(/remove search\.reservedConcurrency/),
      });
    }
    expect(decideReservedConcurrency({ reserve: 2, unreserved: 102 }).status).toBe('ok');
    expect(decideReservedConcurrency({ reserve: 2, unreserved: 1000 }).detail).toBe(
      'reserving 2 (search.reservedConcurrency) leaves 998 of 1000 unreserved; Lambda keeps at least 100',
    );
  });
});

describe('checkQuotas with the SDK answers', () => {
  const ec2 = mockClient(EC2Client);
  const sq = mockClient(ServiceQuotasClient);
  const kinesis = mockClient(KinesisClient);
  const logs = mockClient(CloudWatchLogsClient);
  const lambda = mockClient(LambdaClient);
  const clients = {
    ec2: new EC2Client({ region: 'us-east-1' }),
    serviceQuotas: new ServiceQuotasClient({ region: 'us-east-1' }),
    kinesis: new KinesisClient({ region: 'us-east-1' }),
    logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
    lambda: new LambdaClient({ region: 'us-east-1' }),
  };
  const everything: QuotaNeeds = {
    instances: 30,
    instanceType: 't3.micro',
    onDemandStreams: 0,
    provisionedShards: 30,
    logResourcePolicies: 1,
    reservedConcurrency: 2,
  };
  const noSuchResource = () =>
    new NoSuchResourceException({
      message:
        'This service is not available in the current Region. Choose a different Region or a different service.',
      $metadata: {},
    });

  beforeEach(() => {
    for (const m of [ec2, sq, kinesis, logs, lambda]) m.reset();
    ec2.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [{ InstanceType: 't3.micro', VCpuInfo: { DefaultVCpus: 2 } }],
    });
  });

  /** What the SDK throws for moto's HTML 404 on an API moto lacks. */
  const htmlNotFound = () =>
    Object.assign(new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON`), {
      $metadata: { httpStatusCode: 404 },
    });

  it('as moto answers: Service Quotas and Lambda unanswered (warnings naming them), the rest ok', async () => {
    // moto 5.2.1: GetServiceQuota knows only VPC quotas; GetAWSDefaultServiceQuota and
    // Lambda GetAccountSettings are not implemented.
    sq.on(GetServiceQuotaCommand).rejects(noSuchResource());
    sq.on(GetAWSDefaultServiceQuotaCommand).rejects(htmlNotFound());
    kinesis.on(DescribeLimitsCommand).resolves({
      ShardLimit: 6000,
      OpenShardCount: 0,
      OnDemandStreamCount: 0,
      OnDemandStreamCountLimit: 50,
    });
    logs.on(DescribeResourcePoliciesCommand).resolves({ resourcePolicies: [] });
    lambda.on(GetAccountSettingsCommand).rejects(htmlNotFound());
    const checks = await checkQuotas(clients, everything);
    expect(checks.map((q) => [q.quota, q.status])).toEqual([
      ['Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', 'unchecked'],
      ['Kinesis shards per Region', 'ok'],
      ['CloudWatch Logs resource policies per Region', 'ok'],
      ['Lambda unreserved concurrent executions', 'unchecked'],
    ]);
    expect(checks[0]!.detail).toBe(
      'could not check: Service Quotas GetAWSDefaultServiceQuota, after GetServiceQuota had none (ec2 L-1216C47A) answered HTTP 404 with no AWS error in it (is the API implemented there?)',
    );
    expect(checks[3]!.detail).toBe(
      'could not check: Lambda GetAccountSettings answered HTTP 404 with no AWS error in it (is the API implemented there?)',
    );
    expect(formatQuotaCheck(checks[1]!)).toBe(
      'ok: Kinesis shards per Region: need 30 new shard(s), 0 of 6000 are open',
    );
  });

  it('as a new AWS account answers: 32 vCPUs (the default, never changed), Lambda quota 10', async () => {
    sq.on(GetServiceQuotaCommand).rejects(noSuchResource());
    sq.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 32 } });
    kinesis.on(DescribeLimitsCommand).resolves({
      ShardLimit: 200,
      OpenShardCount: 0,
      OnDemandStreamCount: 0,
      OnDemandStreamCountLimit: 50,
    });
    logs
      .on(DescribeResourcePoliciesCommand)
      .resolvesOnce({ resourcePolicies: Array(6).fill({}), nextToken: 'n' })
      .resolvesOnce({ resourcePolicies: Array(4).fill({}) });
    lambda.on(GetAccountSettingsCommand).resolves({
      AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 },
    });
    const checks = await checkQuotas(clients, everything);
    expect(checks.map((q) => q.status)).toEqual(['short', 'ok', 'short', 'short']);
    expect(checks[0]!.detail).toMatch(/need 60 vCPUs .* the quota is 32/);
    expect(checks[2]!.detail).toBe('need 1 new, 10 of 10 exist in the region');
    expect(checks[3]!.detail).toMatch(/leaves 8 of 10 unreserved/);
    expect(sq.commandCalls(GetAWSDefaultServiceQuotaCommand)[0]!.args[0].input).toEqual({
      ServiceCode: 'ec2',
      QuotaCode: 'L-1216C47A',
    });
  });

  it('an account without permission for Service Quotas: a warning naming the API and the error', async () => {
    sq.on(GetServiceQuotaCommand).rejects(
      Object.assign(new Error('User is not authorized to perform servicequotas:GetServiceQuota'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const [q] = await checkQuotas(clients, {
      ...everything,
      provisionedShards: 0,
      logResourcePolicies: 0,
      reservedConcurrency: undefined,
    } as QuotaNeeds);
    expect(q!.detail).toBe(
      'could not check: Service Quotas GetServiceQuota (ec2 L-1216C47A) answered AccessDeniedException: User is not authorized to perform servicequotas:GetServiceQuota',
    );
    expect(sq.commandCalls(GetAWSDefaultServiceQuotaCommand)).toHaveLength(0);
  });

  it('an instance type outside the standard families is a warning, not a wrong answer', async () => {
    const [q] = await checkQuotas(clients, {
      ...everything,
      instanceType: 'g5.xlarge',
      provisionedShards: 0,
      logResourcePolicies: 0,
      reservedConcurrency: undefined,
    } as QuotaNeeds);
    expect(q).toMatchObject({
      status: 'unchecked',
      detail: expect.stringMatching(/g5\.xlarge is not a standard family/),
    });
    expect(ec2.calls()).toHaveLength(0);
  });
});
