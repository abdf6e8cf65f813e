/**
 * The lab dashboard and the pipeline alarms, each alone in a bare stack, and the
 * producer's metrics they chart, held to what the producer publishes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCER_METRICS_NAMESPACE } from '../../../../stacks/constructs/host-instance';
import {
  dashboardBody,
  LabDashboard,
  PipelineAlarms,
  PRODUCER_METRICS,
  STREAM_METRICS,
} from '../../../../stacks/constructs/observability';
import { synthBare } from '../../../support/bare-stack';
import { resourcesOf } from '../../../support/lab-stack';

const ana = {
  student: 'ana',
  streamName: 'bigdata-lab-ana',
  deliveryName: 'bigdata-lab-ana-delivery',
};
const producerSource = readFileSync(
  join(__dirname, '../../../../producer-app/streamlab_producer/metrics.py'),
  'utf8',
);

describe('LabDashboard', () => {
  it('puts every course metric of each stream on the dashboard', () => {
    const { json } = synthBare(
      (s) =>
        void new LabDashboard(s, 'Dashboard', {
          name: 'bigdata-lab',
          region: 'us-east-1',
          pipelines: [ana],
        }),
    );
    const [dash] = resourcesOf(json, 'aws_cloudwatch_dashboard');
    const body = JSON.parse(dash!.dashboard_body as string) as {
      widgets: { properties: { metrics: unknown[][] } }[];
    };
    const metrics = body.widgets.flatMap((w) =>
      w.properties.metrics.map((m) => `${String(m[0])} ${String(m[1])} ${String(m[3])}`),
    );
    for (const m of STREAM_METRICS) expect(metrics).toContain(`AWS/Kinesis ${m} bigdata-lab-ana`);
    expect(metrics).toContain('AWS/Firehose DeliveryToS3.Success bigdata-lab-ana-delivery');
    expect(metrics).toContain('AWS/Firehose DeliveryToS3.DataFreshness bigdata-lab-ana-delivery');
  });
});

describe('PipelineAlarms', () => {
  it('alarms on throttling, iterator age and failed delivery', () => {
    const { json } = synthBare(
      (s) =>
        void new PipelineAlarms(s, 'Alarms', {
          name: 'bigdata-lab-ana',
          streamName: ana.streamName,
          deliveryName: ana.deliveryName,
        }),
    );
    const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm').map((a) => [
      a.metric_name,
      a.comparison_operator,
      a.threshold,
    ]);
    expect(alarms.sort()).toEqual([
      ['DeliveryToS3.Success', 'LessThanThreshold', 1],
      ['GetRecords.IteratorAgeMilliseconds', 'GreaterThanThreshold', 300000],
      ['WriteProvisionedThroughputExceeded', 'GreaterThanThreshold', 0],
    ]);
  });
});

describe('producer metrics namespace', () => {
  it('the host role allows exactly the namespace the producer publishes to', () => {
    expect(/NAMESPACE = "([^"]+)"/.exec(producerSource)?.[1]).toBe(PRODUCER_METRICS_NAMESPACE);
  });

  it('the dashboard charts only metrics the producer publishes, per student', () => {
    for (const m of PRODUCER_METRICS) expect(producerSource).toContain(`"MetricName": "${m}"`);
    const body = dashboardBody({
      name: 'lab',
      region: 'us-east-1',
      pipelines: [{ student: 'ana', streamName: 'lab-ana', deliveryName: 'lab-ana-delivery' }],
    }) as {
      widgets: { x: number; width: number; properties: { title: string; metrics: unknown[][] } }[];
    };
    const producer = body.widgets.find((w) => w.properties.title === 'ana: producer')!;
    expect(producer.properties.metrics).toContainEqual([
      'Streamlab/Producer',
      'RecordsOut',
      'StreamName',
      'lab-ana',
    ]);
    // The row still fills the 24-column grid without overlap.
    const row = body.widgets.map((w) => [w.x, w.width]);
    expect(row).toEqual([
      [0, 10],
      [10, 6],
      [16, 8],
    ]);
  });
});
