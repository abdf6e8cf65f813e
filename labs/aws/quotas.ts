/**
 * The account limits a lab runs into mid-apply, checked after the plan and before any
 * change: EC2 vCPUs (Service Quotas), Kinesis shards and on-demand streams
 * (DescribeLimits), CloudWatch Logs resource policies (10 per region), and the Lambda
 * unreserved concurrency a reservation needs (GetAccountSettings).
 *
 * What the plan creates decides what is needed, so a re-run that changes nothing asks
 * nothing. The decisions are pure functions of the SDK's answers (unit-tested with the
 * answers moto and AWS give); an API the account or an emulator does not answer makes a
 * check "unchecked", a warning that names what could not be checked, never a failure.
 */
import {
  DescribeInstanceTypesCommand,
  type _InstanceType,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeLimitsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  DescribeResourcePoliciesCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetAccountSettingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import type { LabConfig } from '../../config/schema';
import type { PlanSummary } from './terraform/runner';

export type QuotaStatus = 'ok' | 'short' | 'unchecked';

export interface QuotaCheck {
  /** The quota's name as AWS's Service Quotas console shows it. */
  readonly quota: string;
  readonly status: QuotaStatus;
  /** One sentence: need and have, or what could not be checked and why. */
  readonly detail: string;
  /** How to get more (short only). */
  readonly hint?: string;
}

/** What the plan is about to create that counts against a quota. */
export interface QuotaNeeds {
  readonly instances: number;
  readonly instanceType: string;
  readonly onDemandStreams: number;
  readonly provisionedShards: number;
  readonly logResourcePolicies: number;
  /** Set when the plan creates or changes a function with reserved concurrency. */
  readonly reservedConcurrency?: number;
}

const created = (plan: PlanSummary, type: string) => {
  const c = plan.byType[type];
  return c ? c.create + c.replace : 0;
};

export function needsOf(config: LabConfig, plan: PlanSummary): QuotaNeeds {
  const streams = created(plan, 'aws_kinesis_stream');
  const onDemand = config.stream.mode === 'on-demand';
  const lambda = plan.byType.aws_lambda_function;
  const reserved = config.search.enabled ? config.search.reservedConcurrency : undefined;
  return {
    instances: created(plan, 'aws_instance'),
    instanceType: config.instanceType,
    onDemandStreams: onDemand ? streams : 0,
    provisionedShards: onDemand ? 0 : streams * (config.stream.shards ?? 1),
    logResourcePolicies: created(plan, 'aws_cloudwatch_log_resource_policy'),
    ...(reserved !== undefined && lambda && lambda.create + lambda.replace + lambda.update > 0
      ? { reservedConcurrency: reserved }
      : {}),
  };
}

// ── the decisions ─────────────────────────────────────────────────────────────

/** ok when it fits; short, with how to get more, when it does not. */
function verdict(quota: string, fits: boolean, detail: string, hint: string): QuotaCheck {
  return fits ? { quota, status: 'ok', detail } : { quota, status: 'short', detail, hint };
}

export const VCPU_QUOTA = 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances';
export const VCPU_QUOTA_CODE = 'L-1216C47A';
export const SHARD_QUOTA = 'Kinesis shards per Region';
export const ON_DEMAND_QUOTA = 'Kinesis on-demand data streams per account';
export const LOG_POLICY_QUOTA = 'CloudWatch Logs resource policies per Region';
/** A hard limit: Service Quotas cannot raise it. */
export const LOG_POLICY_LIMIT = 10;
export const LAMBDA_QUOTA = 'Lambda unreserved concurrent executions';
export const LAMBDA_QUOTA_CODE = 'L-B99A9384';
/** Lambda refuses a reservation that leaves fewer than this unreserved. */
export const LAMBDA_MIN_UNRESERVED = 100;

/** Families the standard vCPU quota covers: A, C, D, H, I, M, R, T, Z and a digit. */
export function isStandardFamily(instanceType: string): boolean {
  return /^[acdhimrtz]\d/.test(instanceType);
}

export function decideVcpus(a: {
  instances: number;
  instanceType: string;
  vcpusPerInstance: number;
  limit: number;
}): QuotaCheck {
  const need = a.instances * a.vcpusPerInstance;
  const detail = `need ${need} vCPUs (${a.instances} × ${a.instanceType} at ${a.vcpusPerInstance}), the quota is ${a.limit} (instances already running count against it too)`;
  return verdict(
    VCPU_QUOTA,
    need <= a.limit,
    detail,
    `ask for ${need} or more: \`aws service-quotas request-service-quota-increase --service-code ec2 ` +
      `--quota-code ${VCPU_QUOTA_CODE} --desired-value ${need}\` (Service Quotas console → Amazon EC2), ` +
      'or choose a smaller instanceType / fewer students',
  );
}

export function decideShards(a: { planned: number; open: number; limit: number }): QuotaCheck {
  const detail = `need ${a.planned} new shard(s), ${a.open} of ${a.limit} are open`;
  return verdict(
    SHARD_QUOTA,
    a.open + a.planned <= a.limit,
    detail,
    'request more shards in the Service Quotas console (Amazon Kinesis Data Streams), or fewer stream.shards',
  );
}

export function decideOnDemandStreams(a: {
  planned: number;
  existing: number;
  limit: number;
}): QuotaCheck {
  const detail = `need ${a.planned} new on-demand stream(s), ${a.existing} of ${a.limit} exist`;
  return verdict(
    ON_DEMAND_QUOTA,
    a.existing + a.planned <= a.limit,
    detail,
    'request more in the Service Quotas console (Amazon Kinesis Data Streams), or use stream.mode: provisioned',
  );
}

export function decideLogResourcePolicies(a: { planned: number; existing: number }): QuotaCheck {
  const detail = `need ${a.planned} new, ${a.existing} of ${LOG_POLICY_LIMIT} exist in the region`;
  return verdict(
    LOG_POLICY_QUOTA,
    a.existing + a.planned <= LOG_POLICY_LIMIT,
    detail,
    `${LOG_POLICY_LIMIT} is a hard limit: delete one you no longer need ` +
      '(`aws logs describe-resource-policies`, `aws logs delete-resource-policy --policy-name …`), ' +
      'or put this lab in another region',
  );
}

export function decideReservedConcurrency(a: { reserve: number; unreserved: number }): QuotaCheck {
  const left = a.unreserved - a.reserve;
  const detail = `reserving ${a.reserve} (search.reservedConcurrency) leaves ${left} of ${a.unreserved} unreserved; Lambda keeps at least ${LAMBDA_MIN_UNRESERVED}`;
  return verdict(
    LAMBDA_QUOTA,
    left >= LAMBDA_MIN_UNRESERVED,
    detail,
    'remove search.reservedConcurrency from the config (nothing is reserved then), or ask for more: ' +
      `\`aws service-quotas request-service-quota-increase --service-code lambda --quota-code ${LAMBDA_QUOTA_CODE} ` +
      `--desired-value ${a.reserve + LAMBDA_MIN_UNRESERVED}\``,
  );
}

/**
 * A check whose API did not answer: named, with the error, never a failure. An emulator
 * answers an API it lacks with an HTML 404, which the SDK reports as a SyntaxError.
 */
export function unchecked(quota: string, api: string, e: unknown): QuotaCheck {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  const notAws = !err.name || ['Error', 'SyntaxError', 'UnknownError'].includes(err.name);
  const why = notAws
    ? `HTTP ${status ?? '?'} with no AWS error in it (is the API implemented there?)`
    : `${err.name}${err.message ? `: ${err.message.split('\n')[0]}` : ''}`;
  return { quota, status: 'unchecked', detail: `could not check: ${api} answered ${why}` };
}

// ── asking AWS ────────────────────────────────────────────────────────────────

export interface QuotaClients {
  readonly ec2: EC2Client;
  readonly serviceQuotas: ServiceQuotasClient;
  readonly kinesis: KinesisClient;
  readonly logs: CloudWatchLogsClient;
  readonly lambda: LambdaClient;
}

const isNoSuchResource = (e: unknown) =>
  (e as { name?: string }).name === 'NoSuchResourceException';

/** The applied quota value, or AWS's default when it was never changed; a failure names its API. */
async function quotaValue(
  sq: ServiceQuotasClient,
  ServiceCode: string,
  QuotaCode: string,
): Promise<{ value?: number } | { api: string; error: unknown }> {
  const label = (api: string) => `Service Quotas ${api} (${ServiceCode} ${QuotaCode})`;
  try {
    const r = await sq.send(new GetServiceQuotaCommand({ ServiceCode, QuotaCode }));
    return { value: r.Quota?.Value };
  } catch (e) {
    if (!isNoSuchResource(e)) return { api: label('GetServiceQuota'), error: e };
  }
  try {
    const r = await sq.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode, QuotaCode }));
    return { value: r.Quota?.Value };
  } catch (e) {
    return { api: label('GetAWSDefaultServiceQuota, after GetServiceQuota had none'), error: e };
  }
}

