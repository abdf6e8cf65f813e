/**
 * Ctrl-C during apply with the real terraform: the runner passes ONE SIGINT on, waits for
 * terraform to stop gracefully, and the state lock is released (the next plan runs).
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationalError } from '../../../../../config/errors';
import { findTerraform } from '../../../../../labs/aws/terraform/binary';
import { TerraformRunner } from '../../../../../labs/aws/terraform/runner';

jest.setTimeout(120_000);

describe('TerraformRunner interrupt (real terraform)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-tf-int-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('forwards one SIGINT, waits for terraform, and leaves no state lock behind', async () => {
    // A built-in local-exec provisioner that sleeps: apply is still running when we interrupt.
    writeFileSync(
      join(dir, 'cdk.tf.json'),
      JSON.stringify({
        resource: {
          terraform_data: {
            slow: { input: 1, provisioner: [{ 'local-exec': { command: 'sleep 20' } }] },
          },
        },
      }),
    );
    const interrupts = new EventEmitter();
    const lines: string[] = [];
    const tf = new TerraformRunner(await findTerraform(), dir, {
      onLine: (l) => lines.push(l),
      interrupts,
    });
    await tf.init();
    await tf.plan();
    const applying = tf.apply();
    // Interrupt once terraform has started the provisioner, then press Ctrl-C again:
    // the second one must not reach terraform (a second SIGINT makes it abort hard).
    const startedAt = Date.now();
    while (!lines.some((l) => /Provisioning with 'local-exec'|Executing:/.test(l))) {
      if (Date.now() - startedAt > 30_000)
        throw new Error(`apply never started:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    interrupts.emit('SIGINT');
    interrupts.emit('SIGINT');
    const err = await applying.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).exitCode).toBe(130);
    expect((err as Error).message).toMatch(/interrupted: terraform apply stopped/);
    expect(lines.some((l) => /asking terraform to stop \(once\)/.test(l))).toBe(true);
    expect(lines.some((l) => /waiting for terraform to stop cleanly/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/Two interrupts received/);
    expect(interrupts.listenerCount('SIGINT')).toBe(0);
    // The lock was released: a new plan acquires it without "Error acquiring the state lock".
    const again = await tf.plan('again.tfplan');
    expect(again.hasChanges).toBe(true);
  });
});
