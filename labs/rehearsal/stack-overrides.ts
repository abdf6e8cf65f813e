/**
 * What a rehearsal changes in the synthesized stack, written as a terraform override file
 * beside cdk.tf.json (`*_override.tf.json` merges over the configuration; synth keeps
 * files it did not write). The stack itself stays what AWS gets; each override says why
 * the emulator needs it, and the file lists those reasons.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export const OVERRIDE_FILE = 'streamlab_rehearsal_override.tf.json';

interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** One override: its reason and the override blocks it adds for a given stack. */
export interface StackOverride {
  readonly reason: string;
  blocks(stack: StackJson): Record<string, unknown>;
}

function forEachResource(
  stack: StackJson,
  type: string,
  attrs: (resource: Record<string, unknown>) => Record<string, unknown> | undefined,
): Record<string, unknown> {
  const byId: Record<string, unknown> = {};
  for (const [id, r] of Object.entries(stack.resource?.[type] ?? {})) {
    const a = attrs(r);
    if (a) byId[id] = a;
  }
  return Object.keys(byId).length ? { resource: { [type]: byId } } : {};
}

/** The stack pins the provider @cdktn/provider-aws was generated from; the mirror holds another. */
export function pinProvider(
  version: string,
  pin = 'the version @cdktn/provider-aws was built for',
): StackOverride {
  return {
    reason: `the stack pins hashicorp/aws ${pin}; the mirror's ${version} stands in`,
    blocks: () => ({
      terraform: {
        required_providers: { aws: { source: 'hashicorp/aws', version } },
      },
    }),
  };
}

/** Provider 5.x validates Lambda runtimes against a list that ends before nodejs24.x. */
export const olderLambdaRuntime: StackOverride = {
  reason: 'provider 5.x does not know the nodejs24.x runtime (6.x does); nodejs22.x stands in',
  blocks: (stack) =>
    forEachResource(stack, 'aws_lambda_function', (r) =>
      r.runtime === 'nodejs24.x' ? { runtime: 'nodejs22.x' } : undefined,
    ),
};

/** moto does not implement MonitorInstances, which detailed monitoring calls on create. */
export const noDetailedMonitoring: StackOverride = {
  reason: 'moto does not implement MonitorInstances (detailed monitoring)',
  blocks: (stack) => forEachResource(stack, 'aws_instance', () => ({ monitoring: false })),
};

/**
 * Provider settings for an emulator on loopback. Services not named here follow the
 * AWS_ENDPOINT_URL environment variable (provider 5.100 honours it, as does the AWS SDK
 * the CLI uses); `endpoints` sends a service elsewhere for terraform alone.
 */
export function emulatorProvider(endpoints: Record<string, string> = {}): StackOverride {
  return {
    reason:
      'moto on 127.0.0.1 has no per-bucket host names (path-style S3)' +
      (Object.keys(endpoints).length
        ? `; terraform reaches ${Object.keys(endpoints)} directly`
        : ''),
    blocks: () => ({
      provider: {
        aws: {
          s3_use_path_style: true,
          ...(Object.keys(endpoints).length ? { endpoints: [endpoints] } : {}),
        },
      },
    }),
  };
}

/** The first number of a version: 5 for 5.100.0. */
export const majorOf = (version: string) => Number(version.split('.')[0]);

/**
 * Every override a rehearsal needs for a stack applied with provider `version` (the stack
 * pins `pin`) against moto at `motoEndpoint`: terraform's EC2 goes to moto directly while
 * streamlab's own EC2 calls go through the host stand-in.
 */
export function rehearsalOverrides(
  version: string,
  pin: string,
  motoEndpoint: string,
): StackOverride[] {
  return [
    ...(version === pin ? [] : [pinProvider(version, pin)]),
    ...(majorOf(version) < 6 ? [olderLambdaRuntime] : []),
    noDetailedMonitoring,
    emulatorProvider({ ec2: motoEndpoint }),
  ];
}

/** Deep merge of plain objects (override blocks of different overrides never collide on leaves). */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      prev && typeof prev === 'object' && !Array.isArray(prev) && v && typeof v === 'object'
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Writes the override file for the stack in stackDir; returns the reasons, for the test log. */
export function writeStackOverrides(
  stackDir: string,
  overrides: readonly StackOverride[],
): string[] {
  const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as StackJson;
  let body: Record<string, unknown> = {};
  for (const o of overrides) body = merge(body, o.blocks(stack));
  const reasons = overrides.map((o) => o.reason);
  writeFileSync(
    join(stackDir, OVERRIDE_FILE),
    `${JSON.stringify({ '//': reasons, ...body }, null, 2)}\n`,
  );
  return reasons;
}
