/**
 * The search module's customer-managed KMS key: it encrypts the domain's data at rest,
 * the Lambda's environment (CKV_AWS_173 asks for a customer key), the dead-letter queue
 * and the module's log groups. One key, one policy to read; rotation on.
 */
import { Construct } from 'constructs';
import { KmsAlias } from '@cdktn/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktn/provider-aws/lib/kms-key';
import type { AwsContext } from './search-context';

export interface SearchKeyProps {
  /** Names the alias `alias/<name>-search`. */
  readonly name: string;
  readonly aws: AwsContext;
  /** Log group name patterns (e.g. "/aws/lambda/x", "/aws/opensearch/x/*") the key may encrypt. */
  readonly logGroupPatterns: readonly string[];
}

export class SearchKey extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: SearchKeyProps) {
    super(scope, id);
    const { account, partition, region } = props.aws;
    const key = new KmsKey(this, 'Key', {
      description: `streamlab ${props.name}: OpenSearch data, indexer environment, DLQ and logs`,
      enableKeyRotation: true,
      // A lab is disposable: the shortest wait before the key (and what it encrypts) is gone.
      deletionWindowInDays: 7,
      policy: JSON.stringify({
        Version: '2012-10-17',
        // In a key policy, Resource "*" means "this key": it is the only value KMS accepts.
        Statement: [
          {
            // Without it nothing in the account (not even the Terraform caller) could use
            // or manage the key: IAM policies only apply to a key whose policy delegates.
            Sid: 'DelegateToAccountIam',
            Effect: 'Allow',
            Principal: { AWS: `arn:${partition}:iam::${account}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            // CloudWatch Logs encrypts with the key as the service itself, for the module's
            // log groups only (the encryption context names the group).
            Sid: 'EncryptModuleLogGroups',
            Effect: 'Allow',
            Principal: { Service: `logs.${region}.amazonaws.com` },
            Action: [
              'kms:Encrypt*',
              'kms:Decrypt*',
              'kms:ReEncrypt*',
              'kms:GenerateDataKey*',
              'kms:Describe*',
            ],
            Resource: '*',
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': props.logGroupPatterns.map(
                  (g) => `arn:${partition}:logs:${region}:${account}:log-group:${g}`,
                ),
              },
            },
          },
        ],
      }),
    });
    new KmsAlias(this, 'Alias', { name: `alias/${props.name}-search`, targetKeyId: key.keyId });
    this.arn = key.arn;
  }
}
