/**
 * The Lambda that indexes what Firehose lands in the lake (functions/indexer), fired by
 * S3 ObjectCreated under the delivery prefixes. Least privilege, every grant naming its
 * resources: get objects under those prefixes (see readScope for large classrooms),
 * write its own log group, POST/PUT on the one domain, send to its own dead-letter
 * queue, use the search key.
 *
 * Failures: S3 invokes asynchronously. Lambda retries a failed event twice (the indexer
 * itself already retried throttled and 5xx bulk items), then puts it on the DLQ (SQS,
 * KMS-encrypted, 14 days) with the error in its attributes, for a re-drive. The
 * event-invoke config sets those retries and the event age; it has no on-failure
 * destination on purpose: with both, every failed event would land twice.
 */
import { Construct } from 'constructs';
import { Fn, type ITerraformDependable } from 'cdktn';
import { LambdaFunction } from '@cdktn/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktn/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktn/provider-aws/lib/sqs-queue';
import { INDEXER_HANDLER, INDEXER_RUNTIME } from '../../functions/indexer/build';
import { DEFAULT_INDEX } from '../../functions/indexer/settings';
import type { DataLake } from './data-lake';
import { DATA_ROOT } from './delivery';
import { LogGroup } from './log-group';
import { indexerAsset } from './search-bundle';
import type { AwsContext } from './search-context';
import type { SearchDomain } from './search-domain';
import { ServiceRole } from './service-role';

/** Seconds per invocation: a 128 MiB Firehose object with bulk retries fits with margin. */
export const INDEXER_TIMEOUT = 300;
/** MiB: batches are ≤ 5 MiB and the object is streamed; memory also buys CPU for gunzip. */
export const INDEXER_MEMORY = 512;
/** Retries of a failed event by Lambda before it goes to the DLQ (0..2). */
export const INDEXER_RETRIES = 2;

export interface SearchIndexerProps {
  /** Function name; also names its role, log group and queue. */
  readonly name: string;
  /** The lake whose objects are indexed (read through grantReadUnder, fired by its notification). */
  readonly lake: DataLake;
  /** Key prefixes in the lake whose new objects are indexed (the students' delivery prefixes). */
  readonly prefixes: readonly string[];
  /** The domain indexed into (written through its grantBulkIndex). */
  readonly domain: SearchDomain;
  /** The search key: encrypts the environment, the dead-letter queue and the log group. */
  readonly kmsKeyArn: string;
  /** Account and region: the invoke permission's source account, the role's name. */
  readonly aws: AwsContext;
  /** @default DEFAULT_INDEX ("posts") */
  readonly index?: string;
  /** @default 14 */
  readonly logRetentionDays?: number;
  /**
   * Reserved (and maximum) concurrent invocations. Unset: none reserved, because Lambda
   * refuses a reservation that leaves the account under 100 unreserved, which fails on
   * accounts whose quota is 10 or 50. Throttled S3 events are retried, then dead-lettered.
   * @default unset
   */
  readonly reservedConcurrency?: number;
}

/**
 * Characters the per-prefix object ARNs may take in the role's policies. IAM allows a
 * role 10,240 characters of inline policy in all; one ARN per student costs up to ~100
 * (bucket names reach 63), so 100 students would not fit.
 */
export const MAX_PREFIX_ARN_CHARS = 4096;
const MAX_OBJECT_ARN_OVERHEAD = 'arn:aws-us-gov:s3:::'.length + 63 + '/*"",'.length;

/**
 * The read grant: one ARN per delivery prefix while they fit, otherwise the data root
 * that holds them all (Firehose's error output lives under a root of its own).
 */
export function readScope(prefixes: readonly string[]): string[] {
  const chars = prefixes.reduce((n, p) => n + MAX_OBJECT_ARN_OVERHEAD + p.length, 0);
  return chars <= MAX_PREFIX_ARN_CHARS ? [...prefixes] : [DATA_ROOT];
}

/** Log group of the indexer function (Lambda's own naming, so the console finds it). */
export const indexerLogGroupName = (name: string) => `/aws/lambda/${name}`;

