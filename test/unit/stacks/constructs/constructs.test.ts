/** Each construct's resources, read from a synthesized lab (and a few scopes of their own). */
import { Testing } from 'cdktn';
import { regionalIamName, ServiceRole } from '../../../../stacks/constructs/service-role';
import { DataStream } from '../../../../stacks/constructs/data-stream';
import { STREAM_METRICS } from '../../../../stacks/constructs/observability';
import { archForInstanceType, ubuntuAmiNamePattern } from '../../../../stacks/ubuntu-ami';
import {
  inlinePolicies,
  labConfig,
  resourcesOf,
  synthLab,
  type StackJson,
} from '../../../support/lab-stack';

const { json } = synthLab(
  labConfig({
    students: ['ana'],
    delivery: { bufferSeconds: 120, bufferMiB: 8, compression: 'Snappy', expireDays: 7 },
  }),
);

const policies = inlinePolicies;
const ref = (type: string, idPrefix: string, attr: string) =>
  new RegExp(`^\\$\\{${type}\\.${idPrefix}_[0-9A-F]{8}\\.${attr}\\}`);

describe('Network', () => {
  it('has two public subnets in distinct AZs picked from the AZ data source', () => {
    const subnets = resourcesOf(json, 'aws_subnet');
    expect(subnets.map((s) => s.availability_zone)).toEqual([
      expect.stringMatching(
        /element\(sort\(setintersection\(data\.aws_availability_zones\.Network_Zones_\w+\.names, .+\), 0\)/,
      ),
      expect.stringMatching(
        /element\(sort\(setintersection\(data\.aws_availability_zones\.Network_Zones_\w+\.names, .+\), 1\)/,
      ),
    ]);
    expect(subnets.every((s) => s.map_public_ip_on_launch === true)).toBe(true);
    expect(resourcesOf(json, 'aws_route')).toEqual([
      expect.objectContaining({
        destination_cidr_block: '0.0.0.0/0',
        gateway_id: expect.stringMatching(ref('aws_internet_gateway', 'Network_Gateway', 'id')),
      }),
    ]);
    expect(resourcesOf(json, 'aws_route_table_association')).toHaveLength(2);
  });

  it('takes over the default security group with no rules', () => {
    const [sg] = resourcesOf(json, 'aws_default_security_group');
    expect(sg).not.toHaveProperty('ingress');
    expect(sg).not.toHaveProperty('egress');
    expect(sg!.vpc_id).toMatch(ref('aws_vpc', 'Network_Vpc', 'id'));
  });

  it('sends flow logs to a log group with retention through a role limited to that group', () => {
    const [flow] = resourcesOf(json, 'aws_flow_log');
    expect(flow).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    const groups = resourcesOf(json, 'aws_cloudwatch_log_group');
    expect(groups.every((g) => Number(g.retention_in_days) > 0)).toBe(true);
    // AWS's documented flow-log role policy, less CreateLogGroup (the group exists) and
    // with the one group instead of "*".
    expect(policies(json).Network_FlowLogRole_WriteFlowLogs).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
        ],
        Resource: [
          expect.stringMatching(ref('aws_cloudwatch_log_group', 'Network_FlowLogs_Group', 'arn')),
          expect.stringMatching(/\.arn\}:\*$/),
        ],
      },
    ]);
  });
});

describe('service role trust', () => {
  const trust = (name: string) => {
    const [role] = resourcesOf(json, 'aws_iam_role').filter((r) => r.name === name);
    return JSON.parse(role!.assume_role_policy as string).Statement[0] as Record<string, unknown>;
  };

  it('lets the flow-log service assume its role only for this account', () => {
    expect(trust('bigdata-lab-flow-logs-us-east-1')).toMatchObject({
      Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
      Condition: {
        StringEquals: {
          'aws:SourceAccount': expect.stringMatching(
            /^\$\{data\.aws_caller_identity\.Account\w*\.account_id\}$/,
          ),
        },
      },
    });
  });

  it('lets Firehose assume its role only with this account as external id', () => {
    expect(trust(regionalIamName('bigdata-lab-ana-delivery-firehose', 'us-east-1'))).toMatchObject({
      Principal: { Service: 'firehose.amazonaws.com' },
      Condition: { StringEquals: { 'sts:ExternalId': expect.stringContaining('account_id') } },
    });
  });
});

