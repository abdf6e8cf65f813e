/**
 * After `destroy`, asks AWS itself what of the lab still exists: state can lie (a resource
 * removed from state by hand, an apply interrupted before it saved, a lost state file).
 * - EC2 instances by tag, in every state but terminated (EC2 keeps terminated ones listed
 *   for about an hour, and they cost nothing);
 * - every other resource tagged lab=<name>, managed-by=streamlab, from the Resource Groups
 *   Tagging API;
 * - IAM roles and instance profiles by name: IAM is not in the Tagging API;
 * - EventBridge Scheduler schedules (the class end) by name: schedules take no tags;
 * - the class budget (AWS Budgets) by name, in the operator's account: a budget created
 *   before its tags were set is not in the Tagging API;
 * - Kinesis streams, Firehose delivery streams, the lake bucket (by its prefix) and
 *   CloudWatch log groups by name as well: a resource an interrupted apply created before
 *   tagging it, or one made by hand, is invisible to the Tagging API (and moto's Tagging
 *   API lists no Kinesis stream).
 * A probe by name that fails for any reason but "not found" is reported as "could not
 * check …": a leftover, never a clean verdict.
 */
import { DescribeBudgetCommand, type BudgetsClient } from '@aws-sdk/client-budgets';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  NoSuchEntityException,
  type IAMClient,
} from '@aws-sdk/client-iam';
import {
  GetScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DescribeLogGroupsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeDeliveryStreamCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tags every resource of a lab carries (the stack's provider default_tags). */
export function labTagFilters(labName: string) {
  return [
    { Key: 'lab', Values: [labName] },
    { Key: 'managed-by', Values: ['streamlab'] },
  ];
}

/** Ids of non-terminated instances tagged `lab=<name>` and `managed-by=streamlab`. */
export async function leftoverInstances(ec2: EC2Client, labName: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const res = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          ...labTagFilters(labName).map((t) => ({ Name: `tag:${t.Key}`, Values: t.Values })),
          {
            Name: 'instance-state-name',
            Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'],
          },
        ],
        NextToken: token,
      }),
    );
    for (const r of res.Reservations ?? [])
      for (const i of r.Instances ?? []) ids.push(i.InstanceId!);
    token = res.NextToken;
  } while (token);
  return ids;
}

/** An EC2 instance's ARN: answered by leftoverInstances, which knows its state. */
const INSTANCE_ARN = /^arn:[^:]+:ec2:[^:]*:[^:]*:instance\//;

/** ARNs of everything but instances still tagged with the lab, per the Tagging API. */
export async function leftoverTagged(
  tagging: ResourceGroupsTaggingAPIClient,
  labName: string,
): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const res = await tagging.send(
      new GetResourcesCommand({ TagFilters: labTagFilters(labName), PaginationToken: token }),
    );
    for (const m of res.ResourceTagMappingList ?? [])
      if (m.ResourceARN && !INSTANCE_ARN.test(m.ResourceARN)) arns.push(m.ResourceARN);
    token = res.PaginationToken || undefined;
  } while (token);
  return arns;
}

export interface IamNames {
  readonly roles: readonly string[];
  readonly instanceProfiles: readonly string[];
}

/**
 * The IAM role and instance-profile names a synthesized stack creates (literal names
 * only: a name terraform computes at apply time cannot be known here).
 */
export function iamNamesOfStack(stackDir: string): IamNames {
  return {
    roles: literalNamesOf(stackDir, 'aws_iam_role'),
    instanceProfiles: literalNamesOf(stackDir, 'aws_iam_instance_profile'),
  };
}

/** The schedule names a synthesized stack creates (the class end, config `class`). */
export function scheduleNamesOfStack(stackDir: string): string[] {
  return literalNamesOf(stackDir, 'aws_scheduler_schedule');
}

/** The budget names a synthesized stack creates (config `class.budget`). */
export function budgetNamesOfStack(stackDir: string): string[] {
  return literalNamesOf(stackDir, 'aws_budgets_budget');
}

