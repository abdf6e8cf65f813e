/**
 * The X bearer token never reaches terraform (a provider or TF_LOG could write it out):
 * the runner's real child, here a script standing in for the terraform binary that
 * records the environment it was started with, sees neither the token nor any other
 * secret of the producer's contract, and still sees the AWS credentials it needs.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraformEnv } from '../../../../../labs/aws/terraform/binary';
import { TerraformRunner } from '../../../../../labs/aws/terraform/runner';

const env = {
  PATH: process.env.PATH,
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  STREAMLAB_X_BEARER_TOKEN: 'x-bearer-secret',
};

it('terraformEnv drops the producer’s secrets and keeps what terraform needs', () => {
  const built = terraformEnv(env);
  expect(built.STREAMLAB_X_BEARER_TOKEN).toBeUndefined();
  expect(built).toMatchObject({
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    TF_INPUT: '0',
  });
});

it('the process the runner starts has no bearer token in its environment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-tf-env-'));
  const fake = join(dir, 'terraform');
  writeFileSync(fake, `#!/bin/sh\nenv > '${dir}/env'\n`);
  chmodSync(fake, 0o755);
  const runner = new TerraformRunner({ path: fake, flavor: 'terraform', version: '1.11.0' }, dir, {
    env,
  });
  await runner.init();
  const seen = readFileSync(join(dir, 'env'), 'utf8');
  expect(seen).not.toContain('x-bearer-secret');
  expect(seen).not.toContain('STREAMLAB_X_BEARER_TOKEN');
  expect(seen).toContain('AWS_SECRET_ACCESS_KEY=aws-secret');
});