describe('HostInstance', () => {
  const [instance] = resourcesOf(json, 'aws_instance');

  it('requires IMDSv2, encrypts a gp3 root volume and enables detailed monitoring', () => {
    expect(instance).toMatchObject({
      metadata_options: {
        http_endpoint: 'enabled',
        http_tokens: 'required',
        http_put_response_hop_limit: 1,
      },
      root_block_device: { volume_type: 'gp3', encrypted: true },
      monitoring: true,
      instance_type: 't3.micro',
      lifecycle: { ignore_changes: ['ami'] },
    });
  });

  it('allows SSH only from operatorCidr, and all egress', () => {
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        cidr_ipv4: '203.0.113.7/32',
        from_port: 22,
        to_port: 22,
        ip_protocol: 'tcp',
      }),
    ]);
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toEqual([
      expect.objectContaining({ cidr_ipv4: '0.0.0.0/0', ip_protocol: '-1' }),
    ]);
  });

  it('lets the host write only to its own stream and publish metrics in its namespace', () => {
    const p = policies(json);
    expect(p['Student-ana_Host_Role_WriteStream']).toEqual([
      {
        Sid: 'PutRecordsOnOwnStream',
        Effect: 'Allow',
        Action: [
          'kinesis:PutRecord',
          'kinesis:PutRecords',
          'kinesis:DescribeStreamSummary',
          'kinesis:ListShards',
        ],
        Resource: [expect.stringMatching(ref('aws_kinesis_stream', 'Student-ana_Stream', 'arn'))],
      },
    ]);
    expect(p['Student-ana_Host_Role_PublishMetrics']).toEqual([
      expect.objectContaining({
        Action: ['cloudwatch:PutMetricData'],
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Streamlab/Producer' } },
      }),
    ]);
    const [role] = resourcesOf(json, 'aws_iam_role').filter(
      (r) => r.name === 'bigdata-lab-ana-host-us-east-1',
    );
    expect(JSON.parse(role!.assume_role_policy as string).Statement[0].Principal).toEqual({
      Service: 'ec2.amazonaws.com',
    });
  });

  it("finds Canonical's Ubuntu image for the release and architecture", () => {
    const ami = Object.values(json.data.aws_ami!)[0]!;
    expect(ami.owners).toEqual(['099720109477']);
    expect(ami.filter).toContainEqual({
      name: 'name',
      values: ['ubuntu/images/hvm-ssd*/ubuntu-noble-24.04-amd64-server-*'],
    });
  });

  it.each([
    ['t3.micro', 'amd64'],
    ['t4g.small', 'arm64'],
    ['m7gd.large', 'arm64'],
    ['c7gn.xlarge', 'arm64'],
    ['a1.medium', 'arm64'],
    ['g4dn.xlarge', 'amd64'],
    ['m7i.large', 'amd64'],
  ])('picks %s → %s', (type, arch) => {
    expect(archForInstanceType(type)).toBe(arch);
  });

  it('maps 22.04 to jammy', () => {
    expect(ubuntuAmiNamePattern('22.04', 't4g.micro')).toBe(
      'ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-arm64-server-*',
    );
  });
});

describe('DataStream', () => {
  it('is KMS-encrypted with the AWS-managed key by default', () => {
    expect(resourcesOf(json, 'aws_kinesis_stream')).toEqual([
      expect.objectContaining({
        encryption_type: 'KMS',
        kms_key_id: 'alias/aws/kinesis',
        shard_count: 1,
        retention_period: 24,
      }),
    ]);
  });

  it('adds KMS permissions to its grants when the stream uses a customer-managed key', () => {
    const out = Testing.synthScope((scope) => {
      const key = 'arn:aws:kms:us-east-1:123456789012:key/abc';
      const stream = new DataStream(scope, 'S', { name: 's', kmsKeyArn: key });
      stream.grantWrite(
        new ServiceRole(scope, 'Writer', {
          service: 'ec2.amazonaws.com',
          name: 'w',
          region: 'us-east-1',
          description: 'w',
        }),
      );
      stream.grantRead(
        new ServiceRole(scope, 'Reader', {
          service: 'firehose.amazonaws.com',
          name: 'r',
          region: 'us-east-1',
          description: 'r',
        }),
      );
    });
    const p = policies(JSON.parse(out) as StackJson);
    expect(p.Writer_WriteS![1]).toMatchObject({
      Action: ['kms:GenerateDataKey'],
      Resource: ['arn:aws:kms:us-east-1:123456789012:key/abc'],
    });
    expect(p.Reader_ReadS![1]).toMatchObject({ Action: ['kms:Decrypt'] });
  });

  it('rejects shards on an on-demand stream', () => {
    expect(() =>
      Testing.synthScope(
        (scope) => void new DataStream(scope, 'S', { name: 's', mode: 'on-demand', shards: 2 }),
      ),
    ).toThrow(/shards cannot be set/);
  });
});