async function checkVcpus(c: QuotaClients, n: QuotaNeeds): Promise<QuotaCheck> {
  if (!isStandardFamily(n.instanceType)) {
    return {
      quota: VCPU_QUOTA,
      status: 'unchecked',
      detail: `could not check: ${n.instanceType} is not a standard family; its vCPUs count against another quota`,
    };
  }
  let vcpus: number | undefined;
  try {
    const r = await c.ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: [n.instanceType as _InstanceType] }),
    );
    vcpus = r.InstanceTypes?.[0]?.VCpuInfo?.DefaultVCpus;
  } catch (e) {
    return unchecked(VCPU_QUOTA, 'EC2 DescribeInstanceTypes', e);
  }
  if (vcpus === undefined)
    return {
      quota: VCPU_QUOTA,
      status: 'unchecked',
      detail: `could not check: EC2 does not describe ${n.instanceType}`,
    };
  const quota = await quotaValue(c.serviceQuotas, 'ec2', VCPU_QUOTA_CODE);
  if ('error' in quota) return unchecked(VCPU_QUOTA, quota.api, quota.error);
  const limit = quota.value;
  if (limit === undefined)
    return { quota: VCPU_QUOTA, status: 'unchecked', detail: 'could not check: no quota value' };
  return decideVcpus({ ...n, vcpusPerInstance: vcpus, limit });
}

