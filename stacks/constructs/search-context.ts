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

export class AwsContextLookup extends Construct implements AwsContext {
  readonly account: string;
  readonly partition: string;
  readonly region: string;

  /** `account`: the stack's own lookup when it has one (one data source, not two). */
  constructor(scope: Construct, id: string, region: string, account?: string) {
    super(scope, id);
    this.account = account ?? new DataAwsCallerIdentity(this, 'Caller').accountId;
    this.partition = new DataAwsPartition(this, 'Partition').partition;
    this.region = region;
  }
}
