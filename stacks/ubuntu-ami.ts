/**
 * Which Ubuntu image a host boots: Canonical's official AMIs, found by name, in the
 * architecture the instance type runs (Graviton types need arm64 images).
 */
import type { LabConfig } from '../config/schema';

/** Canonical's AWS account: only its images are "official Ubuntu". */
export const CANONICAL_OWNER = '099720109477';

/** An Ubuntu LTS release a host may run, e.g. "24.04". */
export type UbuntuRelease = LabConfig['ubuntu'];

const CODENAMES: Record<UbuntuRelease, string> = { '22.04': 'jammy', '24.04': 'noble' };

/**
 * arm64 for AWS Graviton families: a1, and any family with a "g" right after its
 * generation digit (t4g, m6g, m7gd, c7gn, r8g, x2gd, im4gn, g5g); amd64 for the rest
 * (g4dn is a GPU family on x86: its "g" comes before the digit).
 */
export function archForInstanceType(instanceType: string): 'arm64' | 'amd64' {
  if (/^a1\./.test(instanceType)) return 'arm64';
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? 'arm64' : 'amd64';
}

/** Name filter of the AMI, e.g. `ubuntu/images/hvm-ssd*\/ubuntu-*-24.04-amd64-server-*`. */
export function ubuntuAmiNamePattern(release: UbuntuRelease, instanceType: string): string {
  // hvm-ssd* matches both "hvm-ssd" (22.04) and "hvm-ssd-gp3" (24.04 onwards); the
  // codename and version both appear in the name, e.g. ubuntu-noble-24.04-amd64-server-20260115.
  return `ubuntu/images/hvm-ssd*/ubuntu-${CODENAMES[release]}-${release}-${archForInstanceType(instanceType)}-server-*`;
}
