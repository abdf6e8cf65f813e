/**
 * config `class` in the synthesized lab: one schedule that stops exactly the lab's
 * instances at the end, through Scheduler's universal target, with a role only Scheduler
 * (acting for this account) may assume, allowed ec2:StopInstances on exactly those
 * instances' ARNs. Without `class`, none of it.
 */
import { Testing } from 'cdktn';
import { LabStack } from '../../../../stacks/lab-stack';
import { atExpression, STOP_INSTANCES_TARGET } from '../../../../stacks/constructs/class-end';
import {
  countOf,
  inlinePolicies,
  keysFor,
  labConfig,
  resourcesOf,
  type StackJson,
} from '../../../support/lab-stack';

const END = new Date('2026-03-02T17:00:00Z');
const config = labConfig({ students: ['ana', 'bo-r', 'cy'], class: { hours: 3 } });

function synth(classEndsAt?: Date): StackJson {
  const app = Testing.app({ stackTraces: false });
  const stack = new LabStack(app, config, {
    publicKeys: keysFor(config),
    statePath: 'test.tfstate',
    ...(classEndsAt ? { classEndsAt } : {}),
  });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

const json = synth(END);
const instanceIds = Object.keys(json.resource.aws_instance ?? {}).map(
  (id) => `\${aws_instance.${id}.id}`,
);
const instanceArns = Object.keys(json.resource.aws_instance ?? {}).map(
  (id) => `\${aws_instance.${id}.arn}`,
);

describe('ClassEnd in the lab stack', () => {
  it('schedules one stop of every instance of the lab at the end, in UTC, without a window', () => {
    const [schedule, ...more] = resourcesOf(json, 'aws_scheduler_schedule');
    expect(more).toEqual([]);
    expect(instanceIds).toHaveLength(3);
    expect(schedule).toMatchObject({
      name: 'bigdata-lab-class-end',
      schedule_expression: 'at(2026-03-02T17:00:00)',
      schedule_expression_timezone: 'UTC',
      flexible_time_window: { mode: 'OFF' },
      target: { arn: STOP_INSTANCES_TARGET },
    });
    const target = schedule!.target as { input: string; role_arn: string };
    expect(JSON.parse(target.input)).toEqual({ InstanceIds: instanceIds });
    expect(target.role_arn).toMatch(/^\$\{aws_iam_role\.ClassEnd_Role_[0-9A-F]{8}\.arn\}$/);
  });

  it("its role trusts only Scheduler acting for the lab's account", () => {
    const role = resourcesOf(json, 'aws_iam_role').find(
      (r) => r.name === 'bigdata-lab-class-end-us-east-1',
    );
    expect(JSON.parse(role!.assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: {
              'aws:SourceAccount': expect.stringMatching(
                /^\$\{data\.aws_caller_identity\.Account\.account_id\}$/,
              ),
            },
          },
        },
      ],
    });
  });

  it('may stop exactly the lab’s instances, by ARN, and do nothing else', () => {
    const policies = inlinePolicies(json);
    expect(policies.ClassEnd_Role_StopLabInstances).toEqual([
      { Effect: 'Allow', Action: ['ec2:StopInstances'], Resource: instanceArns },
    ]);
    // The only policy of the role: no start, no terminate, no other lab's hosts.
    const rolePolicies = resourcesOf(json, 'aws_iam_role_policy').filter((p) =>
      String(p.role).startsWith('${aws_iam_role.ClassEnd_Role_'),
    );
    expect(rolePolicies).toHaveLength(1);
  });

  it('says when the class ends and which schedule enforces it', () => {
    expect(json.output.class_ends_at!.value).toBe('2026-03-02T17:00:00.000Z');
    expect(json.output.class_end_schedule!.value).toBe('bigdata-lab-class-end');
  });

  it('from the config alone: endsAt as written, hours from now', () => {
    const at = labConfig({ class: { endsAt: '2026-03-02T12:30:00-05:00' } });
    const app = Testing.app({ stackTraces: false });
    const stack = new LabStack(app, at, { publicKeys: keysFor(at), statePath: 't' });
    const j = JSON.parse(Testing.synth(stack)) as StackJson;
    expect(resourcesOf(j, 'aws_scheduler_schedule')[0]!.schedule_expression).toBe(
      'at(2026-03-02T17:30:00)',
    );
    const before = Date.now();
    const fromNow = synth();
    const out = new Date(String(fromNow.output.class_ends_at!.value)).getTime();
    expect(out).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3 * 3_600_000);
    expect(out).toBeLessThanOrEqual(Date.now() + 3 * 3_600_000);
  });

  it('is absent without config `class`', () => {
    const plain = labConfig();
    const app = Testing.app({ stackTraces: false });
    const j = JSON.parse(
      Testing.synth(new LabStack(app, plain, { publicKeys: keysFor(plain), statePath: 't' })),
    ) as StackJson;
    expect(countOf(j, 'aws_scheduler_schedule')).toBe(0);
    expect(j.output.class_ends_at).toBeUndefined();
  });

  it('atExpression drops milliseconds and writes UTC', () => {
    expect(atExpression(new Date('2026-12-31T23:59:59.999Z'))).toBe('at(2026-12-31T23:59:59)');
  });
});
