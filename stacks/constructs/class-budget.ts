/**
 * The class's budget (config `class.budget`): an AWS Budgets cost budget that mails the
 * address the config names when actual spend passes 80 % of the amount and when AWS
 * forecasts it will pass 100 %.
 *
 * It counts the whole account's cost: a filter on the lab's `lab` tag would count
 * nothing until someone activates `lab` as a cost allocation tag in Billing (an account
 * setting streamlab does not touch), and a budget that silently counts nothing is worse
 * than one that counts a little more. In an account used for the class alone the two are
 * the same.
 *
 * With `stop` (config `class.budget.stopInstances`), a budget action stops the lab's
 * instances once actual spend passes 100 %: Budgets runs SSM's AWS-StopEC2Instance
 * automation as an execution role that trusts only budgets.amazonaws.com acting for this
 * account and may stop exactly the lab's instances, nothing else.
 */
import { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktn/provider-aws/lib/budgets-budget';
import { BudgetsBudgetAction } from '@cdktn/provider-aws/lib/budgets-budget-action';
import { ServiceRole } from './service-role';

/** The SSM automation a STOP_EC2_INSTANCES budget action runs. */
export const STOP_AUTOMATION = 'AWS-StopEC2Instance';

/** Budgets' time period format: "YYYY-MM-DD_hh:mm" (UTC). */
export function budgetTime(at: Date): string {
  return `${at.toISOString().slice(0, 10)}_00:00`;
}

export interface ClassBudgetProps {
  /** Budget names are account-wide, so the region is part of it: "<lab>-<region>-class". */
  readonly name: string;
  readonly region: string;
  readonly amount: number;
  readonly currency: string;
  /**
   * "monthly", or the class: from the day of `start` to the day after `end` (Budgets counts
   * whole UTC days).
   */
  readonly period: { readonly monthly: true } | { readonly start: Date; readonly end: Date };
  readonly notify: string;
  /** Stop these instances when actual spend passes 100 %. @default no action */
  readonly stop?: ClassBudgetStop;
}

export interface ClassBudgetStop {
  /** The lab's instances: ids for the action, ARNs for its role's policy. */
  readonly instances: ReadonlyArray<{ readonly id: string; readonly arn: string }>;
  /** The lab's account: the trust policy's aws:SourceAccount (the confused-deputy guard). */
  readonly accountId: string;
}

export class ClassBudget extends Construct {
  readonly budgetName: string;

  constructor(scope: Construct, id: string, props: ClassBudgetProps) {
    super(scope, id);
    this.budgetName = `${props.name}-${props.region}-class`;
    const subscriber = { subscriberEmailAddresses: [props.notify] };
    const classDays =
      'start' in props.period
        ? {
            // A yearly budget clipped to the class's days: Budgets has no "custom" cost period.
            timeUnit: 'ANNUALLY',
            timePeriodStart: budgetTime(props.period.start),
            timePeriodEnd: budgetTime(new Date(props.period.end.getTime() + 86_400_000)),
          }
        : { timeUnit: 'MONTHLY' };
    const budget = new BudgetsBudget(this, 'Budget', {
      name: this.budgetName,
      budgetType: 'COST',
      limitAmount: props.amount.toFixed(2),
      limitUnit: props.currency,
      ...classDays,
      notification: [
        {
          comparisonOperator: 'GREATER_THAN',
          notificationType: 'ACTUAL',
          threshold: 80,
          thresholdType: 'PERCENTAGE',
          ...subscriber,
        },
        {
          comparisonOperator: 'GREATER_THAN',
          notificationType: 'FORECASTED',
          threshold: 100,
          thresholdType: 'PERCENTAGE',
          ...subscriber,
        },
      ],
    });
    if (props.stop) this.stopAction(budget, props, props.stop);
  }

  private stopAction(budget: BudgetsBudget, props: ClassBudgetProps, stop: ClassBudgetStop): void {
    if (stop.instances.length === 0) {
      throw new Error(`${this.node.path}: a budget action needs at least one instance to stop`);
    }
    const role = new ServiceRole(this, 'StopRole', {
      service: 'budgets.amazonaws.com',
      name: `${props.name}-budget-stop`,
      region: props.region,
      description: `Stops the instances of lab ${props.name} when its budget is spent`,
      trustConditions: { StringEquals: { 'aws:SourceAccount': stop.accountId } },
    });
    role.addPolicy('StopLabInstances', [
      {
        sid: 'RunTheStopAutomation',
        actions: ['ssm:StartAutomationExecution'],
        resources: [
          `arn:aws:ssm:${props.region}:${stop.accountId}:automation-definition/${STOP_AUTOMATION}:*`,
        ],
      },
      {
        sid: 'StopOnlyTheLabsInstances',
        actions: ['ec2:StopInstances'],
        resources: stop.instances.map((i) => i.arn),
      },
      {
        sid: 'WatchThemStop',
        // The automation waits for "stopped"; Describe* has no resource-level permissions.
        actions: ['ec2:DescribeInstanceStatus'],
        resources: ['*'],
      },
    ]);
    new BudgetsBudgetAction(this, 'StopAction', {
      budgetName: budget.name,
      actionType: 'RUN_SSM_DOCUMENTS',
      // Nobody approves at the moment the money is gone: the action runs by itself.
      approvalModel: 'AUTOMATIC',
      notificationType: 'ACTUAL',
      actionThreshold: { actionThresholdType: 'PERCENTAGE', actionThresholdValue: 100 },
      executionRoleArn: role.arn,
      definition: {
        ssmActionDefinition: {
          actionSubType: 'STOP_EC2_INSTANCES',
          region: props.region,
          instanceIds: stop.instances.map((i) => i.id),
        },
      },
      subscriber: [{ address: props.notify, subscriptionType: 'EMAIL' }],
      dependsOn: role.grants,
    });
  }
}