async function checkKinesis(c: QuotaClients, n: QuotaNeeds): Promise<QuotaCheck[]> {
  const quota = n.onDemandStreams > 0 ? ON_DEMAND_QUOTA : SHARD_QUOTA;
  let limits;
  try {
    limits = await c.kinesis.send(new DescribeLimitsCommand({}));
  } catch (e) {
    return [unchecked(quota, 'Kinesis DescribeLimits', e)];
  }
  const out: QuotaCheck[] = [];
  if (n.provisionedShards > 0)
    out.push(
      decideShards({
        planned: n.provisionedShards,
        open: limits.OpenShardCount ?? 0,
        limit: limits.ShardLimit ?? 0,
      }),
    );
  if (n.onDemandStreams > 0)
    out.push(
      decideOnDemandStreams({
        planned: n.onDemandStreams,
        existing: limits.OnDemandStreamCount ?? 0,
        limit: limits.OnDemandStreamCountLimit ?? 0,
      }),
    );
  return out;
}

async function checkLogPolicies(c: QuotaClients, n: QuotaNeeds): Promise<QuotaCheck> {
  let existing = 0;
  let nextToken: string | undefined;
  try {
    do {
      const r = await c.logs.send(new DescribeResourcePoliciesCommand({ nextToken }));
      existing += r.resourcePolicies?.length ?? 0;
      nextToken = r.nextToken;
    } while (nextToken);
  } catch (e) {
    return unchecked(LOG_POLICY_QUOTA, 'CloudWatch Logs DescribeResourcePolicies', e);
  }
  return decideLogResourcePolicies({ planned: n.logResourcePolicies, existing });
}

async function checkLambda(c: QuotaClients, reserve: number): Promise<QuotaCheck> {
  try {
    const r = await c.lambda.send(new GetAccountSettingsCommand({}));
    const unreserved = r.AccountLimit?.UnreservedConcurrentExecutions;
    if (unreserved === undefined)
      return {
        quota: LAMBDA_QUOTA,
        status: 'unchecked',
        detail: 'could not check: GetAccountSettings gave no UnreservedConcurrentExecutions',
      };
    return decideReservedConcurrency({ reserve, unreserved });
  } catch (e) {
    return unchecked(LAMBDA_QUOTA, 'Lambda GetAccountSettings', e);
  }
}

/** Runs the checks the needs call for (none when the plan creates nothing that counts). */
export async function checkQuotas(c: QuotaClients, n: QuotaNeeds): Promise<QuotaCheck[]> {
  const pending: Promise<QuotaCheck | QuotaCheck[]>[] = [];
  if (n.instances > 0) pending.push(checkVcpus(c, n));
  if (n.provisionedShards > 0 || n.onDemandStreams > 0) pending.push(checkKinesis(c, n));
  if (n.logResourcePolicies > 0) pending.push(checkLogPolicies(c, n));
  if (n.reservedConcurrency !== undefined) pending.push(checkLambda(c, n.reservedConcurrency));
  return (await Promise.all(pending)).flat();
}

/** One line per check, as the preflight prints it. */
export function formatQuotaCheck(q: QuotaCheck): string {
  const mark = q.status === 'ok' ? 'ok' : q.status === 'short' ? 'TOO LOW' : 'warning';
  return `${mark}: ${q.quota}: ${q.detail}${q.hint ? `\n    ${q.hint}` : ''}`;
}
