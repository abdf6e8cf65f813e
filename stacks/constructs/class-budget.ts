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
 */
import { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktn/provider-aws/lib/budgets-budget';

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
    new BudgetsBudget(this, 'Budget', {
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
  }
}
