/**
 * The real `hashicorp/aws` provider for tests, from a terraform filesystem mirror outside
 * the repository (this machine image ships one; CI runs on that image). Terraform reads
 * it through a CLI config file named by TF_CLI_CONFIG_FILE, and never goes to a registry.
 *
 * Under CI=true a missing mirror fails the suite naming what was looked for; elsewhere the
 * suites that need it skip.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PROVIDER_SOURCE = 'registry.terraform.io/hashicorp/aws';
/** The provider version the mirror holds; tests pin the stack to it (test-only override). */
export const MIRRORED_AWS_VERSION = '5.100.0';

/** Where a mirror may live: STREAMLAB_TF_MIRROR first, then the usual roots. */
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

/** A mirror root holding the provider's version directory (the platform inside it). */
export function findProviderMirror(
  version = MIRRORED_AWS_VERSION,
  roots = mirrorRoots(),
): string | undefined {
  return roots.find((root) => {
    const dir = join(root, PROVIDER_SOURCE, version);
    return existsSync(dir) && readdirSync(dir).some((p) => p.startsWith('linux_'));
  });
}

/** What a failing CI run says when the mirror is absent. */
export function missingMirrorMessage(version = MIRRORED_AWS_VERSION): string {
  return (
    `no terraform filesystem mirror with ${PROVIDER_SOURCE} ${version}: looked in ` +
    `${mirrorRoots().join(', ')} (set STREAMLAB_TF_MIRROR to the folder holding registry.terraform.io)`
  );
}

/**
 * Writes a CLI config that installs the AWS provider from the mirror only (no registry,
 * no other provider) and returns its path, for TF_CLI_CONFIG_FILE.
 */
export function writeMirrorCliConfig(dir: string, mirrorRoot: string): string {
  const file = join(dir, 'terraform-mirror.tfrc');
  writeFileSync(
    file,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirrorRoot)}`,
      `    include = [${JSON.stringify(PROVIDER_SOURCE)}]`,
      '  }',
      '  direct {',
      '    exclude = ["*/*/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return file;
}
