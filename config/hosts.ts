/**
 * Names derived from the config that several modules must agree on: host names,
 * key paths, per-student resource names. One place, so stacks, provisioning and
 * scripts never drift apart.
 */
import { join, resolve } from 'node:path';
import type { LabConfig } from './schema';

/** Host names in config order: one per student, or the single host "lab". */
export function hostNames(config: Pick<LabConfig, 'students'>): string[] {
  return config.students.map((s) => (typeof s === 'string' ? s : s.name));
}

/**
 * The student's own public key (`<type> <base64>`, checked: config/ssh-public-key.ts),
 * or undefined when they gave none and use the key the operator hands out.
 */
export function studentPublicKey(
  config: Pick<LabConfig, 'students'>,
  host: string,
): string | undefined {
  for (const s of config.students) if (typeof s !== 'string' && s.name === host) return s.publicKey;
  return undefined;
}

/** Where a host's SSH key pair lives: `<keysDir>/<lab>/<host>` (+ `.pub`). */
export function keyPathFor(
  config: LabConfig,
  host: string,
  baseDir = process.cwd(),
): {
  privateKeyPath: string;
  publicKeyPath: string;
} {
  const privateKeyPath = resolve(baseDir, join(config.keysDir, config.name, host));
  return { privateKeyPath, publicKeyPath: `${privateKeyPath}.pub` };
}

/** The Kinesis stream a host's producer writes to. */
export function streamNameFor(config: Pick<LabConfig, 'name'>, host: string): string {
  return `${config.name}-${host}`;
}

/**
 * The lake's root for delivered data: each student's Firehose writes under
 * `students/<student>/` (stacks/constructs/delivery.ts), where `check` looks for it.
 */
export const LAKE_DATA_ROOT = 'students/';

/** Where a student's records land in the lake. */
export const lakePrefixFor = (student: string) => `${LAKE_DATA_ROOT}${student}/`;
