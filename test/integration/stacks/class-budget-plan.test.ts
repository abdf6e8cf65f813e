/**
 * The class's budget (config `class.budget`, with `stopInstances`) against the real
 * terraform and the real hashicorp/aws provider (the filesystem mirror), with moto as the
 * AWS API: init and plan the ClassBudget construct with its stop action, so the provider
 * itself validates every attribute (its enums, the action's SSM definition).
 *
 * What moto cannot show, and why this suite plans but does not apply: moto 5.2.1's
 * Budgets backend has CreateBudget, DescribeBudget(s), DeleteBudget and the notification
 * calls, but not DescribeSubscribersForNotification (which the provider's read of
 * aws_budgets_budget calls for every notification, retrying moto's 500 answer until it
 * times out), ListTagsForResource, or any budget-action call (CreateBudgetAction,
 * DescribeBudgetAction). The last test checks exactly that gap, so the day moto fills it,
 * it fails and says to apply and destroy here. That the action's role may stop only the
 * lab's instances is checked on the synthesized policy
 * (test/unit/stacks/constructs/class-budget.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktn';
import { ClassBudget } from '../../../stacks/constructs/class-budget';
import { PolicyCheckedStack } from '../../../stacks/policy/checked-stack';
import { runSync } from '../../../process/run';
import { which } from '../../../process/which';
import { describeWith } from '../../support/emulated-aws';
import { startMoto, type RunningMoto } from '../../../labs/rehearsal/moto';
import * as motoSupport from '../../support/moto-stack';

jest.setTimeout(600_000);

const BUDGET = 'motoclass-us-east-1-class';
const ACCOUNT = motoSupport.MOTO_ACCOUNT;

describeWith(motoSupport.missingForMotoStack)(
  'the class budget and its stop action, real provider, moto as AWS',
  () => {
    const work = mkdtempSync(join(tmpdir(), 'streamlab-class-budget-moto-'));
    let moto: RunningMoto | undefined;
    let applied: motoSupport.MotoStack;

    /** The AWS CLI against moto, one attempt, so a call moto lacks answers at once. */
    const aws = (args: string[]) =>
      runSync([which('aws')!, '--endpoint-url', moto!.endpoint, '--output', 'json', ...args], {
        env: { ...applied.env, AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' },
        allowFailure: true,
        timeout: 60_000,
      });

    beforeAll(async () => {
      moto = await startMoto({ workDir: work });
      applied = await motoSupport.motoStack(join(work, 'stack'), moto.endpoint);
      const stack = new PolicyCheckedStack(Testing.app({ stackTraces: false }), 'moto', []);
      motoSupport.motoProvider(stack);
      new ClassBudget(stack, 'ClassBudget', {
        name: 'motoclass',
        region: 'us-east-1',
        amount: 50,
        currency: 'USD',
        period: { start: new Date('2030-03-02T09:00:00Z'), end: new Date('2030-03-04T17:00:00Z') },
        notify: 'prof@example.edu',
        stop: {
          instances: ['i-0123456789abcdef0', 'i-0fedcba9876543210'].map((id) => ({
            id,
            arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`,
          })),
          accountId: ACCOUNT,
        },
      });
      applied.write(stack);
    });

    afterAll(async () => {
      await moto?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('the provider accepts the budget, its stop action and the action’s role', async () => {
      await applied.tf.init();
      // budget, action, role, the role's policy
      expect(await applied.tf.plan()).toMatchObject({
        create: 4,
        update: 0,
        replace: 0,
        delete: 0,
      });
    });

    it('moto 5.2.1 lacks what applying them needs (fails the day it has it: then apply here)', () => {
      const budget = JSON.stringify({
        BudgetName: BUDGET,
        BudgetLimit: { Amount: '50', Unit: 'USD' },
        TimeUnit: 'MONTHLY',
        BudgetType: 'COST',
      });
      expect(
        aws(['budgets', 'create-budget', '--account-id', ACCOUNT, '--budget', budget]).code,
      ).toBe(0);
      const notification = 'NotificationType=ACTUAL,ComparisonOperator=GREATER_THAN,Threshold=80';
      const missing = [
        [
          'budgets',
          'describe-subscribers-for-notification',
          '--account-id',
          ACCOUNT,
          '--budget-name',
          BUDGET,
          '--notification',
          notification,
        ],
        [
          'budgets',
          'list-tags-for-resource',
          '--resource-arn',
          `arn:aws:budgets::${ACCOUNT}:budget/${BUDGET}`,
        ],
        [
          'budgets',
          'describe-budget-actions-for-budget',
          '--account-id',
          ACCOUNT,
          '--budget-name',
          BUDGET,
        ],
      ];
      for (const args of missing) {
        const r = aws(args);
        expect({ call: args[1], code: r.code, answer: /\(500\)/.test(r.stderr) }).toEqual({
          call: args[1],
          code: 255,
          answer: true,
        });
      }
    });
  },
);
