/**
 * Adoption: before `up` plans, the lab's resources that exist in AWS but are missing from
 * the state (an apply interrupted or forced after AWS made them and before terraform saved
 * them; a lost state file) are found by their names and imported, so the next apply
 * converges instead of failing with "already exists" and leaving them unmanaged.
 *
 * The names are the stack's literal ones, those `down`'s leftover check knows
 * (./leftovers.ts): Kinesis streams, the lake bucket (by its prefix), IAM roles and
 * instance profiles, CloudWatch log groups, Scheduler schedules, and the hosts' key pairs.
 * Each one found becomes a terraform `import` block in a file beside the stack, for exactly
 * that resource; the plan then shows it as adopted and the apply imports it. What cannot be
 * imported unambiguously (two buckets with the lake's prefix) or checked is named with the
 * command that adopts it.
 */
import { DescribeKeyPairsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PreparedStack } from './stack';
import {
  leftoverBuckets,
  leftoverIam,
  leftoverLogGroups,
  leftoverSchedules,
  leftoverStreams,
  literalResourcesOf,
  type LeftoverClients,
} from './leftovers';
import type { Reporter } from '../progress';

/** The file of import blocks, beside the synthesized stack; it lives for one `up`. */
export const ADOPT_FILE = 'streamlab-adopt.tf.json';

/** The clients adoption asks, a subset of `down`'s. */
export type AdoptClients = Pick<
  LeftoverClients,
  'ec2' | 'iam' | 'scheduler' | 'kinesis' | 's3' | 'logs'
>;

/** One resource to import: its address in the stack and its id in AWS. */
export interface Adoption {
  /** What it is, as `down` names it, e.g. `Kinesis stream motolab-lab`. */
  readonly what: string;
  readonly to: string;
  readonly id: string;
}

export interface AdoptionResult {
  readonly imports: readonly Adoption[];
  /** Resources that may exist but were not imported, each with the command that would. */
  readonly unsure: readonly string[];
}

interface AdoptableKind {
  readonly type: string;
  /** The attribute that holds the literal name. @default 'name' */
  readonly field?: string;
  /** The leftover lines for one name: `<what> <name>` per match, or "could not check …". */
  find(clients: AdoptClients, name: string): Promise<string[]>;
  /** Terraform's import id for the matched name. @default the name */
  importId?(args: Readonly<Record<string, unknown>>, name: string): string;
}

const KINDS: readonly AdoptableKind[] = [
  { type: 'aws_kinesis_stream', find: (c, n) => leftoverStreams(c.kinesis, [n]) },
  { type: 'aws_s3_bucket', field: 'bucket_prefix', find: (c, n) => leftoverBuckets(c.s3, [n]) },
  { type: 'aws_s3_bucket', field: 'bucket', find: (c, n) => leftoverBuckets(c.s3, [n]) },
  {
    type: 'aws_iam_role',
    find: (c, n) => leftoverIam(c.iam, { roles: [n], instanceProfiles: [] }),
  },
  {
    type: 'aws_iam_instance_profile',
    find: (c, n) => leftoverIam(c.iam, { roles: [], instanceProfiles: [n] }),
  },
  { type: 'aws_cloudwatch_log_group', find: (c, n) => leftoverLogGroups(c.logs, [n]) },
  {
    type: 'aws_scheduler_schedule',
    find: (c, n) => leftoverSchedules(c.scheduler, [n]),
    importId: (r, n) => `${typeof r.group_name === 'string' ? r.group_name : 'default'}/${n}`,
  },
  { type: 'aws_key_pair', field: 'key_name', find: (c, n) => keyPairs(c.ec2, n) },
];

/** "EC2 key pair <name>" when it exists (imported by name, like the others). */
async function keyPairs(ec2: EC2Client, name: string): Promise<string[]> {
  try {
    const res = await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [name] }));
    return (res.KeyPairs ?? []).some((k) => k.KeyName === name) ? [`EC2 key pair ${name}`] : [];
  } catch (e) {
    if ((e as { name?: string }).name === 'InvalidKeyPair.NotFound') return [];
    return [`could not check EC2 key pair ${name}: ${(e as Error).message}`];
  }
}

/** The name a leftover line ends with (`Kinesis stream motolab-lab` → `motolab-lab`). */
const nameIn = (line: string) => line.slice(line.lastIndexOf(' ') + 1);

/**
 * Finds the stack's named resources that are not in `inState` but exist in AWS: one import
 * for each that matches exactly one object, a line with the import command otherwise.
 */
export async function findAdoptions(
  stackDir: string,
  inState: ReadonlySet<string>,
  clients: () => AdoptClients,
): Promise<AdoptionResult> {
  const missing = KINDS.flatMap((kind) =>
    literalResourcesOf(stackDir, kind.type, kind.field)
      .filter((r) => !inState.has(r.address))
      .map((r) => ({ kind, resource: r })),
  );
  if (missing.length === 0) return { imports: [], unsure: [] };
  const c = clients();
  let found;
  try {
    found = await Promise.all(
      missing.map(async ({ kind, resource }) => ({
        kind,
        resource,
        lines: await kind.find(c, resource.name),
      })),
    );
  } finally {
    for (const client of Object.values(c)) client.destroy();
  }
  const imports: Adoption[] = [];
  const unsure: string[] = [];
  for (const { kind, resource, lines } of found) {
    const matches = lines.filter((l) => !l.startsWith('could not check'));
    unsure.push(...lines.filter((l) => l.startsWith('could not check')));
    if (matches.length === 1) {
      const name = nameIn(matches[0]!);
      const id = kind.importId?.(resource.args, name) ?? name;
      imports.push({ what: matches[0]!, to: resource.address, id });
    } else if (matches.length > 1) {
      unsure.push(
        `${matches.join(', ')} all match ${resource.address}: adopt the right one with ` +
          `\`terraform import ${resource.address} <name>\` in ${stackDir}, remove the others`,
      );
    }
  }
  return { imports, unsure };
}

/** Writes the import blocks beside the stack (or removes a stale file when there are none). */
export function writeAdoptFile(stackDir: string, imports: readonly Adoption[]): void {
  const file = join(stackDir, ADOPT_FILE);
  if (imports.length === 0) return removeAdoptFile(stackDir);
  writeFileSync(
    file,
    JSON.stringify({ import: imports.map(({ to, id }) => ({ to, id })) }, null, 2) + '\n',
  );
}

export function removeAdoptFile(stackDir: string): void {
  const file = join(stackDir, ADOPT_FILE);
  if (existsSync(file)) rmSync(file);
}

/**
 * `up`'s adoption step: asks the state what it holds, AWS what exists, writes the import
 * blocks and says what is adopted and what is left to the operator. The caller removes the
 * file after the apply (removeAdoptFile): `plan`/`down` never see it.
 */
export async function adoptOrphans(
  stack: PreparedStack,
  clients: () => AdoptClients,
  r: Reporter,
): Promise<AdoptionResult> {
  const inState = new Set(await stack.tf.stateList());
  const result = await findAdoptions(stack.stackDir, inState, clients);
  writeAdoptFile(stack.stackDir, result.imports);
  for (const a of result.imports)
    r.line('adopt', `${a.what} exists but is not in the state: the apply imports it into ${a.to}`);
  for (const u of result.unsure) r.line('adopt', u);
  return result;
}
