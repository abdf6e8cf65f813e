/**
 * `reset STUDENT` on AWS before anything changes: the instance address read from the
 * synthesized stack, the plan checked for changes to anyone else, an unknown student, a
 * declined question and Ctrl-C. Stand-in terraform here (it cannot fail otherwise); the
 * real terraform, moto and test hosts run the whole reset in
 * test/integration/labs/aws/reset-moto.test.ts.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config/load';
import { OperationalError, UsageError } from '../../../../config/errors';
import { memoryReporter } from '../../../../labs/progress';
import type { StackTerraform } from '../../../../labs/aws/stack';
import {
  changesBeyondReplacing,
  instanceAddressOf,
  runReset,
  type ResetOptions,
} from '../../../../labs/aws/reset';
import { summarizePlan, type PlanSummary } from '../../../../labs/aws/terraform/runner';
import { writeInventory } from '../../../../labs/hosts/inventory-file';
import { inventoryPathFor } from '../../../../labs/local-state/paths';
import { Interrupts } from '../../../../labs/interrupts';
import { standInUpDeps } from '../../../support/up-deps';

const ANA = 'aws_instance.Student-ana_Host_Instance_AF0F9C11';
const BRUNO = 'aws_instance.Student-bruno_Host_Instance_1C0742F4';
const config = parseConfig({
  name: 'demo',
  region: 'us-east-1',
  operatorCidr: '10.1.2.3/32',
  students: ['ana', 'bruno'],
});

const plan = (...changes: Array<[string, string[]]>): PlanSummary =>
  summarizePlan({
    resource_changes: changes.map(([address, actions]) => ({
      address,
      type: address.split('.')[0]!,
      change: { actions },
    })),
  });

describe('reset: the plan may replace the student instance and nothing of anyone else', () => {
  it('passes the replacement and the in-place updates that list the instances', () => {
    const p = plan(
      [ANA, ['delete', 'create']],
      ['aws_scheduler_schedule.ClassEnd_Schedule_5D49F559', ['update']],
      ['aws_iam_role_policy.ClassEnd_Role_StopLabInstances_A8C974E3', ['update']],
      [BRUNO, ['no-op']],
    );
    expect(changesBeyondReplacing(p, ANA)).toEqual([]);
  });

  it("names another instance's update, a key pair's, and anything created or destroyed", () => {
    const p = plan(
      [ANA, ['delete', 'create']],
      [BRUNO, ['update']],
      ['aws_key_pair.Student-bruno_Host_Key_A453B9D7', ['update']],
      ['aws_kinesis_stream.Student-carla_Stream_1', ['create']],
      ['aws_s3_bucket.DataLake_Bucket_FFD87250', ['delete']],
      [BRUNO.replace('bruno', 'dora'), ['create', 'delete']],
    );
    expect(changesBeyondReplacing(p, ANA).map((c) => `${c.action} ${c.address}`)).toEqual([
      `update ${BRUNO}`,
      'update aws_key_pair.Student-bruno_Host_Key_A453B9D7',
      'create aws_kinesis_stream.Student-carla_Stream_1',
      'delete aws_s3_bucket.DataLake_Bucket_FFD87250',
      `replace ${BRUNO.replace('bruno', 'dora')}`,
    ]);
  });

  it('a plan that does not replace the instance is no reset either', () => {
    expect(changesBeyondReplacing(plan([ANA, ['update']]), ANA)).toEqual([
      { address: ANA, type: 'aws_instance', action: 'update' },
    ]);
  });
});

describe('runReset before the apply (stand-in terraform)', () => {
  let base: string;
  let stackDir: string;
  let applied: boolean;
  let planned: unknown;

  const tf = (summary: PlanSummary): StackTerraform => ({
    init: async () => {},
    plan: async (_file, opts) => {
      planned = opts;
      return summary;
    },
    apply: async () => void (applied = true),
    outputs: async () => ({}),
    stateList: async () => [ANA, BRUNO],
  });
  const reset = (summary: PlanSummary, over: Partial<ResetOptions> = {}) =>
    runReset(
      {
        config,
        student: 'ana',
        reporter: memoryReporter(),
        confirm: async () => true,
        baseDir: base,
        ...over,
      },
      standInUpDeps(tf(summary), { synth: () => ({ stackDir }) }),
    );

  beforeEach(() => {
    applied = false;
    planned = undefined;
    base = mkdtempSync(join(tmpdir(), 'streamlab-reset-unit-'));
    stackDir = join(base, 'stack');
    mkdirSync(stackDir);
    writeFileSync(
      join(stackDir, 'cdk.tf.json'),
      JSON.stringify({
        output: {
          host_ana_instance_id: { value: `\${${ANA}.id}` },
          host_bruno_instance_id: { value: `\${${BRUNO}.id}` },
        },
      }),
    );
    writeInventory(
      inventoryPathFor('demo', base),
      ['ana', 'bruno'].map((name, i) => ({
        name,
        address: `10.0.0.${i + 10}`,
        port: 22,
        user: 'ubuntu',
        privateKeyPath: join(base, name),
        hostKeyFingerprint: `SHA256:${'A'.repeat(42)}${i}`,
        instanceId: `i-0000000${i}`,
      })),
    );
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('reads the instance address from the output that names it', () => {
    expect(instanceAddressOf(stackDir, 'bruno')).toBe(BRUNO);
    expect(() => instanceAddressOf(stackDir, 'carla')).toThrow(
      'has no output host_carla_instance_id naming an aws_instance: synth made no host for carla',
    );
  });

  it('an unknown student: a usage error naming it and the students', async () => {
    const err = await reset(plan(), { student: 'carla' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      'STUDENT: "carla" is not a student of demo (its students: ana, bruno)',
    );
  });

  it("plans -replace of the student's instance alone", async () => {
    await reset(plan([ANA, ['delete', 'create']]), { confirm: async () => false });
    expect(planned).toEqual({ replace: [ANA] });
  });

  it('a plan that would touch another host stops before the question, naming it', async () => {
    let asked = false;
    const err = await reset(plan([ANA, ['delete', 'create']], [BRUNO, ['update']]), {
      confirm: async () => (asked = true),
    }).then(
      () => new Error('reset went on'),
      (e: unknown) => e as OperationalError,
    );
    expect(err).toBeInstanceOf(OperationalError);
    expect(err.message).toContain(`update ${BRUNO}`);
    expect(err.message).toContain('(nothing was changed)');
    expect(asked).toBe(false);
    expect(applied).toBe(false);
  });

  it('declined: exit 1, nothing applied', async () => {
    const r = await reset(plan([ANA, ['delete', 'create']]), { confirm: async () => false });
    expect(r.exitCode).toBe(1);
    expect(applied).toBe(false);
  });

  it('Ctrl-C at the question: exit 130, nothing changed', async () => {
    const signals = new EventEmitter();
    const said: string[] = [];
    const pending = reset(plan([ANA, ['delete', 'create']]), {
      confirm: () => new Promise<boolean>(() => {}),
      interrupts: new Interrupts(signals, (t) => said.push(t)),
    }).then(
      () => new OperationalError('reset went on'),
      (e: unknown) => e as OperationalError,
    );
    await new Promise((r) => setTimeout(r, 50));
    signals.emit('SIGINT');
    const err = await pending;
    expect(err.exitCode).toBe(130);
    expect(err.message).toBe('interrupted: streamlab reset ana stopped during prepare');
    expect(said).toEqual(['stopping before anything is changed']);
    expect(applied).toBe(false);
  });
});
