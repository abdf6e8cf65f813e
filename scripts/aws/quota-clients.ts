/**
 * The SDK clients the quota preflight asks, made for one region and destroyed after.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { checkQuotas, type QuotaCheck, type QuotaNeeds } from './quotas';

export async function checkQuotasIn(region: string, needs: QuotaNeeds): Promise<QuotaCheck[]> {
  const clients = {
    ec2: new EC2Client({ region }),
    serviceQuotas: new ServiceQuotasClient({ region }),
    // DescribeLimits is plain JSON: HTTP/1.1 works everywhere (the Kinesis client's HTTP/2
    // default does not reach an emulator; scripts/stream/client.ts says the same).
    kinesis: new KinesisClient({ region, requestHandler: new NodeHttpHandler() }),
    logs: new CloudWatchLogsClient({ region }),
    lambda: new LambdaClient({ region }),
  };
  try {
    return await checkQuotas(clients, needs);
  } finally {
    for (const c of Object.values(clients)) c.destroy();
  }
}