describe('DataLake and Delivery', () => {
  it('locks the bucket down: public access block, SSE, owner-enforced, lifecycle, TLS only', () => {
    expect(resourcesOf(json, 'aws_s3_bucket')).toEqual([
      expect.objectContaining({ bucket_prefix: 'bigdata-lab-lake-' }),
    ]);
    expect(resourcesOf(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(
      resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')[0],
    ).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    expect(resourcesOf(json, 'aws_s3_bucket_ownership_controls')[0]).toMatchObject({
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
    expect(resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration')[0]).toMatchObject({
      rule: [expect.objectContaining({ status: 'Enabled', expiration: [{ days: 7 }] })],
    });
    const tls = JSON.parse(resourcesOf(json, 'aws_s3_bucket_policy')[0]!.policy as string)
      .Statement[0];
    expect(tls).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('delivers from the stream to the student prefix, partitioned by hour, with config buffering', () => {
    const [firehose] = resourcesOf(json, 'aws_kinesis_firehose_delivery_stream');
    expect(firehose).toMatchObject({
      name: 'bigdata-lab-ana-delivery',
      destination: 'extended_s3',
      kinesis_source_configuration: {
        kinesis_stream_arn: expect.stringMatching(
          ref('aws_kinesis_stream', 'Student-ana_Stream', 'arn'),
        ),
      },
      extended_s3_configuration: {
        prefix:
          'students/ana/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
        error_output_prefix: expect.stringContaining('errors/ana/!{firehose:error-output-type}/'),
        buffering_interval: 120,
        buffering_size: 8,
        compression_format: 'Snappy',
        cloudwatch_logging_options: { enabled: true },
      },
    });
    expect(firehose).not.toHaveProperty('server_side_encryption');
  });

  it('gives Firehose exactly the documented permissions', () => {
    const p = policies(json);
    expect(p['Student-ana_Delivery_Role_ReadStream']![0]!.Action).toEqual([
      'kinesis:DescribeStream',
      'kinesis:GetShardIterator',
      'kinesis:GetRecords',
      'kinesis:ListShards',
    ]);
    const lake = p['Student-ana_Delivery_Role_WriteLake']!;
    expect(lake.flatMap((s) => s.Action).sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
      's3:ListBucketMultipartUploads',
      's3:PutObject',
    ]);
    expect(lake.find((s) => s.Sid === 'WriteOwnPrefixes')!.Resource).toEqual([
      expect.stringMatching(/\/students\/ana\/\*$/),
      expect.stringMatching(/\/errors\/ana\/\*$/),
    ]);
    expect(p['Student-ana_Delivery_Role_WriteDeliveryLog']![0]).toMatchObject({
      Action: ['logs:PutLogEvents'],
      Resource: [
        expect.stringMatching(
          /:log-stream:\$\{aws_cloudwatch_log_stream\.Student-ana_Delivery_S3DeliveryLog_\w+\.name\}$/,
        ),
      ],
    });
  });
});

describe('Observability', () => {
  it('puts every course metric of each stream on the dashboard', () => {
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

  it('alarms on throttling, iterator age and failed delivery', () => {
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
    const { PRODUCER_METRICS_NAMESPACE } = require('../../../../stacks/constructs/host-instance');
    const source = require('node:fs').readFileSync(
      require('node:path').join(
        __dirname,
        '../../../../producer-app/streamlab_producer/metrics.py',
      ),
      'utf8',
    );
    expect(/NAMESPACE = "([^"]+)"/.exec(source)?.[1]).toBe(PRODUCER_METRICS_NAMESPACE);
  });

  it('the dashboard charts only metrics the producer publishes, per student', () => {
    const {
      PRODUCER_METRICS,
      dashboardBody,
    } = require('../../../../stacks/constructs/observability');
    const source = require('node:fs').readFileSync(
      require('node:path').join(
        __dirname,
        '../../../../producer-app/streamlab_producer/metrics.py',
      ),
      'utf8',
    );
    for (const m of PRODUCER_METRICS) expect(source).toContain(`"MetricName": "${m}"`);
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
