/**
 * Firehose from one student's stream into the shared data lake under that student's
 * prefix, partitioned by hour, with delivery errors logged to CloudWatch.
 *
 * Encryption at rest (CKV_AWS_240): AWS refuses `server_side_encryption` on a delivery
 * stream whose source is a Kinesis data stream: Firehose then keeps no data at rest of its
 * own, it reads from the (KMS-encrypted) source stream. The policy check therefore accepts
 * a Kinesis-sourced delivery stream when, and only when, its source stream is encrypted,
 * and reports that as a built-in exemption at every synth.
 */
import { Construct } from 'constructs';
import { LAKE_DATA_ROOT } from '../../config/hosts';
import { CloudwatchLogStream } from '@cdktn/provider-aws/lib/cloudwatch-log-stream';
import { KinesisFirehoseDeliveryStream } from '@cdktn/provider-aws/lib/kinesis-firehose-delivery-stream';
import type { DataLake } from './data-lake';
import type { DataStream } from './data-stream';
import { LogGroup } from './log-group';
import { ServiceRole } from './service-role';

export type Compression = 'GZIP' | 'UNCOMPRESSED' | 'Snappy' | 'ZIP' | 'HADOOP_SNAPPY';

export interface DeliveryProps {
  /** Delivery stream name; also names its role and log group. */
  readonly name: string;
  /** AWS region of the lab (its IAM role's name holds it). */
  readonly region: string;
  /** The student's key under both lake roots (no slashes), e.g. the student name. */
  readonly prefix: string;
  /** The stream delivered; Firehose reads it through its grantRead. */
  readonly source: DataStream;
  /** Where to; Firehose writes under its prefixes through grantDeliveryUnder. */
  readonly lake: DataLake;
  /** Seconds Firehose buffers before writing (0..900). @default 60 */
  readonly bufferSeconds?: number;
  /** MiB Firehose buffers before writing (1..128). @default 5 */
  readonly bufferMiB?: number;
  /** @default "GZIP" */
  readonly compression?: Compression;
  /** Retention of the delivery-error log. @default 14 */
  readonly logRetentionDays?: number;
  /**
   * AWS account id: Firehose may then assume its role only for this account (the
   * `sts:ExternalId` condition AWS documents for Firehose roles). @default no condition
   */
  readonly accountId?: string;
}

/**
 * The lake's two roots: delivered data under `students/<student>/`, Firehose's failed
 * records under `errors/<student>/`. Fixed words above the student names, so no student
 * name (not even "errors") reaches into another student's keys or into the error output.
 */
export const DATA_ROOT = LAKE_DATA_ROOT;
/** Key prefix under which Firehose writes every student's failed records. */
export const ERROR_OUTPUT_ROOT = 'errors/';

const HOURLY =
  'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';

export class Delivery extends Construct {
  readonly name: string;
  /** Object key prefix of delivered data, up to the hourly partitions. */
  readonly dataPrefix: string;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.prefix)) {
      throw new Error(`${this.node.path}: prefix "${props.prefix}" must be a single DNS-safe word`);
    }
    this.name = props.name;
    this.dataPrefix = `${DATA_ROOT}${props.prefix}/`;
    const errorPrefix = `${ERROR_OUTPUT_ROOT}${props.prefix}/`;

    const logs = new LogGroup(this, 'Logs', {
      name: `/aws/kinesisfirehose/${props.name}`,
      retentionDays: props.logRetentionDays ?? 14,
    });
    const logStream = new CloudwatchLogStream(this, 'S3DeliveryLog', {
      name: 'S3Delivery',
      logGroupName: logs.name,
    });

    const role = new ServiceRole(this, 'Role', {
      service: 'firehose.amazonaws.com',
      name: `${props.name}-firehose`,
      region: props.region,
      description: `Firehose ${props.name}: read ${props.source.name}, write s3://<lake>/${this.dataPrefix}`,
      ...(props.accountId
        ? { trustConditions: { StringEquals: { 'sts:ExternalId': props.accountId } } }
        : {}),
    });
    props.source.grantRead(role);
    props.lake.grantDeliveryUnder(role, 'WriteLake', [this.dataPrefix, errorPrefix]);
    role.addPolicy('WriteDeliveryLog', [
      {
        sid: 'LogDeliveryErrors',
        actions: ['logs:PutLogEvents'],
        resources: [`${logs.arn}:log-stream:${logStream.name}`],
      },
    ]);

    new KinesisFirehoseDeliveryStream(this, 'Stream', {
      name: props.name,
      destination: 'extended_s3',
      kinesisSourceConfiguration: { kinesisStreamArn: props.source.arn, roleArn: role.arn },
      extendedS3Configuration: {
        roleArn: role.arn,
        bucketArn: props.lake.bucketArn,
        prefix: `${this.dataPrefix}${HOURLY}`,
        errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/${HOURLY}`,
        bufferingInterval: props.bufferSeconds ?? 60,
        bufferingSize: props.bufferMiB ?? 5,
        compressionFormat: props.compression ?? 'GZIP',
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: logs.name,
          logStreamName: logStream.name,
        },
      },
      // Firehose checks the role when the stream is created: without its policies in
      // place, creation fails on a fresh account (IAM is eventually consistent).
      dependsOn: role.grants,
    });
  }
}
