/**
 * A Kinesis data stream, always encrypted at rest (CKV_AWS_43). Others get access only
 * through `grantWrite` / `grantRead`, which name this stream's ARN (and its key, when it
 * is a customer-managed one) and nothing else.
 */
import { Construct } from 'constructs';
import { KinesisStream } from '@cdktn/provider-aws/lib/kinesis-stream';
import type { PolicyStatement } from '../iam-document';
import type { ServiceRole } from './service-role';

export interface DataStreamProps {
  /** Stream name, unique in the account and region. */
  readonly name: string;
  /** "provisioned" uses `shards`; "on-demand" lets AWS scale. @default "provisioned" */
  readonly mode?: 'provisioned' | 'on-demand';
  /** Shards of a provisioned stream. @default 1 */
  readonly shards?: number;
  /** Hours records stay readable (24..8760). @default 24 */
  readonly retentionHours?: number;
  /**
   * ARN of a customer-managed KMS key. Grants then add the KMS permissions the key needs.
   * @default the AWS-managed key alias/aws/kinesis (no key policy to manage, no IAM grant needed)
   */
  readonly kmsKeyArn?: string;
  /** Extra tags (the provider adds the lab-wide ones). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A statement of a grant, before it names the resource it is on. */
type Allow = Omit<PolicyStatement, 'resources'>;

export class DataStream extends Construct {
  readonly name: string;
  readonly arn: string;
  private readonly kmsKeyArn: string | undefined;

  constructor(scope: Construct, id: string, props: DataStreamProps) {
    super(scope, id);
    const mode = props.mode ?? 'provisioned';
    if (mode === 'on-demand' && props.shards !== undefined) {
      throw new Error(`${this.node.path}: shards cannot be set on an on-demand stream`);
    }
    this.kmsKeyArn = props.kmsKeyArn;
    const stream = new KinesisStream(this, 'Stream', {
      name: props.name,
      retentionPeriod: props.retentionHours ?? 24,
      ...(mode === 'provisioned'
        ? { shardCount: props.shards ?? 1, streamModeDetails: { streamMode: 'PROVISIONED' } }
        : { streamModeDetails: { streamMode: 'ON_DEMAND' } }),
      encryptionType: 'KMS',
      kmsKeyId: props.kmsKeyArn ?? 'alias/aws/kinesis',
      tags: props.tags ?? {},
    });
    this.name = props.name;
    this.arn = stream.arn;
  }

  /** Lets a producer put records on this stream and no other. */
  grantWrite(role: ServiceRole): void {
    this.grant(
      role,
      `Write${this.node.id}`,
      {
        sid: 'PutRecordsOnOwnStream',
        actions: [
          'kinesis:PutRecord',
          'kinesis:PutRecords',
          'kinesis:DescribeStreamSummary',
          'kinesis:ListShards',
        ],
      },
      { sid: 'EncryptWithStreamKey', actions: ['kms:GenerateDataKey'] },
    );
  }

  /** Lets a consumer (Firehose) read this stream and no other. */
  grantRead(role: ServiceRole): void {
    this.grant(
      role,
      `Read${this.node.id}`,
      {
        sid: 'ReadOwnStream',
        actions: [
          'kinesis:DescribeStream',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
          'kinesis:ListShards',
        ],
      },
      { sid: 'DecryptWithStreamKey', actions: ['kms:Decrypt'] },
    );
  }

  /** The stream's statement, and the key's when the key is a customer-managed one. */
  private grant(role: ServiceRole, grantId: string, onStream: Allow, onKey: Allow): void {
    role.addPolicy(grantId, [
      { ...onStream, resources: [this.arn] },
      ...(this.kmsKeyArn ? [{ ...onKey, resources: [this.kmsKeyArn] }] : []),
    ]);
  }
}
