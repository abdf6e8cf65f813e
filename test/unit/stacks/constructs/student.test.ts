/**
 * Student, alone in a bare stack with the handles it is given (a lake, a network's ids,
 * the account lookup): its host, its delivery into the lake, its reader role.
 */
import { DataLake } from '../../../../stacks/constructs/data-lake';
import { regionalIamName } from '../../../../stacks/constructs/service-role';
import { Student, type StudentProps } from '../../../../stacks/constructs/student';
import { accountLookup, synthBare } from '../../../support/bare-stack';
import {
  inlinePolicies,
  refTo,
  resourcesOf,
  TEST_PUBLIC_KEY,
  type StackJson,
} from '../../../support/lab-stack';

function synthStudent(extra: Partial<StudentProps> = {}): StackJson {
  return synthBare((s) => {
    new Student(s, 'Student-ana', {
      student: 'ana',
      name: 'bigdata-lab-ana',
      region: 'us-east-1',
      network: { vpcId: 'vpc-0example', subnetIds: ['subnet-0a', 'subnet-0b'] },
      lake: new DataLake(s, 'DataLake', { namePrefix: 'bigdata-lab-lake-' }),
      accountId: accountLookup(s),
      host: { operatorCidr: '203.0.113.7/32', publicKey: TEST_PUBLIC_KEY },
      delivery: { bufferSeconds: 120, bufferMiB: 8, compression: 'Snappy' },
      ...extra,
    });
  }).json;
}

const json = synthStudent();
const trust = (j: StackJson, name: string) => {
  const [role] = resourcesOf(j, 'aws_iam_role').filter((r) => r.name === name);
  return JSON.parse(role!.assume_role_policy as string).Statement[0] as Record<string, unknown>;
};

describe('host', () => {
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

  it('lands in the subnet of its index, round-robin', () => {
    expect(instance!.subnet_id).toBe('subnet-0a');
    const third = synthStudent({ subnetIndex: 3 });
    expect(resourcesOf(third, 'aws_instance')[0]!.subnet_id).toBe('subnet-0b');
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

  it('lets the host write only to its own stream, and publish no metrics', () => {
    const p = inlinePolicies(json);
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
        Resource: [expect.stringMatching(refTo('aws_kinesis_stream', 'Student-ana_Stream', 'arn'))],
      },
    ]);
    // No metrics from the host: a namespace condition cannot stop a student writing a
    // classmate's dimension, so the host role has no CloudWatch action at all.
    expect(Object.keys(p).filter((name) => name.startsWith('Student-ana_Host_'))).toEqual([
      'Student-ana_Host_Role_WriteStream',
    ]);
    expect(trust(json, 'bigdata-lab-ana-host-us-east-1').Principal).toEqual({
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
});

describe('delivery', () => {
  it('delivers from the stream to the student prefix, partitioned by hour, with the given buffering', () => {
    const [firehose] = resourcesOf(json, 'aws_kinesis_firehose_delivery_stream');
    expect(firehose).toMatchObject({
      name: 'bigdata-lab-ana-delivery',
      destination: 'extended_s3',
      kinesis_source_configuration: {
        kinesis_stream_arn: expect.stringMatching(
          refTo('aws_kinesis_stream', 'Student-ana_Stream', 'arn'),
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
    const p = inlinePolicies(json);
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

  it('lets Firehose assume its role only with this account as external id', () => {
    expect(
      trust(json, regionalIamName('bigdata-lab-ana-delivery-firehose', 'us-east-1')),
    ).toMatchObject({
      Principal: { Service: 'firehose.amazonaws.com' },
      Condition: { StringEquals: { 'sts:ExternalId': expect.stringContaining('account_id') } },
    });
  });
});

describe('reader', () => {
  const readers = (j: StackJson) =>
    resourcesOf(j, 'aws_iam_role').filter((r) => String(r.name).includes('-reader-'));

  it("is a role named after the student that reads the student's stream", () => {
    const withReader = synthStudent({
      reader: { principal: '123456789012', externalId: 'streamlab-bigdata-lab-7f3a' },
    });
    expect(readers(withReader).map((r) => r.name)).toEqual(['bigdata-lab-ana-reader-us-east-1']);
    expect(inlinePolicies(withReader)['Student-ana_Reader_Role_ReadStream']![0]!.Resource).toEqual([
      expect.stringMatching(refTo('aws_kinesis_stream', 'Student-ana_Stream', 'arn')),
    ]);
  });

  it('is absent unless asked for', () => {
    expect(readers(json)).toEqual([]);
  });
});
