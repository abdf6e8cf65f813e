/**
 * config `class.budget` in the synthesized lab: an AWS Budgets cost budget, monthly or
 * over the class's days, mailing the configured address at 80 % actual and 100 %
 * forecast; and how the pre-`up` estimate compares with it.
 */
import { Testing } from 'cdktn';
import type { LabConfigInput } from '../../../../config/schema';
import { LabStack } from '../../../../stacks/lab-stack';
import { budgetComparison } from '../../../../stacks/pricing';
import { inlinePolicies, keysFor, labConfig, resourcesOf } from '../../../support/lab-stack';
import type { StackJson } from '../../../support/lab-stack';

function synth(c: Partial<LabConfigInput>, times: { start?: Date; end?: Date } = {}): StackJson {
  const config = labConfig(c);
  const app = Testing.app({ stackTraces: false });
  const stack = new LabStack(app, config, {
    publicKeys: keysFor(config),
    statePath: 't',
    ...(times.start ? { classStartedAt: times.start } : {}),
    ...(times.end ? { classEndsAt: times.end } : {}),
  });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

const notifications = (to: string) => [
  {
    comparison_operator: 'GREATER_THAN',
    notification_type: 'ACTUAL',
    threshold: 80,
    threshold_type: 'PERCENTAGE',
    subscriber_email_addresses: [to],
  },
  {
    comparison_operator: 'GREATER_THAN',
    notification_type: 'FORECASTED',
    threshold: 100,
    threshold_type: 'PERCENTAGE',
    subscriber_email_addresses: [to],
  },
];

describe('ClassBudget in the lab stack', () => {
  it('monthly: a cost budget per calendar month, mailing the address; no schedule without an end', () => {
    const json = synth({
      class: { budget: { amount: 50, period: 'monthly', notify: 'prof@example.edu' } },
    });
    expect(resourcesOf(json, 'aws_budgets_budget')).toEqual([
      {
        name: 'bigdata-lab-us-east-1-class',
        budget_type: 'COST',
        limit_amount: '50.00',
        limit_unit: 'USD',
        time_unit: 'MONTHLY',
        notification: notifications('prof@example.edu'),
      },
    ]);
    expect(resourcesOf(json, 'aws_scheduler_schedule')).toEqual([]);
    expect(json.output.class_budget!.value).toBe('bigdata-lab-us-east-1-class');
  });

  it('per class: the days from the start of the class to the day after its end', () => {
    const json = synth(
      {
        class: {
          hours: 3,
          budget: { amount: 20, currency: 'EUR', period: 'class', notify: 'ta@example.edu' },
        },
      },
      { start: new Date('2026-03-02T21:00:00Z'), end: new Date('2026-03-03T00:30:00Z') },
    );
    expect(resourcesOf(json, 'aws_budgets_budget')[0]).toMatchObject({
      limit_amount: '20.00',
      limit_unit: 'EUR',
      time_unit: 'ANNUALLY',
      time_period_start: '2026-03-02_00:00',
      time_period_end: '2026-03-04_00:00',
    });
  });

  it('is absent without class.budget', () => {
    expect(resourcesOf(synth({ class: { hours: 2 } }), 'aws_budgets_budget')).toEqual([]);
  });
});

describe('the budget action (class.budget.stopInstances)', () => {
  const stopping = synth({
    students: ['ana', 'bo-r', 'cy'],
    class: {
      budget: { amount: 50, period: 'monthly', notify: 'prof@example.edu', stopInstances: true },
    },
  });
  const instances = Object.keys(stopping.resource.aws_instance ?? {});

  it('stops every instance of the lab at 100 % actual spend, by itself, and mails notify', () => {
    const [action, ...more] = resourcesOf(stopping, 'aws_budgets_budget_action');
    expect(more).toEqual([]);
    expect(instances).toHaveLength(3);
    expect(action).toMatchObject({
      budget_name: expect.stringMatching(
        /^\$\{aws_budgets_budget\.ClassBudget_[0-9A-F]{8}\.name\}$/,
      ),
      action_type: 'RUN_SSM_DOCUMENTS',
      approval_model: 'AUTOMATIC',
      notification_type: 'ACTUAL',
      action_threshold: { action_threshold_type: 'PERCENTAGE', action_threshold_value: 100 },
      definition: {
        ssm_action_definition: {
          action_sub_type: 'STOP_EC2_INSTANCES',
          region: 'us-east-1',
          instance_ids: instances.map((id) => `\${aws_instance.${id}.id}`),
        },
      },
      subscriber: [{ address: 'prof@example.edu', subscription_type: 'EMAIL' }],
    });
  });

  it("its role trusts only Budgets acting for the lab's account and may stop only the lab's instances", () => {
    const role = resourcesOf(stopping, 'aws_iam_role').find(
      (r) => r.name === 'bigdata-lab-budget-stop-us-east-1',
    );
    expect(JSON.parse(role!.assume_role_policy as string)).toMatchObject({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'budgets.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.Account.account_id}' },
          },
        },
      ],
    });
    expect(inlinePolicies(stopping).ClassBudget_StopRole_StopLabInstances).toEqual([
      {
        Sid: 'RunTheStopAutomation',
        Effect: 'Allow',
        Action: ['ssm:StartAutomationExecution'],
        Resource: [
          'arn:aws:ssm:us-east-1:${data.aws_caller_identity.Account.account_id}:automation-definition/AWS-StopEC2Instance:*',
        ],
      },
      {
        Sid: 'StopOnlyTheLabsInstances',
        Effect: 'Allow',
        Action: ['ec2:StopInstances'],
        Resource: instances.map((id) => `\${aws_instance.${id}.arn}`),
      },
      {
        Sid: 'WatchThemStop',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstanceStatus'],
        Resource: ['*'],
      },
    ]);
  });

  it('is absent unless chosen', () => {
    const json = synth({
      class: { budget: { amount: 50, period: 'monthly', notify: 'prof@example.edu' } },
    });
    expect(resourcesOf(json, 'aws_budgets_budget_action')).toEqual([]);
    expect(resourcesOf(json, 'aws_iam_role').map((r) => r.name)).not.toContain(
      'bigdata-lab-budget-stop-us-east-1',
    );
  });
});

describe('budgetComparison (the pre-up estimate against the budget)', () => {
  it('a monthly budget against a month of the lab', () => {
    const c = budgetComparison({ amount: 50, currency: 'USD', period: 'monthly' }, 0.1);
    expect(c).toMatchObject({ hours: 730, share: 73 / 50 });
    expect(c.estimate).toBeCloseTo(73);
    expect(c.line).toBe(
      'budget 50.00 USD for each month: the estimate for a month (730 h) is ~$73.00, 146 % of it, OVER the budget; volume charges and anything else in the account come on top',
    );
  });

  it("a per-class budget against the class's hours; another currency is said", () => {
    const c = budgetComparison({ amount: 20, currency: 'EUR', period: 'class' }, 0.5, 3);
    expect(c.estimate).toBeCloseTo(1.5);
    expect(c.line).toMatch(
      /^budget 20\.00 EUR for the class: the estimate for the class \(3\.0 h\) is ~\$1\.50, 8 % of it, within it \(estimate in USD, budget in EUR\)/,
    );
    expect(budgetComparison({ amount: 10, currency: 'USD', period: 'class' }, 3, 3).line).toMatch(
      /90 % of it, close to the budget/,
    );
  });
});
