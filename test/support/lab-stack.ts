/**
 * Helpers for stack tests: a valid config from a few overrides, a syntactically valid
 * public key (never a real one), a lab's folder on disk, whole labs synthesized and
 * parsed back into JSON, and readers of that JSON (construct tests use them on a bare
 * stack: bare-stack.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktn';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { LOCAL_STATE_DIR } from '../../config/local-state';
import type { LabConfig, LabConfigInput } from '../../config/schema';
import { LabStack } from '../../stacks/lab-stack';

// As in `streamlab synth`: no stack trace per cdktn token (they dominate synth time).
process.env.CDKTN_DISABLE_CREATION_STACK ??= '1';

export const TEST_PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Qta2V5LW5vdC1hLXJlYWwta2V5LWZvci10ZXN0cw streamlab-test';

export function labConfig(overrides: Partial<LabConfigInput> = {}): LabConfig {
  return parseConfig({
    name: 'bigdata-lab',
    region: 'us-east-1',
    operatorCidr: '203.0.113.7/32',
    ...overrides,
  });
}

export function keysFor(config: LabConfig): Record<string, string> {
  return Object.fromEntries(config.students.map((s) => [s, TEST_PUBLIC_KEY]));
}

/**
 * A lab's folder as `streamlab` finds it: `streamlab.yaml` (the valid base of labConfig
 * with `config` over it) and the test public key of each of `hosts` under
 * `<keysDir>/<name>/`, keysDir being the config's when it sets one, else the default
 * `.streamlab/keys` beside the file. Returns the config file's path.
 */
export function writeLabDir(
  dir: string,
  config: Record<string, unknown> = {},
  hosts: string[] = ['lab'],
): string {
  const name = String(config.name ?? 'bigdata-lab');
  const keysDir =
    typeof config.keysDir === 'string' ? config.keysDir : join(dir, LOCAL_STATE_DIR, 'keys');
  mkdirSync(join(keysDir, name), { recursive: true });
  for (const h of hosts) writeFileSync(join(keysDir, name, `${h}.pub`), `${TEST_PUBLIC_KEY}\n`);
  const file = join(dir, 'streamlab.yaml');
  writeFileSync(
    file,
    stringify({ name, region: 'us-east-1', operatorCidr: '203.0.113.7/32', ...config }),
  );
  return file;
}

/** Resource types only the search module creates. */
export const SEARCH_TYPES = [
  'aws_opensearch_domain',
  'aws_opensearch_domain_policy',
  'aws_cloudwatch_log_resource_policy',
  'aws_lambda_function',
  'aws_lambda_function_event_invoke_config',
  'aws_lambda_permission',
  'aws_s3_bucket_notification',
  'aws_sqs_queue',
  'aws_kms_key',
  'aws_kms_alias',
] as const;

/** A synthesized stack's JSON. Resources by type → logical id → attributes. */
export interface StackJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; description?: string }>;
  provider: { aws: Record<string, unknown>[] };
  terraform: Record<string, unknown>;
}

export function synthLab(config: LabConfig): { stack: LabStack; json: StackJson } {
  const app = Testing.app({ stackTraces: false });
  const stack = new LabStack(app, config, {
    publicKeys: keysFor(config),
    statePath: 'test.tfstate',
  });
  const json = JSON.parse(Testing.synth(stack)) as StackJson;
  return { stack, json };
}

/** Resources of one type, attributes only (the "//" metadata stripped). */
export function resourcesOf(json: StackJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {}).map((r) => {
    const { ['//']: _meta, ...attrs } = r;
    return attrs;
  });
}

/** Matches a reference to an attribute of the resource whose logical id starts with `idPrefix`. */
export const refTo = (type: string, idPrefix: string, attr: string) =>
  new RegExp(`^\\$\\{${type}\\.${idPrefix}_[0-9A-F]{8}\\.${attr}\\}`);

export function countOf(json: StackJson, type: string): number {
  return Object.keys(json.resource[type] ?? {}).length;
}

/** One statement of an IAM policy document, as synthesized. */
export type PolicyStatementJson = Record<string, unknown> & {
  Action: string[];
  Resource: string[];
  Sid?: string;
  Condition?: Record<string, Record<string, unknown>>;
};

/** Statements of every inline role policy, by logical id without its hash suffix. */
export function inlinePolicies(json: StackJson): Record<string, PolicyStatementJson[]> {
  const out: Record<string, PolicyStatementJson[]> = {};
  for (const [id, p] of Object.entries(json.resource.aws_iam_role_policy ?? {})) {
    out[id.replace(/_[0-9A-F]{8}$/, '')] = (
      JSON.parse(p.policy as string) as { Statement: PolicyStatementJson[] }
    ).Statement;
  }
  return out;
}
