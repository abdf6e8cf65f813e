/**
 * After `destroy`, asks AWS itself what of the lab still exists: state can lie (a resource
 * removed from state by hand, an apply interrupted before it saved, a lost state file).
 * - EC2 instances by tag, in every state but terminated (EC2 keeps terminated ones listed
 *   for about an hour, and they cost nothing);
 * - every other resource tagged lab=<name>, managed-by=streamlab, from the Resource Groups
 *   Tagging API;
 * - IAM roles and instance profiles by name: IAM is not in the Tagging API;
 * - EventBridge Scheduler schedules (the class end) by name: schedules take no tags.
 */
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

/** The literal `name` of every resource of one type in a synthesized stack. */
function literalNamesOf(stackDir: string, type: string): string[] {
  const file = join(stackDir, 'cdk.tf.json');
  if (!existsSync(file)) return [];
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    resource?: Record<string, Record<string, { name?: unknown }>>;
  };
  return Object.values(json.resource?.[type] ?? {})
    .map((r) => r.name)
    .filter((n): n is string => typeof n === 'string' && !n.includes('${'));
}

/** Names of the "not found" errors of the APIs probed by name (IAM, Scheduler). */
const NOT_FOUND = new Set(['NoSuchEntity', 'ResourceNotFoundException']);

async function exists(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (e) {
    if (
      e instanceof NoSuchEntityException ||
      e instanceof ResourceNotFoundException ||
      NOT_FOUND.has((e as { name?: string }).name ?? '')
    )
      return false;
    throw e;
  }
}

/** "Scheduler schedule <name>" for each that still exists (in the default group). */
export async function leftoverSchedules(
  scheduler: SchedulerClient,
  names: readonly string[],
): Promise<string[]> {
  const left: string[] = [];
  for (const Name of names)
    if (await exists(() => scheduler.send(new GetScheduleCommand({ Name }))))
      left.push(`Scheduler schedule ${Name}`);
  return left;
}

/** "IAM role <name>" / "IAM instance profile <name>" for each that still exists. */
export async function leftoverIam(iam: IAMClient, names: IamNames): Promise<string[]> {
  const left: string[] = [];
  for (const RoleName of names.roles)
    if (await exists(() => iam.send(new GetRoleCommand({ RoleName }))))
      left.push(`IAM role ${RoleName}`);
  for (const InstanceProfileName of names.instanceProfiles)
    if (await exists(() => iam.send(new GetInstanceProfileCommand({ InstanceProfileName }))))
      left.push(`IAM instance profile ${InstanceProfileName}`);
  return left;
}

export interface LeftoverClients {
  readonly ec2: EC2Client;
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly iam: IAMClient;
  readonly scheduler: SchedulerClient;
}

/** Everything of the lab AWS still has: instance ids, ARNs, IAM names, then schedules. */
export async function findLeftovers(
  clients: LeftoverClients,
  labName: string,
  iamNames: IamNames,
  scheduleNames: readonly string[] = [],
): Promise<string[]> {
  const [instances, tagged, iam, schedules] = await Promise.all([
    leftoverInstances(clients.ec2, labName),
    leftoverTagged(clients.tagging, labName),
    leftoverIam(clients.iam, iamNames),
    leftoverSchedules(clients.scheduler, scheduleNames),
  ]);
  return [...instances, ...tagged, ...iam, ...schedules];
}
