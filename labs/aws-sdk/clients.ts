/**
 * The one place the CLI configures AWS SDK clients. It honours the SDK's standard endpoint
 * variables, `AWS_ENDPOINT_URL_<SERVICE>` before `AWS_ENDPOINT_URL` (unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), and gives a plain `http://` endpoint (a
 * local emulator such as kinesalite; AWS itself is HTTPS only) an HTTP/1.1 handler: the
 * Kinesis client's default handler speaks HTTP/2 and fails there with a bare "Protocol
 * error".
 */
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** SDK service ids, as the per-service variables spell them (upper case, "_" for " "). */
export type AwsServiceId =
  | 'Budgets'
  | 'Kinesis'
  | 'Firehose'
  | 'EC2'
  | 'STS'
  | 'CloudWatch'
  | 'CloudWatch Logs'
  | 'IAM'
  | 'Lambda'
  | 'Resource Groups Tagging API'
  | 'S3'
  | 'Scheduler'
  | 'Service Quotas';

type Env = Readonly<Record<string, string | undefined>>;

/** The endpoint the SDK's standard variables set for a service, if any. */
export function endpointFromEnv(service: AwsServiceId, env: Env = process.env): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  const suffix = service.toUpperCase().replace(/ /g, '_');
  return env[`AWS_ENDPOINT_URL_${suffix}`] || env.AWS_ENDPOINT_URL || undefined;
}

export interface AwsClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly requestHandler?: NodeHttpHandler;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * Settings for one client: `endpoint` (a flag or the offline lab's record) wins over the
 * environment. A plain-HTTP endpoint without AWS credentials in the environment gets fixed
 * dummy ones: the emulator accepts any signature, and the SDK then does not search the
 * machine for real credentials.
 */
export function awsClientConfig(
  service: AwsServiceId,
  region: string,
  endpoint?: string,
  env: Env = process.env,
): AwsClientConfig {
  const url = endpoint ?? endpointFromEnv(service, env);
  if (!url) return { region };
  const plainHttp = url.toLowerCase().startsWith('http://');
  return {
    region,
    endpoint: url,
    ...(plainHttp
      ? { requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10000 }) }
      : {}),
    ...(plainHttp && !env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
}

export const ec2Client = (region: string) => new EC2Client(awsClientConfig('EC2', region));
export const stsClient = (region: string) => new STSClient(awsClientConfig('STS', region));
export const cloudWatchClient = (region: string) =>
  new CloudWatchClient(awsClientConfig('CloudWatch', region));
export const kinesisClient = (region: string) =>
  new KinesisClient(awsClientConfig('Kinesis', region));
export const firehoseClient = (region: string) =>
  new FirehoseClient(awsClientConfig('Firehose', region));
export const iamClient = (region: string) => new IAMClient(awsClientConfig('IAM', region));
export const taggingClient = (region: string) =>
  new ResourceGroupsTaggingAPIClient(awsClientConfig('Resource Groups Tagging API', region));
export const schedulerClient = (region: string) =>
  new SchedulerClient(awsClientConfig('Scheduler', region));
export const serviceQuotasClient = (region: string) =>
  new ServiceQuotasClient(awsClientConfig('Service Quotas', region));
/** Budgets has one endpoint for the whole partition; the region only signs the calls. */
export const budgetsClient = (region: string) =>
  new BudgetsClient(awsClientConfig('Budgets', region));
export const logsClient = (region: string) =>
  new CloudWatchLogsClient(awsClientConfig('CloudWatch Logs', region));
export const lambdaClient = (region: string) => new LambdaClient(awsClientConfig('Lambda', region));
/** S3 by path (`<endpoint>/<bucket>/<key>`) when an endpoint is set: emulators serve no bucket host names. */
export const s3Client = (region: string) => {
  const config = awsClientConfig('S3', region);
  return new S3Client({ ...config, forcePathStyle: config.endpoint !== undefined });
};