/** What else a synthesized stack names literally: streams, the lake, log groups. */
export interface DataNames {
  readonly streams: readonly string[];
  /** Firehose delivery streams (one per student, into the lake). */
  readonly deliveryStreams: readonly string[];
  /** Bucket name prefixes (terraform appends a unique suffix to the lake's). */
  readonly bucketPrefixes: readonly string[];
  readonly logGroups: readonly string[];
}

export function dataNamesOfStack(stackDir: string): DataNames {
  return {
    streams: literalNamesOf(stackDir, 'aws_kinesis_stream'),
    deliveryStreams: literalNamesOf(stackDir, 'aws_kinesis_firehose_delivery_stream'),
    bucketPrefixes: [
      ...literalNamesOf(stackDir, 'aws_s3_bucket', 'bucket_prefix'),
      ...literalNamesOf(stackDir, 'aws_s3_bucket', 'bucket'),
    ],
    logGroups: literalNamesOf(stackDir, 'aws_cloudwatch_log_group'),
  };
}

/** The literal `field` (default `name`) of every resource of one type in a synthesized stack. */
function literalNamesOf(stackDir: string, type: string, field = 'name'): string[] {
  return literalResourcesOf(stackDir, type, field).map((r) => r.name);
}

/** A resource of a synthesized stack whose name is a literal (known before apply). */
export interface NamedResource {
  /** Its terraform address, e.g. `aws_kinesis_stream.Student-ann_Stream_D661B1B6`. */
  readonly address: string;
  readonly name: string;
  /** All its synthesized arguments (an import id may need more than the name). */
  readonly args: Readonly<Record<string, unknown>>;
}

/** Every resource of one type with a literal `field` (default `name`), with its address. */
export function literalResourcesOf(
  stackDir: string,
  type: string,
  field = 'name',
): NamedResource[] {
  const file = join(stackDir, 'cdk.tf.json');
  if (!existsSync(file)) return [];
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
  };
  return Object.entries(json.resource?.[type] ?? {}).flatMap(([key, r]) => {
    const name = r[field];
    return typeof name === 'string' && !name.includes('${')
      ? [{ address: `${type}.${key}`, name, args: r }]
      : [];
  });
}

/** Names of the "not found" errors of the APIs probed by name (IAM, Scheduler, Budgets). */
const NOT_FOUND = new Set(['NoSuchEntity', 'ResourceNotFoundException', 'NotFoundException']);

/**
 * The leftover line for one resource probed by name: `what` when it exists, nothing when the API says not found, "could not check" otherwise.
 */
async function probeByName(what: string, probe: () => Promise<unknown>): Promise<string[]> {
  try {
    await probe();
    return [what];
  } catch (e) {
    if (
      e instanceof NoSuchEntityException ||
      e instanceof ResourceNotFoundException ||
      NOT_FOUND.has((e as { name?: string }).name ?? '')
    )
      return [];
    return [`could not check ${what}: ${(e as Error).message}`];
  }
}

/** Runs one probe per name, in order, and collects their leftover lines. */
async function probeAll(
  names: readonly string[],
  probe: (name: string) => Promise<string[]>,
): Promise<string[]> {
  const left: string[] = [];
  for (const n of names) left.push(...(await probe(n)));
  return left;
}

/** "Scheduler schedule <name>" for each that still exists (in the default group). */
export function leftoverSchedules(
  scheduler: SchedulerClient,
  names: readonly string[],
): Promise<string[]> {
  return probeAll(names, (Name) =>
    probeByName(`Scheduler schedule ${Name}`, () =>
      scheduler.send(new GetScheduleCommand({ Name })),
    ),
  );
}

/** "Budgets budget <name>" for each that still exists in `account` (Budgets asks for it). */
export function leftoverBudgets(
  budgets: BudgetsClient,
  account: string,
  names: readonly string[],
): Promise<string[]> {
  return probeAll(names, (BudgetName) =>
    probeByName(`Budgets budget ${BudgetName}`, () =>
      budgets.send(new DescribeBudgetCommand({ AccountId: account, BudgetName })),
    ),
  );
}

