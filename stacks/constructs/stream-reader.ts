/**
 * The role a Spark notebook assumes to read one student's stream (config `consumer`):
 * trusted by one principal (a Databricks cluster's role, a service credential's role, or
 * an account) only with the agreed `sts:ExternalId`, and allowed exactly what
 * `DataStream.grantRead` gives: read this stream, and decrypt with its key when the key is
 * customer-managed (the AWS-managed alias/aws/kinesis needs no IAM grant).
 */
import { Construct } from 'constructs';
import type { DataStream } from './data-stream';
import { ServiceRole } from './service-role';

export interface StreamReaderProps {
  /** Base of the role name; the region is added (IAM names are account-wide). */
  readonly name: string;
  /** AWS region of the lab. */
  readonly region: string;
  /** The stream the role may read, and nothing else. */
  readonly stream: DataStream;
  /** Role or account ARN, or 12-digit account id, that may assume the role. */
  readonly principal: string;
  /** sts:ExternalId the principal must pass (not a secret; it names the agreement). */
  readonly externalId: string;
}

export class StreamReader extends Construct {
  /** ARN of the role: the notebook's `role_arn`. */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: StreamReaderProps) {
    super(scope, id);
    const role = new ServiceRole(this, 'Role', {
      awsPrincipal: props.principal,
      name: props.name,
      region: props.region,
      description: `Spark notebook: read Kinesis stream ${props.stream.name}`,
      trustConditions: { StringEquals: { 'sts:ExternalId': props.externalId } },
    });
    props.stream.grantRead(role);
    this.roleArn = role.arn;
  }
}
