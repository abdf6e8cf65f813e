/**
 * What the operator watches, as taught in the course (IncomingRecords, and the Put metrics
 * of the call the producer makes: PutRecords.*, since it batches) plus what tells a stuck
 * pipeline apart from a quiet one: iterator age and Firehose delivery.
 * One dashboard per lab with a row per student; three alarms per student. With search,
 * a last row for the indexer and two alarms (errors, dead letters).
 * Every metric here is one AWS publishes (AWS/Kinesis, AWS/Firehose, ...), none a host
 * publishes: a student with root on their host could write any dimension of a namespace
 * the host may write, classmates' rows included (docs/security.md).
 */
import { Construct } from 'constructs';
import { Lazy } from 'cdktn';
import { CloudwatchDashboard } from '@cdktn/provider-aws/lib/cloudwatch-dashboard';
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm';

/**
 * Kinesis stream metrics on the dashboard, in the order shown. Only PutRecords.*: the
 * producer (producer-app sink.py) never calls PutRecord, whose metrics would stay empty.
 */
export const STREAM_METRICS = [
  'IncomingRecords',
  'PutRecords.Bytes',
  'PutRecords.Latency',
  'PutRecords.Success',
  'GetRecords.IteratorAgeMilliseconds',
] as const;
/**
 * The producer's writes as Kinesis counts them, per record of its PutRecords calls: what
 * it sent, what landed, what was refused and will be retried. The producer's buffer and
 * dead letters stay on the host (its stats line in the journal).
 */
export const PRODUCER_WRITE_METRICS = [
  'PutRecords.TotalRecords',
  'PutRecords.SuccessfulRecords',
  'PutRecords.FailedRecords',
  'PutRecords.ThrottledRecords',
] as const;
/** Firehose metrics on the dashboard. */
export const DELIVERY_METRICS = ['DeliveryToS3.Success', 'DeliveryToS3.DataFreshness'] as const;
/** Lambda metrics of the search indexer on the dashboard. */
export const INDEXER_METRICS = ['Invocations', 'Errors', 'Throttles'] as const;

/** What the dashboard and alarms need to know of the search indexer. */
export interface IndexerMetricsSource {
  readonly functionName: string;
  readonly deadLetterQueueName: string;
}

export interface PipelineAlarmsProps {
  /** Alarm name prefix, e.g. "<lab>-<student>". */
  readonly name: string;
  /** The student's Kinesis stream. */
  readonly streamName: string;
  /** How the stream is sized, for the words of the throttling alarm. @default "provisioned" */
  readonly streamMode?: 'provisioned' | 'on-demand';
  /** The student's Firehose delivery stream. */
  readonly deliveryName: string;
  /** Consumer lag that counts as stuck. @default 300000 (5 minutes) */
  readonly iteratorAgeThresholdMs?: number;
  /** SNS topics etc. to notify. @default [] (state visible in the console and `streamlab status`) */
  readonly alarmActions?: readonly string[];
}

/** What tells one alarm apart: its metric, statistic and when it fires. */
type AlarmSpec = Omit<
  CloudwatchMetricAlarmConfig,
  'treatMissingData' | 'alarmActions' | 'comparisonOperator' | 'threshold' | 'evaluationPeriods'
> &
  Partial<
    Pick<CloudwatchMetricAlarmConfig, 'comparisonOperator' | 'threshold' | 'evaluationPeriods'>
  >;

/**
 * Every alarm of the lab. Missing data means nothing happened (no writes, nothing to
 * deliver, no invocations), never trouble: not breaching. Unless the spec says otherwise,
 * one period with a value above zero fires it.
 */
function labAlarm(scope: Construct, id: string, actions: string[], spec: AlarmSpec): void {
  new CloudwatchMetricAlarm(scope, id, {
    evaluationPeriods: 1,
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 0,
    ...spec,
    treatMissingData: 'notBreaching',
    alarmActions: actions,
  });
}

/** Alarms for one student's stream and delivery. */
export class PipelineAlarms extends Construct {
  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const actions = [...(props.alarmActions ?? [])];
    const stream = { StreamName: props.streamName };
    labAlarm(this, 'WriteThrottled', actions, {
      alarmName: `${props.name}-write-throttled`,
      alarmDescription:
        props.streamMode === 'on-demand'
          ? `Producer writes to on-demand stream ${props.streamName} are throttled: it takes up to double its previous peak at once and scales past that within about 15 minutes`
          : `Producer writes to ${props.streamName} exceed the provisioned shards`,
      namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded',
      dimensions: stream,
      statistic: 'Sum',
      period: 60,
    });
    labAlarm(this, 'IteratorAgeHigh', actions, {
      alarmName: `${props.name}-iterator-age-high`,
      alarmDescription: `Consumers of ${props.streamName} fall behind`,
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds',
      dimensions: stream,
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 5,
      threshold: props.iteratorAgeThresholdMs ?? 300_000,
    });
    labAlarm(this, 'DeliveryFailing', actions, {
      alarmName: `${props.name}-delivery-failing`,
      alarmDescription: `Firehose ${props.deliveryName} fails to write to S3`,
      namespace: 'AWS/Firehose',
      metricName: 'DeliveryToS3.Success',
      dimensions: { DeliveryStreamName: props.deliveryName },
      // Success is 1 per fully delivered batch; any failed batch pulls the minimum below 1.
      statistic: 'Minimum',
      period: 300,
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
    });
  }
}

