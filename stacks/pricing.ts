/**
 * A small price table for the hourly cost estimate `streamlab synth` prints. us-east-1
 * on-demand list prices (USD, checked 2026-11; other regions cost 0–30 % more). It is an
 * ESTIMATE of the fixed hourly cost only: data volume (Kinesis PUT units, Firehose GB,
 * S3 storage/requests, CloudWatch Logs ingestion, data transfer) comes on top.
 */
import type { LabConfig } from '../config/schema';

/** USD per instance-hour, Linux on-demand, us-east-1. */
export const INSTANCE_HOURLY: Readonly<Record<string, number>> = {
  't2.micro': 0.0116,
  't2.small': 0.023,
  't3.nano': 0.0052,
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3a.micro': 0.0094,
  't3a.small': 0.0188,
  't3a.medium': 0.0376,
  't4g.nano': 0.0042,
  't4g.micro': 0.0084,
  't4g.small': 0.0168,
  't4g.medium': 0.0336,
  'm5.large': 0.096,
  'm6i.large': 0.096,
  'm6g.large': 0.077,
  'm7g.large': 0.0816,
  'c6g.large': 0.068,
  'c7g.large': 0.0725,
  'r6g.large': 0.1008,
};

/** USD per OpenSearch Service instance-hour, on-demand, us-east-1. */
export const OPENSEARCH_HOURLY: Readonly<Record<string, number>> = {
  't3.small.search': 0.036,
  't3.medium.search': 0.073,
  'm6g.large.search': 0.128,
  'm7g.large.search': 0.136,
  'r6g.large.search': 0.167,
  'r7g.large.search': 0.178,
};

export const PRICES = {
  /** Provisioned Kinesis shard-hour. */
  kinesisShardHour: 0.015,
  /** On-demand Kinesis stream-hour (before per-GB charges). */
  kinesisOnDemandStreamHour: 0.04,
  /** Public IPv4 address-hour (every host has one). */
  publicIpv4Hour: 0.005,
  /** gp3 storage, per GiB-month. */
  gp3GiBMonth: 0.08,
  /** CloudWatch standard alarm, per month; dashboard per month (first 3 free, ignored here). */
  alarmMonth: 0.1,
  dashboardMonth: 3,
  /** EC2 detailed monitoring: 7 metrics × $0.30 per metric-month. */
  detailedMonitoringMonth: 2.1,
  /** Firehose ingestion, per GB: volume-dependent, shown as a note. */
  firehosePerGb: 0.029,
  /** OpenSearch gp3 storage, per GiB-month (the search domain's 10 GiB). */
  openSearchGp3GiBMonth: 0.122,
  /** Customer-managed KMS key, per month (the search module's key). */
  kmsKeyMonth: 1,
  /** Lambda, per GB-second (arm64): volume-dependent, shown as a note. */
  lambdaArmGbSecond: 0.0000133334,
} as const;

const HOURS_PER_MONTH = 730;

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly hourly: number;
}

export interface CostEstimate {
  readonly lines: CostLine[];
  readonly hourly: number;
  /** What the figure leaves out, or prices it does not know. */
  readonly notes: string[];
}

