/**
 * Account, partition and region of the stack, for ARNs that cannot come from a resource
 * attribute (a policy that must exist before the resource it names) and for the
 * `source_account` conditions that stop confused-deputy calls.
 */
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition';

export interface AwsContext {
  readonly account: string;
  readonly partition: string;
  readonly region: string;
}

export interface AwsContextLookupProps {
  /** AWS region of the lab. */
  readonly region: string;
  /**
   * The stack's own account id lookup, when it has one (one data source, not two).
   * @default a lookup of its own
   */
  readonly account?: string;
}

export class AwsContextLookup extends Construct implements AwsContext {
  readonly account: string;
  readonly partition: string;
  readonly region: string;

  constructor(scope: Construct, id: string, props: AwsContextLookupProps) {
    super(scope, id);
    this.account = props.account ?? new DataAwsCallerIdentity(this, 'Caller').accountId;
    this.partition = new DataAwsPartition(this, 'Partition').partition;
    this.region = props.region;
  }
}
