/**
 * The lab dashboard and the pipeline alarms, each alone in a bare stack: every metric they
 * read is one AWS publishes, none a student's host could write.
 */
import {
  dashboardBody,
  LabDashboard,
  PipelineAlarms,
  PRODUCER_WRITE_METRICS,
  STREAM_METRICS,
} from '../../../../stacks/constructs/observability';
import { synthBare } from '../../../support/bare-stack';
import { resourcesOf } from '../../../support/lab-stack';

const ana = {
  student: 'ana',
  streamName: 'bigdata-lab-ana',
  deliveryName: 'bigdata-lab-ana-delivery',
};

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

describe('producer metrics', () => {
  const body = dashboardBody({
    name: 'lab',
    region: 'us-east-1',
    pipelines: [{ student: 'ana', streamName: 'lab-ana', deliveryName: 'lab-ana-delivery' }],
  }) as {
    widgets: { x: number; width: number; properties: { title: string; metrics: unknown[][] } }[];
  };

  it('come from Kinesis, per stream: nothing on the dashboard is a metric a host could write', () => {
    const namespaces = new Set(body.widgets.flatMap((w) => w.properties.metrics.map((m) => m[0])));
    expect([...namespaces].sort()).toEqual(['AWS/Firehose', 'AWS/Kinesis']);
    const producer = body.widgets.find((w) => w.properties.title === 'ana: producer writes')!;
    expect(producer.properties.metrics).toEqual(
      PRODUCER_WRITE_METRICS.map((m) => ['AWS/Kinesis', m, 'StreamName', 'lab-ana']),
    );
    // The row still fills the 24-column grid without overlap.
    expect(body.widgets.map((w) => [w.x, w.width])).toEqual([
      [0, 10],
      [10, 6],
      [16, 8],
    ]);
  });
});