/** "IAM role <name>" / "IAM instance profile <name>" for each that still exists. */
export async function leftoverIam(iam: IAMClient, names: IamNames): Promise<string[]> {
  const roles = await probeAll(names.roles, (RoleName) =>
    probeByName(`IAM role ${RoleName}`, () => iam.send(new GetRoleCommand({ RoleName }))),
  );
  const profiles = await probeAll(names.instanceProfiles, (InstanceProfileName) =>
    probeByName(`IAM instance profile ${InstanceProfileName}`, () =>
      iam.send(new GetInstanceProfileCommand({ InstanceProfileName })),
    ),
  );
  return [...roles, ...profiles];
}

/** "Kinesis stream <name>" for each that still exists, tagged or not. */
export function leftoverStreams(
  kinesis: KinesisClient,
  names: readonly string[],
): Promise<string[]> {
  return probeAll(names, (StreamName) =>
    probeByName(`Kinesis stream ${StreamName}`, () =>
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName })),
    ),
  );
}

/** "Firehose delivery stream <name>" for each that still exists, tagged or not. */
export function leftoverDeliveryStreams(
  firehose: FirehoseClient,
  names: readonly string[],
): Promise<string[]> {
  return probeAll(names, (DeliveryStreamName) =>
    probeByName(`Firehose delivery stream ${DeliveryStreamName}`, () =>
      firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName })),
    ),
  );
}

/** "S3 bucket <name>" for each bucket whose name starts with one of the lake's prefixes. */
/**
 * What terraform appends to a `bucket_prefix`: the UTC time to 1/10,000 s (18 digits) and a
 * counter (8 hex digits), e.g. `20261207044414105700000001`.
 */
const TERRAFORM_UNIQUE_SUFFIX = /^\d{18}[0-9a-f]{8}$/;

/**
 * Whether `bucket` is the lake named `prefix` made by terraform (or, for a literal name,
 * is that name). A bare prefix match is not enough: lab `class`'s prefix `class-lake-`
 * also starts lab `class-lake-x`'s bucket, and `up` would adopt — and `down` then destroy,
 * with every object — another lab's lake.
 */
export function isLabBucket(bucket: string, prefix: string): boolean {
  return (
    bucket === prefix ||
    (bucket.startsWith(prefix) && TERRAFORM_UNIQUE_SUFFIX.test(bucket.slice(prefix.length)))
  );
}

export async function leftoverBuckets(
  s3: S3Client,
  prefixes: readonly string[],
): Promise<string[]> {
  if (prefixes.length === 0) return [];
  const what = `S3 buckets named ${prefixes.join(', ')}*`;
  try {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const res = await s3.send(new ListBucketsCommand({ ContinuationToken: token }));
      for (const b of res.Buckets ?? []) if (b.Name) names.push(b.Name);
      token = res.ContinuationToken || undefined;
    } while (token);
    return names
      .filter((n) => prefixes.some((p) => isLabBucket(n, p)))
      .map((n) => `S3 bucket ${n}`);
  } catch (e) {
    return [`could not check ${what}: ${(e as Error).message}`];
  }
}

/** "CloudWatch log group <name>" for each that still exists (exact name, not prefix). */
export function leftoverLogGroups(
  logs: CloudWatchLogsClient,
  names: readonly string[],
): Promise<string[]> {
  return probeAll(names, (name) =>
    probeByName(`CloudWatch log group ${name}`, async () => {
      const res = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
      if (!(res.logGroups ?? []).some((g) => g.logGroupName === name))
        throw Object.assign(new Error(`no log group ${name}`), { name: 'NoSuchEntity' });
    }),
  );
}

export interface LeftoverClients {
  readonly ec2: EC2Client;
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly iam: IAMClient;
  readonly scheduler: SchedulerClient;
  readonly kinesis: KinesisClient;
  readonly firehose: FirehoseClient;
  readonly s3: S3Client;
  readonly logs: CloudWatchLogsClient;
  readonly budgets: BudgetsClient;
}

/** What `down` asks AWS for by name, read from the synthesized stack. */
export interface ByName {
  readonly iam: IamNames;
  readonly schedules: readonly string[];
  readonly budgets: readonly string[];
  readonly data: DataNames;
}

