/**
 * The terraform wrapper against the real terraform binary on an offline stack made of
 * built-in `terraform_data` resources (no provider download needed).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTerraform } from '../../../../../labs/aws/terraform/binary';
import { formatPlanSummary, TerraformRunner } from '../../../../../labs/aws/terraform/runner';

jest.setTimeout(60_000);

function offlineStack(
  resources: Record<string, unknown>,
  outputs: Record<string, unknown> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-tf-'));
  writeFileSync(
    join(dir, 'cdk.tf.json'),
    JSON.stringify({
      resource: { terraform_data: resources },
      ...(Object.keys(outputs).length ? { output: outputs } : {}),
    }),
  );
  return dir;
}

describe('TerraformRunner (real terraform, offline terraform_data stack)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('runs init, plan, apply, output and destroy', async () => {
    const dir = offlineStack(
      { host_a: { input: 'ec2-a.example' }, host_b: { input: 'ec2-b.example' } },
      { host_a_public_dns: { value: '${terraform_data.host_a.output}' } },
    );
    dirs.push(dir);
    const lines: string[] = [];
    const tf = new TerraformRunner(await findTerraform(), dir, { onLine: (l) => lines.push(l) });
    await tf.init();
    const plan = await tf.plan();
    expect(plan).toMatchObject({ create: 2, update: 0, delete: 0, hasChanges: true });
    expect(plan.byType.terraform_data!.create).toBe(2);
    expect(formatPlanSummary(plan)).toContain(
      'Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy.',
    );
    await tf.apply();
    expect(lines.some((l) => l.includes('Apply complete! Resources: 2 added'))).toBe(true);
    expect((await tf.outputs()).host_a_public_dns!.value).toBe('ec2-a.example');

    const again = await tf.plan();
    expect(again.hasChanges).toBe(false);
    expect(formatPlanSummary(again)).toMatch(/^No changes/);

    const destroyPlan = await tf.plan('destroy.tfplan', { destroy: true });
    expect(destroyPlan.delete).toBe(2);
    await tf.destroy();
    await expect(tf.outputs()).rejects.toThrow(/never applied/);
  });

  it('says a stack was never applied when it has no outputs', async () => {
    const dir = offlineStack({ x: { input: 1 } }, { x: { value: '${terraform_data.x.output}' } });
    dirs.push(dir);
    const tf = new TerraformRunner(await findTerraform(), dir);
    await tf.init();
    await expect(tf.outputs()).rejects.toThrow(
      /has no outputs: it was never applied \(run `streamlab up`\)/,
    );
  });

  it('reports terraform errors with their Error: lines', async () => {
    const dir = offlineStack({ x: { input: '${terraform_data.missing.output}' } });
    dirs.push(dir);
    const tf = new TerraformRunner(await findTerraform(), dir);
    await tf.init();
    await expect(tf.plan()).rejects.toThrow(
      /terraform plan failed in .*\n {2}Error: Reference to undeclared resource/,
    );
  });

  it('names the fix when no binary is found', async () => {
    await expect(findTerraform({ PATH: '/nonexistent' })).rejects.toThrow(
      /neither terraform nor tofu is on PATH; install Terraform/,
    );
    await expect(
      findTerraform({ PATH: process.env.PATH, STREAMLAB_TF: '/nope/tofu' }),
    ).rejects.toThrow(/STREAMLAB_TF=\/nope\/tofu is not an executable/);
  });
});