/** One student's row of the dashboard. */
export interface DashboardPipeline {
  readonly student: string;
  readonly streamName: string;
  readonly deliveryName: string;
}

export interface LabDashboardProps {
  /** The lab name; with the region, the dashboard's name (dashboards are account-wide). */
  readonly name: string;
  /** AWS region of the lab (its metrics and the dashboard's name). */
  readonly region: string;
  /** A row per student, in this order. */
  readonly pipelines: readonly DashboardPipeline[];
  /** The search indexer, when search is enabled. @default none */
  readonly indexer?: IndexerMetricsSource;
}

/** One dashboard for the lab: per student, a stream row and a delivery widget. */
export class LabDashboard extends Construct {
  private indexer: IndexerMetricsSource | undefined;

  constructor(scope: Construct, id: string, props: LabDashboardProps) {
    super(scope, id);
    this.indexer = props.indexer;
    // Lazy: modules built after the dashboard (search) add their row before synth.
    new CloudwatchDashboard(this, 'Dashboard', {
      // Dashboards are global to the account: the region keeps a second region's lab
      // from overwriting this one (PutDashboard replaces) or deleting it at its `down`.
      dashboardName: `${props.name}-${props.region}`,
      dashboardBody: Lazy.stringValue({
        produce: () =>
          JSON.stringify(
            dashboardBody({ ...props, ...(this.indexer ? { indexer: this.indexer } : {}) }),
          ),
      }),
    });
  }

  /** Adds the search indexer's row (once). */
  addIndexer(indexer: IndexerMetricsSource): void {
    if (this.indexer) throw new Error(`${this.node.path}: the indexer row is already there`);
    this.indexer = indexer;
  }
}

export interface IndexerAlarmsProps extends IndexerMetricsSource {
  /** Alarm name prefix, e.g. the lab name. */
  readonly name: string;
  /** @default [] */
  readonly alarmActions?: readonly string[];
}

/**
 * Errors: an invocation failed (it will be retried). DeadLetters: an object's posts were
 * given up on and wait in the queue for a re-drive: that one needs the operator.
 */
export class IndexerAlarms extends Construct {
  constructor(scope: Construct, id: string, props: IndexerAlarmsProps) {
    super(scope, id);
    const actions = [...(props.alarmActions ?? [])];
    labAlarm(this, 'Errors', actions, {
      alarmName: `${props.name}-indexer-errors`,
      alarmDescription: `Indexer ${props.functionName} invocations fail (see its log group)`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: props.functionName },
      statistic: 'Sum',
      period: 300,
    });
    labAlarm(this, 'DeadLetters', actions, {
      alarmName: `${props.name}-indexer-dead-letters`,
      alarmDescription: `Objects the indexer gave up on wait in ${props.deadLetterQueueName}`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.deadLetterQueueName },
      statistic: 'Maximum',
      period: 300,
    });
  }
}

/** The dashboard JSON (CloudWatch dashboard body structure). */
export function dashboardBody(props: LabDashboardProps): object {
  const widgets = props.pipelines.flatMap((p, i) => {
    const y = i * 6;
    return [
      {
        type: 'metric',
        x: 0,
        y,
        width: 10,
        height: 6,
        properties: {
          title: `${p.student}: stream ${p.streamName}`,
          region: props.region,
          view: 'timeSeries',
          stat: 'Sum',
          period: 60,
          metrics: STREAM_METRICS.map((m) => [
            'AWS/Kinesis',
            m,
            'StreamName',
            p.streamName,
            ...(m.endsWith('Latency') || m.includes('IteratorAge')
              ? [{ stat: 'Average', yAxis: 'right' }]
              : []),
          ]),
        },
      },
      {
        // The producer's writes, counted by Kinesis rather than reported by the host:
        // sent against landed, and what was refused (failed or throttled, then retried).
        type: 'metric',
        x: 10,
        y,
        width: 6,
        height: 6,
        properties: {
          title: `${p.student}: producer writes`,
          region: props.region,
          view: 'timeSeries',
          stat: 'Sum',
          period: 60,
          metrics: PRODUCER_WRITE_METRICS.map((m) => [
            'AWS/Kinesis',
            m,
            'StreamName',
            p.streamName,
          ]),
        },
      },
      {
        type: 'metric',
        x: 16,
        y,
        width: 8,
        height: 6,
        properties: {
          title: `${p.student}: delivery ${p.deliveryName}`,
          region: props.region,
          view: 'timeSeries',
          stat: 'Average',
          period: 300,
          metrics: DELIVERY_METRICS.map((m) => [
            'AWS/Firehose',
            m,
            'DeliveryStreamName',
            p.deliveryName,
          ]),
        },
      },
    ];
  });
  const indexer = props.indexer;
  if (indexer) {
    widgets.push({
      type: 'metric',
      x: 0,
      y: props.pipelines.length * 6,
      width: 24,
      height: 6,
      properties: {
        title: `search indexer ${indexer.functionName}`,
        region: props.region,
        view: 'timeSeries',
        stat: 'Sum',
        period: 60,
        metrics: INDEXER_METRICS.map((m) => [
          'AWS/Lambda',
          m,
          'FunctionName',
          indexer.functionName,
        ]),
      },
    });
  }
  return { widgets };
}
