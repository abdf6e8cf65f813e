/**
 * Which Terraform-compatible CLI drives the stack: `STREAMLAB_TF` (a path or a name on
 * PATH), else `terraform`, else `tofu`. streamlab never downloads one itself.
 */
import { constants } from 'node:fs';
import { isAbsolute } from 'node:path';
import { OperationalError } from '../../../config/errors';
import { PRODUCER_ENV } from '../../../config/producer-env';
import { run } from '../../../process/run';
import { canAccess, which } from '../../../process/which';

export interface TerraformBinary {
  readonly path: string;
  readonly flavor: 'terraform' | 'tofu';
  readonly version: string;
}

const INSTALL_HINT =
  'install Terraform ≥ 1.5 (https://developer.hashicorp.com/terraform/install) or OpenTofu ' +
  '(https://opentofu.org/docs/intro/install/), or set STREAMLAB_TF to its path';

export async function findTerraform(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TerraformBinary> {
  const wanted = env.STREAMLAB_TF;
  let path: string | undefined;
  if (wanted) {
    path = which(wanted, env.PATH);
    if (!path) {
      throw new OperationalError(
        `STREAMLAB_TF=${wanted} is not an executable${isAbsolute(wanted) ? '' : ' on PATH'}; ${INSTALL_HINT}`,
      );
    }
  } else {
    path = which('terraform', env.PATH) ?? which('tofu', env.PATH);
    if (!path) throw new OperationalError(`neither terraform nor tofu is on PATH; ${INSTALL_HINT}`);
  }
  const { stdout } = await run([path, 'version', '-json'], { env: terraformEnv(env) }).catch(
    (e: Error) => {
      throw new OperationalError(
        `${path} does not run (${e.message.split('\n')[0]}); ${INSTALL_HINT}`,
        { cause: e },
      );
    },
  );
  const version =
    (JSON.parse(stdout) as { terraform_version?: string }).terraform_version ?? 'unknown';
  // OpenTofu answers the same JSON; tell them apart by the binary's name.
  const flavor = /tofu[^/]*$/.test(path) ? 'tofu' : 'terraform';
  return { path, flavor, version };
}

/**
 * The producer's secrets (STREAMLAB_X_BEARER_TOKEN): provisioning writes them to the hosts,
 * terraform never needs them, and a provider or its debug log (TF_LOG) could expose them.
 */
const PRODUCER_SECRETS = PRODUCER_ENV.filter((v) => v.secret).map((v) => v.name);

/**
 * The environment for every terraform child: no update checks, no prompts, plain output,
 * and none of the producer's secrets. A TF_CLI_CONFIG_FILE naming a missing file only adds
 * a warning to each command: drop it.
 */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    ...env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
  };
  for (const name of PRODUCER_SECRETS) delete out[name];
  if (out.TF_CLI_CONFIG_FILE && !canAccess(out.TF_CLI_CONFIG_FILE, constants.R_OK))
    delete out.TF_CLI_CONFIG_FILE;
  return out;
}