export function estimateHourlyCost(config: LabConfig, rootVolumeGiB = 16): CostEstimate {
  const hosts = config.students.length;
  const lines: CostLine[] = [];
  const notes: string[] = [];
  const instance = INSTANCE_HOURLY[config.instanceType];
  if (instance === undefined) {
    notes.push(`no price for instance type ${config.instanceType}: instances not counted`);
  } else {
    lines.push({ item: `EC2 ${config.instanceType}`, quantity: hosts, hourly: instance * hosts });
  }
  lines.push({
    item: 'public IPv4 address',
    quantity: hosts,
    hourly: PRICES.publicIpv4Hour * hosts,
  });
  lines.push({
    item: `EBS gp3 ${rootVolumeGiB} GiB`,
    quantity: hosts,
    hourly: (PRICES.gp3GiBMonth * rootVolumeGiB * hosts) / HOURS_PER_MONTH,
  });
  lines.push({
    item: 'EC2 detailed monitoring',
    quantity: hosts,
    hourly: (PRICES.detailedMonitoringMonth * hosts) / HOURS_PER_MONTH,
  });
  if (config.stream.mode === 'provisioned') {
    const shards = (config.stream.shards ?? 1) * hosts;
    lines.push({
      item: 'Kinesis shard',
      quantity: shards,
      hourly: PRICES.kinesisShardHour * shards,
    });
  } else {
    lines.push({
      item: 'Kinesis on-demand stream',
      quantity: hosts,
      hourly: PRICES.kinesisOnDemandStreamHour * hosts,
    });
  }
  lines.push({
    item: 'CloudWatch alarms + dashboard',
    quantity: hosts * 3 + 1,
    hourly: (PRICES.alarmMonth * hosts * 3 + PRICES.dashboardMonth) / HOURS_PER_MONTH,
  });
  if (config.search.enabled) {
    const type = config.search.instanceType;
    const node = OPENSEARCH_HOURLY[type];
    if (node === undefined) {
      notes.push(`no price for OpenSearch instance type ${type}: the search node is not counted`);
    } else {
      lines.push({ item: `OpenSearch ${type}`, quantity: 1, hourly: node });
    }
    lines.push({
      item: 'OpenSearch gp3 10 GiB + KMS key + 2 alarms',
      quantity: 1,
      hourly:
        (PRICES.openSearchGp3GiBMonth * 10 + PRICES.kmsKeyMonth + PRICES.alarmMonth * 2) /
        HOURS_PER_MONTH,
    });
    notes.push(
      `plus the indexer Lambda: $${PRICES.lambdaArmGbSecond}/GB-s (512 MB) per object indexed, and its requests`,
    );
  }
  notes.push(
    `plus volume: Firehose $${PRICES.firehosePerGb}/GB, Kinesis PUT units, S3, CloudWatch Logs, data transfer`,
  );
  const hourly = lines.reduce((sum, l) => sum + l.hourly, 0);
  return { lines, hourly, notes };
}

export interface BudgetComparison {
  /** What the estimate is set against: a month of the lab, or the class's hours. */
  readonly hours: number;
  readonly estimate: number;
  readonly amount: number;
  readonly currency: string;
  /** estimate / amount (fixed hourly costs only: volume comes on top). */
  readonly share: number;
  readonly line: string;
}

/**
 * How the hourly estimate compares with `class.budget`: a monthly budget against a month
 * of the lab running (730 h), a per-class budget against the class's hours. The estimate
 * is in USD; a budget in another currency is compared as if it were USD, and the line
 * says so.
 */
export function budgetComparison(
  budget: { readonly amount: number; readonly currency: string; readonly period: string },
  hourly: number,
  classHours?: number,
): BudgetComparison {
  const hours =
    budget.period === 'class' && classHours !== undefined ? classHours : HOURS_PER_MONTH;
  const estimate = hourly * hours;
  const share = estimate / budget.amount;
  const span =
    budget.period === 'class' ? `the class (${hours.toFixed(1)} h)` : `a month (${hours} h)`;
  const verdict = share > 1 ? 'OVER the budget' : share > 0.8 ? 'close to the budget' : 'within it';
  const fx = budget.currency === 'USD' ? '' : ` (estimate in USD, budget in ${budget.currency})`;
  return {
    hours,
    estimate,
    amount: budget.amount,
    currency: budget.currency,
    share,
    line:
      `budget ${budget.amount.toFixed(2)} ${budget.currency} for ${budget.period === 'class' ? 'the class' : 'each month'}: ` +
      `the estimate for ${span} is ~$${estimate.toFixed(2)}, ${Math.round(share * 100)} % of it, ${verdict}${fx}; ` +
      `volume charges and anything else in the account come on top`,
  };
}
