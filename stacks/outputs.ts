/**
 * The stack's Terraform outputs: their STABLE names (scripts, handouts and users rely on
 * them; docs/aws-stack.md, "Outputs") and the reader that turns `terraform output -json` back into
 * one record per host.
 *
 * Terraform output names cannot hold "-", student names can: "-" becomes "_". Student
 * names never contain "_" (config schema), so the mapping is reversible.
 */
import { OperationalError } from '../config/errors';

export const HOST_OUTPUT_FIELDS = {
  publicDns: 'public_dns',
  publicIp: 'public_ip',
  instanceId: 'instance_id',
} as const;
export const STREAM_OUTPUT_FIELDS = { streamName: 'name', streamArn: 'arn' } as const;

export const BUCKET_OUTPUT = 'bucket';
export const REGION_OUTPUT = 'region';
/** With search.enabled: the OpenSearch domain endpoint (host name, HTTPS) and the indexer. */
export const SEARCH_ENDPOINT_OUTPUT = 'search_endpoint';
export const SEARCH_INDEXER_OUTPUT = 'search_indexer';
/** With config `class`: when the schedule stops the instances (ISO, UTC), and its name. */
export const CLASS_ENDS_AT_OUTPUT = 'class_ends_at';
export const CLASS_END_SCHEDULE_OUTPUT = 'class_end_schedule';
/** With config `class.budget`: the budget's name (AWS Budgets, account-wide). */
export const CLASS_BUDGET_OUTPUT = 'class_budget';

const toKey = (student: string) => student.replace(/-/g, '_');
const fromKey = (key: string) => key.replace(/_/g, '-');

export function hostOutputName(student: string, field: keyof typeof HOST_OUTPUT_FIELDS): string {
  return `host_${toKey(student)}_${HOST_OUTPUT_FIELDS[field]}`;
}

export function streamOutputName(
  student: string,
  field: keyof typeof STREAM_OUTPUT_FIELDS,
): string {
  return `stream_${toKey(student)}_${STREAM_OUTPUT_FIELDS[field]}`;
}

/** With config `consumer`: the student's reader role, `reader_<student>_role_arn`. */
export function readerOutputName(student: string): string {
  return `reader_${toKey(student)}_role_arn`;
}

/** Reader-role ARNs by student, from `terraform output -json`; students without one are absent. */
export function readerRoleArns(
  json: TerraformOutputJson,
  students: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const student of students) {
    const value = json[readerOutputName(student)]?.value;
    if (typeof value === 'string' && value !== '') out[student] = value;
  }
  return out;
}

export interface HostRecord {
  readonly host: string;
  readonly publicDns: string;
  readonly publicIp: string;
  readonly instanceId: string;
  readonly streamName: string;
  readonly streamArn: string;
}

export interface LabOutputs {
  readonly region: string;
  readonly bucket: string;
  /** In config order when `hosts` was given, otherwise sorted by name. */
  readonly hosts: HostRecord[];
}

/** `terraform output -json` shape: `{ name: { value, type, sensitive } }`. */
export type TerraformOutputJson = Record<string, { value?: unknown } | undefined>;

/** An output the lab needs is not in the stack's: it was applied from another config. */
export class OutputsError extends OperationalError {
  constructor(message: string) {
    super(message);
    this.name = 'OutputsError';
  }
}

/**
 * Maps `terraform output -json` to per-host records. Pass the expected host names to
 * get them in that order and an error naming any output that is missing (e.g. the stack
 * was applied from an older config).
 */
export function hostsFromOutputs(json: TerraformOutputJson, hosts?: readonly string[]): LabOutputs {
  const read = (name: string): string => {
    const value = json[name]?.value;
    if (typeof value !== 'string' || value === '') {
      throw new OutputsError(
        `terraform output "${name}" is missing or empty (was the stack applied with this config?); run \`streamlab up\` to apply this config`,
      );
    }
    return value;
  };
  const names =
    hosts ??
    Object.keys(json)
      .map((k) => /^host_([a-z0-9_]+)_instance_id$/.exec(k)?.[1])
      .filter((k): k is string => k !== undefined)
      .map(fromKey)
      .sort();
  return {
    region: read(REGION_OUTPUT),
    bucket: read(BUCKET_OUTPUT),
    hosts: names.map((host) => ({
      host,
      publicDns: read(hostOutputName(host, 'publicDns')),
      publicIp: read(hostOutputName(host, 'publicIp')),
      instanceId: read(hostOutputName(host, 'instanceId')),
      streamName: read(streamOutputName(host, 'streamName')),
      streamArn: read(streamOutputName(host, 'streamArn')),
    })),
  };
}
