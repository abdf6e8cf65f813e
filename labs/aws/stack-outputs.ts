/**
 * The applied stack's outputs, for the commands that need names only the stack knows (the
 * lake bucket, the reader roles): from a file `terraform output -json` wrote (`--outputs`),
 * else terraform output in the synthesized stack's directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import type { LabConfig } from '../../config/schema';
import type { TerraformOutputJson } from '../../stacks/outputs';
import { findTerraform } from './terraform/binary';
import { TerraformRunner } from './terraform/runner';

export async function stackOutputs(config: LabConfig, file?: string): Promise<TerraformOutputJson> {
  if (file !== undefined) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as TerraformOutputJson;
    } catch (e) {
      throw new OperationalError(
        `cannot read --outputs ${file} (${(e as Error).message.split('\n')[0]}); write it with \`terraform output -json\``,
        { cause: e },
      );
    }
  }
  // stacks/main loads cdktn, which costs seconds: only when the outputs are needed.
  const { DEFAULT_OUT_DIR } = require('../../stacks/main') as typeof import('../../stacks/main');
  const binary = await findTerraform();
  return new TerraformRunner(binary, join(DEFAULT_OUT_DIR, 'stacks', config.name)).outputs();
}