export class SearchIndexer extends Construct {
  /** Plain names (not references), for dashboards, alarms and outputs. */
  readonly functionName: string;
  readonly deadLetterQueueName: string;
  readonly roleArn: string;
  /** What the S3 notification needs, kept until fireOnNewObjects. */
  private readonly trigger: {
    lake: DataLake;
    functionArn: string;
    prefixes: readonly string[];
    invoke: LambdaPermission;
  };

  constructor(scope: Construct, id: string, props: SearchIndexerProps) {
    super(scope, id);
    if (props.prefixes.length === 0) {
      throw new Error(`${this.node.path}: no delivery prefixes to index`);
    }
    const logs = new LogGroup(this, 'Logs', {
      name: indexerLogGroupName(props.name),
      retentionDays: props.logRetentionDays ?? 14,
      kmsKeyArn: props.kmsKeyArn,
    });
    this.deadLetterQueueName = `${props.name}-dlq`;
    const dlq = new SqsQueue(this, 'DeadLetters', {
      name: this.deadLetterQueueName,
      kmsMasterKeyId: props.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 14 * 24 * 3600,
    });

    const role = new ServiceRole(this, 'Role', {
      service: 'lambda.amazonaws.com',
      name: props.name,
      region: props.aws.region,
      description: `Indexer ${props.name}: read new lake objects, index them into ${props.domain.domainName}`,
    });
    props.lake.grantReadUnder(role, 'ReadDeliveredObjects', readScope(props.prefixes));
    role.addPolicy('WriteOwnLogs', [
      {
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logs.arn}:*`],
      },
    ]);
    props.domain.grantBulkIndex(role);
    role.addPolicy('SendToDeadLetterQueue', [
      { sid: 'SendFailedEvents', actions: ['sqs:SendMessage'], resources: [dlq.arn] },
    ]);
    role.addPolicy('UseSearchKey', [
      {
        // Decrypt: the environment at start-up; GenerateDataKey: messages to the queue.
        sid: 'EnvironmentAndQueueEncryption',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.kmsKeyArn],
      },
    ]);
    this.roleArn = role.arn;

    const code = indexerAsset(this, 'Code');
    const fn = new LambdaFunction(this, 'Function', {
      functionName: props.name,
      description: 'Indexes posts delivered to the data lake into OpenSearch (streamlab)',
      role: role.arn,
      runtime: INDEXER_RUNTIME,
      handler: INDEXER_HANDLER,
      // The bundle is plain JavaScript: Graviton is ~20 % cheaper per GB-second.
      architectures: ['arm64'],
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      memorySize: INDEXER_MEMORY,
      timeout: INDEXER_TIMEOUT,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      environment: {
        variables: {
          OPENSEARCH_ENDPOINT: props.domain.endpoint,
          INDEX_NAME: props.index ?? DEFAULT_INDEX,
        },
      },
      kmsKeyArn: props.kmsKeyArn,
      deadLetterConfig: { targetArn: dlq.arn },
      loggingConfig: { logFormat: 'Text', logGroup: logs.name },
      // Lambda checks at create time that the role may send to the DLQ: create the
      // function after its grants (IAM is eventually consistent). The log group comes
      // first through the logging_config reference.
      dependsOn: [...role.grants],
    });
    this.functionName = props.name;

    new LambdaFunctionEventInvokeConfig(this, 'Retries', {
      functionName: fn.functionName,
      maximumRetryAttempts: INDEXER_RETRIES,
      maximumEventAgeInSeconds: 6 * 3600,
    });
    // Only the lake bucket, and only in this account (a bucket name can move accounts).
    const invoke = new LambdaPermission(this, 'InvokeFromLake', {
      statementId: 'InvokeFromLakeBucket',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: props.lake.bucketArn,
      sourceAccount: props.aws.account,
    });
    this.trigger = { lake: props.lake, functionArn: fn.arn, prefixes: props.prefixes, invoke };
  }

  /**
   * Subscribes the function to new objects under the prefixes, once what it needs to
   * succeed exists (the domain's access policy, which names this function's role: it
   * cannot exist when the function is built).
   */
  fireOnNewObjects(after: readonly ITerraformDependable[]): void {
    const { lake, functionArn, prefixes, invoke } = this.trigger;
    lake.notifyOnObjectCreated({ functionArn, prefixes, dependsOn: [invoke, ...after] });
  }
}
