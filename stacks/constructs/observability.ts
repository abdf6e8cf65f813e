/**
 * What the operator watches, as taught in the course (IncomingRecords, PutRecord.*) plus
 * what tells a stuck pipeline apart from a quiet one: iterator age and Firehose delivery.
 * One dashboard per lab with a row per student; three alarms per student.
 */
import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktn/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm';

/** Kinesis stream metrics on the dashboard, in the order shown. */
export const STREAM_METRICS = [
  'IncomingRecords',
  'PutRecord.Bytes',
  'PutRecord.Latency',
  'PutRecord.Success',
  'PutRecords.Bytes',
  'PutRecords.Latency',
  'PutRecords.Success',
  'GetRecords.IteratorAgeMilliseconds',
] as const;
/** Firehose metrics on the dashboard. */
export const DELIVERY_METRICS = ['DeliveryToS3.Success', 'DeliveryToS3.DataFreshness'] as const;

export interface PipelineAlarmsProps {
  /** Alarm name prefix, e.g. "<lab>-<student>". */
  readonly name: string;
  readonly streamName: string;
  readonly deliveryName: string;
  /** Consumer lag that counts as stuck. @default 300000 (5 minutes) */
  readonly iteratorAgeThresholdMs?: number;
  /** SNS topics etc. to notify. @default [] (state visible in the console and `streamlab status`) */
  readonly alarmActions?: readonly string[];
}

/** Alarms for one student's stream and delivery. */
export class PipelineAlarms extends Construct {
  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const actions = [...(props.alarmActions ?? [])];
    const stream = { StreamName: props.streamName };
    new CloudwatchMetricAlarm(this, 'WriteThrottled', {
      alarmName: `${props.name}-write-throttled`,
      alarmDescription: `Producer writes to ${props.streamName} exceed the provisioned shards`,
      namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded',
      dimensions: stream,
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      treatMissingData: 'notBreaching',
      alarmActions: actions,
    });
    new CloudwatchMetricAlarm(this, 'IteratorAgeHigh', {
      alarmName: `${props.name}-iterator-age-high`,
      alarmDescription: `Consumers of ${props.streamName} fall behind`,
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds',
      dimensions: stream,
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.iteratorAgeThresholdMs ?? 300_000,
      treatMissingData: 'notBreaching',
      alarmActions: actions,
    });
    new CloudwatchMetricAlarm(this, 'DeliveryFailing', {
      alarmName: `${props.name}-delivery-failing`,
      alarmDescription: `Firehose ${props.deliveryName} fails to write to S3`,
      namespace: 'AWS/Firehose',
      metricName: 'DeliveryToS3.Success',
      dimensions: { DeliveryStreamName: props.deliveryName },
      // Success is 1 per fully delivered batch; any failed batch pulls the minimum below 1.
      statistic: 'Minimum',
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      // No data = nothing to deliver, not a failure.
      treatMissingData: 'notBreaching',
      alarmActions: actions,
    });
  }
}

export interface LabDashboardProps {
  readonly name: string;
  readonly region: string;
  readonly pipelines: readonly { student: string; streamName: string; deliveryName: string }[];
}

/** One dashboard for the lab: per student, a stream row and a delivery widget. */
export class LabDashboard extends Construct {
  constructor(scope: Construct, id: string, props: LabDashboardProps) {
    super(scope, id);
    new CloudwatchDashboard(this, 'Dashboard', {
      dashboardName: props.name,
      dashboardBody: JSON.stringify(dashboardBody(props)),
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
        width: 16,
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
  return { widgets };
}
