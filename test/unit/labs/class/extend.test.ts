/**
 * `extend`'s steps with a stand-in terraform (the real one applies the schedule against
 * moto in test/integration/stacks/class-end-apply.test.ts): the synth gets the moved end,
 * the record moves only after an apply, a declined plan leaves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config';
import { InputError } from '../../../../config/errors';
import type { StackDeps, StackTerraform, SynthOptions } from '../../../../labs/aws/stack';
import { appliedClassEnd, recordAppliedClassEnd } from '../../../../labs/class/end-time';
import { extendedEnd, runExtend } from '../../../../labs/class/extend';
import { memoryReporter } from '../../../../labs/progress';

const config = parseConfig({
  name: 'demo',
  region: 'us-east-1',
  operatorCidr: '203.0.113.7/32',
  class: { hours: 3 },
});
const now = new Date('2026-03-02T10:00:00Z');

describe('extend (stand-in terraform)', () => {
  let dir: string;
  let synthesized: SynthOptions[];
  let calls: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'streamlab-extend-'));
    synthesized = [];
    calls = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const deps = (): StackDeps => {
    const tf: StackTerraform = {
      init: async () => void calls.push('init'),
      plan: async () => (
        calls.push('plan'),
        {
          create: 0,
          update: 1,
          replace: 0,
          delete: 0,
          byType: { aws_scheduler_schedule: { create: 0, update: 1, replace: 0, delete: 0 } },
          hasChanges: true,
        }
      ),
      apply: async () => void calls.push('apply'),
      // What terraform would answer after applying the synthesized end.
      outputs: async () => ({
        class_ends_at: {
          value: synthesized.at(-1)!.classEndsAt!.toISOString(),
          type: 'string',
          sensitive: false,
        },
      }),
      stateList: async () => [],
    };
    return {
      findTerraform: async () => ({
        path: '/bin/terraform',
        flavor: 'terraform',
        version: '1.11.4',
      }),
      checkCredentials: async () => ({ account: '123456789012', arn: 'arn:aws:iam::1:user/op' }),
      checkQuotas: async () => [],
      synth: (_c, options) => (synthesized.push(options ?? {}), { stackDir: dir }),
      terraform: () => tf,
    };
  };
  const applied = (iso: string) =>
    recordAppliedClassEnd(config, { class_ends_at: { value: iso } }, dir);

  it('moves the end N hours later: synth with it, plan, apply, then record', async () => {
    applied('2026-03-02T12:00:00.000Z');
    const r = memoryReporter();
    const result = await runExtend(
      { config, hours: 1.5, reporter: r, confirm: async () => true, baseDir: dir, now },
      deps(),
    );
    expect(result.exitCode).toBe(0);
    expect(synthesized.map((s) => s.classEndsAt!.toISOString())).toEqual([
      '2026-03-02T13:30:00.000Z',
    ]);
    expect(calls).toEqual(['init', 'plan', 'apply']);
    expect(appliedClassEnd(config, dir)!.toISOString()).toBe('2026-03-02T13:30:00.000Z');
  });

  it('declined: nothing applied, the recorded end stays', async () => {
    applied('2026-03-02T12:00:00.000Z');
    const result = await runExtend(
      {
        config,
        hours: 1,
        reporter: memoryReporter(),
        confirm: async () => false,
        baseDir: dir,
        now,
      },
      deps(),
    );
    expect(result.exitCode).toBe(1);
    expect(calls).toEqual(['init', 'plan']);
    expect(appliedClassEnd(config, dir)!.toISOString()).toBe('2026-03-02T12:00:00.000Z');
  });

  it('refuses before any terraform: no class in the config, no end applied, bad hours', async () => {
    const opts = {
      hours: 1,
      reporter: memoryReporter(),
      confirm: async () => true,
      baseDir: dir,
      now,
    };
    const plain = parseConfig({
      name: 'demo',
      region: 'us-east-1',
      operatorCidr: '203.0.113.7/32',
    });
    await expect(runExtend({ ...opts, config: plain }, deps())).rejects.toThrow(/^class: /);
    await expect(runExtend({ ...opts, config }, deps())).rejects.toThrow(
      /no class end of demo has been applied here/,
    );
    applied('2026-03-02T12:00:00.000Z');
    await expect(runExtend({ ...opts, config, hours: 400 }, deps())).rejects.toThrow(InputError);
    expect(calls).toEqual([]);
  });

  it('after the end, counts from now', () => {
    expect(extendedEnd(new Date('2026-03-02T08:00:00Z'), 1, now).toISOString()).toBe(
      '2026-03-02T11:00:00.000Z',
    );
    expect(extendedEnd(new Date('2026-03-02T12:00:00Z'), 0.25, now).toISOString()).toBe(
      '2026-03-02T12:15:00.000Z',
    );
  });
});