export function namesOfStack(stackDir: string): ByName {
  return {
    iam: iamNamesOfStack(stackDir),
    schedules: scheduleNamesOfStack(stackDir),
    budgets: budgetNamesOfStack(stackDir),
    data: dataNamesOfStack(stackDir),
  };
}

/** How many names `findLeftovers` probes one by one (bucket prefixes count once each). */
export function countByName(named: ByName): number {
  const { iam, schedules, budgets, data } = named;
  return (
    iam.roles.length +
    iam.instanceProfiles.length +
    schedules.length +
    budgets.length +
    data.streams.length +
    data.deliveryStreams.length +
    data.bucketPrefixes.length +
    data.logGroups.length
  );
}

/**
 * Everything of the lab AWS still has: instance ids, tagged ARNs, then what is probed by
 * name (IAM, schedules, budgets, streams, delivery streams, buckets, log groups). A resource
 * both tagged and probed by name is listed once, under its name. `account` is the operator's
 * AWS account (Budgets is asked per account).
 */
export async function findLeftovers(
  clients: LeftoverClients,
  labName: string,
  named: ByName,
  account: string,
): Promise<string[]> {
  const [instances, tagged, ...byName] = await Promise.all([
    leftoverInstances(clients.ec2, labName),
    leftoverTagged(clients.tagging, labName),
    leftoverIam(clients.iam, named.iam),
    leftoverSchedules(clients.scheduler, named.schedules),
    leftoverBudgets(clients.budgets, account, named.budgets),
    leftoverStreams(clients.kinesis, named.data.streams),
    leftoverDeliveryStreams(clients.firehose, named.data.deliveryStreams),
    leftoverBuckets(clients.s3, named.data.bucketPrefixes),
    leftoverLogGroups(clients.logs, named.data.logGroups),
  ]);
  const namedLines = byName.flat();
  const unnamed = tagged.filter((arn) => !namedLines.some((l) => l.endsWith(` ${arnName(arn)}`)));
  return [...instances, ...unnamed, ...namedLines];
}

/**
 * A resource's own name in its ARN: after `log-group:` for a log group (its name holds
 * slashes), else after the last "/" or ":" (`stream/<name>`, `arn:aws:s3:::<name>`).
 */
export function arnName(arn: string): string {
  const logGroup = /:log-group:(.+?)(?::\*)?$/.exec(arn);
  if (logGroup) return logGroup[1]!;
  return arn.slice(Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':')) + 1);
}

/** How to remove one leftover `findLeftovers` listed (its line names the resource). */
export function removalOf(leftover: string): string {
  const [, kind, name] =
    /^(Kinesis stream|Firehose delivery stream|S3 bucket|CloudWatch log group|Scheduler schedule|Budgets budget|IAM role|IAM instance profile) (\S+)$/.exec(
      leftover,
    ) ?? [];
  switch (kind) {
    case 'Kinesis stream':
      return `aws kinesis delete-stream --stream-name ${name}`;
    case 'Firehose delivery stream':
      return `aws firehose delete-delivery-stream --delivery-stream-name ${name}`;
    case 'S3 bucket':
      return `aws s3 rb s3://${name} --force`;
    case 'CloudWatch log group':
      return `aws logs delete-log-group --log-group-name ${name}`;
    case 'Scheduler schedule':
      return `aws scheduler delete-schedule --name ${name}`;
    case 'Budgets budget':
      return `aws budgets delete-budget --account-id "$(aws sts get-caller-identity --query Account --output text)" --budget-name ${name}`;
    case 'IAM role':
      return 'IAM console > Roles (it detaches the policies first)';
    case 'IAM instance profile':
      return `aws iam delete-instance-profile --instance-profile-name ${name}`;
  }
  if (leftover.startsWith('i-')) return `aws ec2 terminate-instances --instance-ids ${leftover}`;
  if (leftover.startsWith('arn:')) return 'the AWS console (Resource Groups > Tag Editor, tag lab)';
  return 'check again: `streamlab down` (or look in the AWS console)';
}
