/**
 * The S3 bucket Firehose delivers into. Private by every control S3 has: all four
 * public-access blocks, ACLs disabled (BucketOwnerEnforced), default encryption,
 * TLS-only bucket policy, and a lifecycle rule so lab data does not accrue forever.
 */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';
import { S3BucketNotification } from '@cdktn/provider-aws/lib/s3-bucket-notification';
import { S3BucketLifecycleConfiguration } from '@cdktn/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktn/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktn/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktn/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { ITerraformDependable } from 'cdktn';
import type { ServiceRole } from './service-role';

export interface ObjectCreatedTarget {
  /** ARN of the Lambda function S3 invokes. */
  readonly functionArn: string;
  /** Key prefixes that fire it; they must not overlap (S3 refuses overlapping filters). */
  readonly prefixes: readonly string[];
  /** The function's permission for s3.amazonaws.com: S3 tests the invoke when saving. */
  readonly dependsOn: readonly ITerraformDependable[];
}

export interface DataLakeProps {
  /**
   * Bucket name prefix; Terraform appends a unique suffix, because bucket names are
   * global across all AWS accounts. ≤ 37 characters.
   */
  readonly namePrefix: string;
  /** Days after which objects are deleted. @default 30 */
  readonly expireDays?: number;
  /**
   * ARN of a customer-managed KMS key for default encryption (aws:kms).
   * @default SSE-S3 (AES256): no key to pay for, no KMS grant needed
   */
  readonly kmsKeyArn?: string;
  /** Let `terraform destroy` delete a non-empty bucket (a lab is disposable). @default true */
  readonly forceDestroy?: boolean;
}

export class DataLake extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  private readonly kmsKeyArn: string | undefined;
  private readonly bucketId: string;
  private notification: S3BucketNotification | undefined;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    if (props.namePrefix.length > 37) {
      throw new Error(
        `${this.node.path}: bucket name prefix "${props.namePrefix}" is longer than 37 characters`,
      );
    }
    this.kmsKeyArn = props.kmsKeyArn;
    const bucket = new S3Bucket(this, 'Bucket', {
      bucketPrefix: props.namePrefix,
      forceDestroy: props.forceDestroy ?? true,
    });
    this.bucketName = bucket.bucket;
    this.bucketId = bucket.id;
    this.bucketArn = bucket.arn;

    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'Ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-lab-data',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.expireDays ?? 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    new S3BucketPolicy(this, 'TlsOnly', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyPlainHttp',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
  }

  /**
   * Lets a reader (the search indexer) get objects under the given key prefixes only,
   * never under `except` (an explicit Deny: it wins over any Allow).
   */
  grantReadUnder(
    role: ServiceRole,
    grantId: string,
    prefixes: readonly string[],
    except: readonly string[] = [],
  ): void {
    role.addPolicy(grantId, [
      {
        sid: 'ReadOwnPrefixes',
        actions: ['s3:GetObject'],
        resources: prefixes.map((p) => `${this.bucketArn}/${p}*`),
      },
      ...(except.length > 0
        ? [
            {
              sid: 'NeverReadExcluded',
              effect: 'Deny' as const,
              actions: ['s3:GetObject'],
              resources: except.map((p) => `${this.bucketArn}/${p}*`),
            },
          ]
        : []),
      ...(this.kmsKeyArn
        ? [{ sid: 'DecryptWithBucketKey', actions: ['kms:Decrypt'], resources: [this.kmsKeyArn] }]
        : []),
    ]);
  }

  /**
   * Invokes a Lambda function for every object created under the prefixes. S3 keeps ONE
   * notification configuration per bucket (a second resource would overwrite the first
   * at every apply), so the lake owns it and takes one target.
   */
  notifyOnObjectCreated(target: ObjectCreatedTarget): void {
    if (this.notification) {
      throw new Error(
        `${this.node.path}: the bucket already has its notification (S3 allows one configuration per bucket)`,
      );
    }
    this.notification = new S3BucketNotification(this, 'Notification', {
      bucket: this.bucketId,
      lambdaFunction: target.prefixes.map((prefix) => ({
        lambdaFunctionArn: target.functionArn,
        events: ['s3:ObjectCreated:*'],
        filterPrefix: prefix,
      })),
      dependsOn: [...target.dependsOn],
    });
  }

  /**
   * Lets a writer (Firehose) deliver under the given key prefixes only. `grantId` is
   * PascalCase and stable (it names the inline policy).
   */
  grantDeliveryUnder(role: ServiceRole, grantId: string, prefixes: readonly string[]): void {
    role.addPolicy(grantId, [
      {
        sid: 'LocateBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [this.bucketArn],
      },
      {
        // Listing is a bucket action: the s3:prefix condition keeps it to the writer's keys.
        sid: 'ListOwnPrefixes',
        actions: ['s3:ListBucket'],
        resources: [this.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
      },
      {
        sid: 'WriteOwnPrefixes',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: prefixes.map((p) => `${this.bucketArn}/${p}*`),
      },
      ...(this.kmsKeyArn
        ? [
            {
              sid: 'EncryptWithBucketKey',
              actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
              resources: [this.kmsKeyArn],
            },
          ]
        : []),
    ]);
  }
}
