/**
 * Ctrl-C during apply with the real terraform: the runner passes ONE SIGINT on, waits for
 * terraform to stop gracefully, and the state lock is released (the next plan runs); a
 * second Ctrl-C forces it and says what may be left.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationalError } from '../../../../../config/errors';
import { findTerraform } from '../../../../../labs/aws/terraform/binary';
import { TerraformRunner } from '../../../../../labs/aws/terraform/runner';
import { Interrupts } from '../../../../../labs/interrupts';

jest.setTimeout(120_000);

describe('TerraformRunner interrupt (real terraform)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-tf-int-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A stack whose apply runs a 20 s local-exec: still running when we interrupt. */
  const slowApply = async (sub: string) => {
    const stackDir = join(dir, sub);
    mkdirSync(stackDir);
    writeFileSync(
      join(stackDir, 'cdk.tf.json'),
      JSON.stringify({
        resource: {
          terraform_data: {
            slow: { input: 1, provisioner: [{ 'local-exec': { command: 'sleep 20' } }] },
          },
        },
      }),
    );
    const signals = new EventEmitter();
    const said: string[] = [];
    const lines: string[] = [];
    const interrupts = new Interrupts(signals, (t) => said.push(t));
    const tf = new TerraformRunner(await findTerraform(), stackDir, {
      onLine: (l) => lines.push(l),
      interrupts,
    });
    await tf.init();
    await tf.plan();
    const applying = tf.apply().then(
      () => undefined,
      (e: unknown) => e,
    );
    const startedAt = Date.now();
    while (!lines.some((l) => /Provisioning with 'local-exec'|Executing:/.test(l))) {
      if (Date.now() - startedAt > 30_000)
        throw new Error(`apply never started:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { tf, signals, said, lines, applying };
  };

  it('first Ctrl-C: says so at once, one SIGINT, terraform saves and releases the lock', async () => {
    const { tf, signals, said, lines, applying } = await slowApply('once');
    signals.emit('SIGINT');
    // Acknowledged synchronously, before terraform has even seen the signal.
    expect(said).toEqual([
      expect.stringMatching(/asking terraform apply to stop \(one interrupt\)/),
    ]);
    const err = await applying;
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).exitCode).toBe(130);
    expect((err as Error).message).toMatch(/interrupted: terraform apply stopped/);
    expect((err as OperationalError).hint).toMatch(/run the command again/);
    expect(lines.join('\n')).toMatch(/Interrupt received/);
    expect(lines.join('\n')).not.toMatch(/Two interrupts received/);
    expect(signals.listenerCount('SIGINT')).toBe(0);
    // The lock was released: a new plan acquires it without "Error acquiring the state lock".
    const again = await tf.plan('again.tfplan');
    expect(again.hasChanges).toBe(true);
  });

  it('second Ctrl-C: forces terraform to stop and names what may be left', async () => {
    const { signals, said, applying } = await slowApply('twice');
    const t0 = Date.now();
    // Back to back: terraform stops a local-exec quickly on the first one alone.
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    expect(said[1]).toMatch(/forcing terraform apply to stop now: .*streamlab down` lists/);
    const err = await applying;
    // Well before the 20 s provisioner would have ended.
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect((err as Error).message).toMatch(/interrupted: terraform apply was forced to stop/);
    expect((err as OperationalError).hint).toMatch(
      /next `npm exec --no -- streamlab up` adopts them/,
    );
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});
