/**
 * The hashicorp/aws provider a rehearsal installs: from a terraform filesystem mirror on
 * this machine, never a registry. The stack pins the version @cdktn/provider-aws was
 * generated from; a rehearsal takes that one when a mirror holds it, else the newest
 * version a mirror holds (the stack overrides say what changes for an older major), and
 * when no mirror holds any, the message names the pin and every place looked.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';

export const PROVIDER_SOURCE = 'registry.terraform.io/hashicorp/aws';
/** The version this machine image's mirror holds (the tests' and CI's). */
export const MIRRORED_AWS_VERSION = '5.100.0';

/** Where a mirror may live: STREAMLAB_TF_MIRROR first, then terraform's usual roots. */
export function mirrorRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...(env.STREAMLAB_TF_MIRROR ? [env.STREAMLAB_TF_MIRROR] : []),
    '/opt/tf-plugins',
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
    join(homedir(), '.terraform.d', 'plugins'),
    join(homedir(), '.local', 'share', 'terraform', 'plugins'),
  ];
}

const hasLinuxBuild = (dir: string) =>
  existsSync(dir) && readdirSync(dir).some((p) => p.startsWith('linux_'));

/** A mirror root holding the provider's version directory (the platform inside it). */
export function findProviderMirror(
  version = MIRRORED_AWS_VERSION,
  roots = mirrorRoots(),
): string | undefined {
  return roots.find((root) => hasLinuxBuild(join(root, PROVIDER_SOURCE, version)));
}

/** Numeric comparison of dotted versions (5.100.0 > 5.99.1). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Every version of the provider the mirrors hold, newest first, with its root. */
export function mirroredVersions(roots = mirrorRoots()): { version: string; root: string }[] {
  const found: { version: string; root: string }[] = [];
  for (const root of roots) {
    const dir = join(root, PROVIDER_SOURCE);
    if (!existsSync(dir)) continue;
    for (const version of readdirSync(dir)) {
      if (/^\d+\.\d+\.\d+$/.test(version) && hasLinuxBuild(join(dir, version)))
        found.push({ version, root });
    }
  }
  return found.sort((a, b) => compareVersions(b.version, a.version));
}

export interface ChosenProvider {
  readonly version: string;
  readonly root: string;
  /** False when the stack's pin could not be met and an older version stands in. */
  readonly pinned: boolean;
}

/** The pinned version when a mirror holds it, else the newest mirrored one. */
export function chooseProvider(pin: string, roots = mirrorRoots()): ChosenProvider {
  const all = mirroredVersions(roots);
  const exact = all.find((v) => v.version === pin);
  if (exact) return { ...exact, pinned: true };
  const newest = all[0];
  if (!newest) {
    throw new OperationalError(
      `no hashicorp/aws provider for the rehearsal: the stack pins ${pin} and no filesystem mirror holds any version ` +
        `(looked in ${roots.join(', ')})`,
      {
        hint: `put the provider in a mirror (\`terraform providers mirror DIR\` on a machine with registry access) and set STREAMLAB_TF_MIRROR=DIR`,
      },
    );
  }
  return { ...newest, pinned: false };
}

/** What a failing CI run says when the mirror is absent. */
export function missingMirrorMessage(version = MIRRORED_AWS_VERSION): string {
  return (
    `no terraform filesystem mirror with ${PROVIDER_SOURCE} ${version}: looked in ` +
    `${mirrorRoots().join(', ')} (set STREAMLAB_TF_MIRROR to the folder holding registry.terraform.io)`
  );
}

/**
 * Writes a CLI config that installs the AWS provider from the mirrors only (no registry,
 * no other provider) and returns its path, for TF_CLI_CONFIG_FILE.
 */
export function writeMirrorCliConfig(dir: string, mirrorRoots: string | readonly string[]): string {
  const file = join(dir, 'terraform-mirror.tfrc');
  const roots = typeof mirrorRoots === 'string' ? [mirrorRoots] : mirrorRoots;
  writeFileSync(
    file,
    [
      'provider_installation {',
      ...roots.flatMap((root) => [
        '  filesystem_mirror {',
        `    path    = ${JSON.stringify(root)}`,
        `    include = [${JSON.stringify(PROVIDER_SOURCE)}]`,
        '  }',
      ]),
      '  direct {',
      '    exclude = ["*/*/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return file;
}
