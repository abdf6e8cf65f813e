/**
 * The end of a class (config `class`) applied for real: the real terraform and the real
 * hashicorp/aws provider (the filesystem mirror) against moto as the AWS API. Two lab
 * instances and one that is not the lab's run in moto; the ClassEnd construct is applied
 * for the lab's two; then the schedule, its target and its role are read back with the
 * AWS CLI; the schedule's own call (EC2 StopInstances with the schedule's Input) is made
 * as the schedule's role (assumed through moto's STS) and stops the lab's two, not the
 * third; a moved end changes the schedule in place (what `extend` applies); destroy
 * leaves no schedule (the leftover check by name agrees).
 *
 * What moto cannot show: it never fires a schedule at its time (Scheduler's clock is
 * AWS's), and it does not evaluate IAM policies, so that the role may stop nothing else
 * is checked on the synthesized policy (test/unit/stacks/constructs/class-end.test.ts).
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktn';
import { ClassEnd } from '../../../stacks/constructs/class-end';
import { PolicyCheckedStack } from '../../../stacks/policy/checked-stack';
import { leftoverSchedules } from '../../../labs/aws/leftovers';
import type { TerraformRunner } from '../../../labs/aws/terraform/runner';
import { awsClientConfig } from '../../../labs/aws-sdk/clients';
import { describeWith } from '../../support/emulated-aws';
import { startMoto, ubuntuImages, type RunningMoto } from '../../../labs/rehearsal/moto';
import {
  awsCli,
  missingForMotoStack,
  MOTO_ACCOUNT as ACCOUNT,
  motoProvider,
  motoStack,
  type MotoStack,
} from '../../support/moto-stack';

jest.setTimeout(600_000);

const describeWithMoto = describeWith(missingForMotoStack);

type Json = Record<string, unknown>;

describeWithMoto('the class end applied by the real provider against moto', () => {
  const work = mkdtempSync(join(tmpdir(), 'streamlab-class-end-moto-'));
  const dir = join(work, 'stack');
  let moto: RunningMoto | undefined;
  let applied: MotoStack;
  let tf: TerraformRunner;
  let lab: string[] = [];
  let other = '';

  const aws = (args: string[], env: NodeJS.ProcessEnv = applied.env): Json => awsCli(env, args);
  const stateOf = (id: string) => {
    const r = aws(['ec2', 'describe-instances', '--instance-ids', id]) as {
      Reservations: { Instances: { State: { Name: string } }[] }[];
    };
    return r.Reservations[0]!.Instances[0]!.State.Name;
  };

  /** The construct alone in a stack, the lab's instances given by id and ARN. */
  function writeStack(endsAt: Date): void {
    const stack = new PolicyCheckedStack(Testing.app({ stackTraces: false }), 'moto', []);
    motoProvider(stack);
    new ClassEnd(stack, 'ClassEnd', {
      name: 'motoclass',
      region: 'us-east-1',
      endsAt,
      instances: lab.map((id) => ({
        id,
        arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`,
      })),
      accountId: ACCOUNT,
    });
    applied.write(stack);
  }

  beforeAll(async () => {
    moto = await startMoto({ workDir: work });
    applied = await motoStack(dir, moto.endpoint);
    ({ tf } = applied);
    const run = aws([
      'ec2',
      'run-instances',
      '--image-id',
      ubuntuImages()[0]!.ami_id,
      '--instance-type',
      't3.micro',
      '--count',
      '3',
    ]) as { Instances: { InstanceId: string }[] };
    const ids = run.Instances.map((i) => i.InstanceId);
    lab = ids.slice(0, 2);
    other = ids[2]!;
  });

  afterAll(async () => {
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('creates the schedule: stop exactly the lab’s instances at the end, as its own role', async () => {
    writeStack(new Date('2030-03-02T17:00:00Z'));
    await tf.init();
    await tf.plan();
    await tf.apply();
    const schedule = aws(['scheduler', 'get-schedule', '--name', 'motoclass-class-end']) as {
      ScheduleExpression: string;
      ScheduleExpressionTimezone: string;
      FlexibleTimeWindow: Json;
      Target: { Arn: string; RoleArn: string; Input: string };
    };
    expect(schedule.ScheduleExpression).toBe('at(2030-03-02T17:00:00)');
    expect(schedule.ScheduleExpressionTimezone).toBe('UTC');
    expect(schedule.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(schedule.Target.Arn).toBe('arn:aws:scheduler:::aws-sdk:ec2:stopInstances');
    expect(schedule.Target.RoleArn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/motoclass-class-end-us-east-1`,
    );
    expect(JSON.parse(schedule.Target.Input)).toEqual({ InstanceIds: lab });

    const policy = aws([
      'iam',
      'get-role-policy',
      '--role-name',
      'motoclass-class-end-us-east-1',
      '--policy-name',
      'StopLabInstances',
    ]) as { PolicyDocument: { Statement: Json[] } };
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['ec2:StopInstances'],
        Resource: lab.map((id) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`),
      },
    ]);
  });

  it("the schedule's call, made as its role, stops the lab's instances and no other", () => {
    const schedule = aws(['scheduler', 'get-schedule', '--name', 'motoclass-class-end']) as {
      Target: { RoleArn: string; Input: string };
    };
    const assumed = aws([
      'sts',
      'assume-role',
      '--role-arn',
      schedule.Target.RoleArn,
      '--role-session-name',
      'scheduler',
    ]) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
    const asRole = {
      ...applied.env,
      AWS_ACCESS_KEY_ID: assumed.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: assumed.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: assumed.Credentials.SessionToken,
    };
    // Scheduler's universal target passes Input as the API call's parameters.
    aws(['ec2', 'stop-instances', '--cli-input-json', schedule.Target.Input], asRole);
    for (const id of lab) expect(['stopping', 'stopped']).toContain(stateOf(id));
    expect(stateOf(other)).toBe('running');
  });

  it('a moved end (what extend applies) changes the schedule in place', async () => {
    writeStack(new Date('2030-03-02T18:30:00Z'));
    const plan = await tf.plan();
    expect(plan).toMatchObject({ create: 0, update: 1, replace: 0, delete: 0 });
    await tf.apply();
    const schedule = aws(['scheduler', 'get-schedule', '--name', 'motoclass-class-end']) as {
      ScheduleExpression: string;
    };
    expect(schedule.ScheduleExpression).toBe('at(2030-03-02T18:30:00)');
  });

  it('destroy leaves no schedule, and the leftover check by name finds none', async () => {
    const scheduler = new SchedulerClient(
      awsClientConfig('Scheduler', 'us-east-1', moto!.endpoint),
    );
    try {
      expect(await leftoverSchedules(scheduler, ['motoclass-class-end'])).toEqual([
        'Scheduler schedule motoclass-class-end',
      ]);
      await tf.plan('destroy.tfplan', { destroy: true });
      await tf.apply('destroy.tfplan');
      expect(await leftoverSchedules(scheduler, ['motoclass-class-end'])).toEqual([]);
    } finally {
      scheduler.destroy();
    }
  });
});
