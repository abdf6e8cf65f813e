/**
 * A CloudWatch log group that always has a retention (CKV_AWS_66): log groups without
 * one keep data, and cost, forever.
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';

export interface LogGroupProps {
  /** Log group name, e.g. "/streamlab/<lab>/flow-logs". */
  readonly name: string;
  /** Days to keep events; one of the values CloudWatch accepts. @default 14 */
  readonly retentionDays?: number;
  /**
   * ARN of a KMS key to encrypt the events with; its key policy must let
   * `logs.<region>.amazonaws.com` use it for this group. @default CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
}

export class LogGroup extends Construct {
  readonly name: string;
  /** ARN without the trailing ":*" (as the provider returns it). */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: LogGroupProps) {
    super(scope, id);
    const group = new CloudwatchLogGroup(this, 'Group', {
      name: props.name,
      retentionInDays: props.retentionDays ?? 14,
      ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
    });
    this.name = group.name;
    this.arn = group.arn;
  }
}
