/**
 * The SDK clients the quota preflight asks, made for one region (through the one place
 * that configures clients, so endpoint variables and emulators work) and destroyed after.
 */
import { kinesisClient } from '../stream/client';
import { ec2Client, lambdaClient, logsClient, serviceQuotasClient } from '../aws-sdk/clients';
import { checkQuotas, type QuotaCheck, type QuotaNeeds } from './quotas';

export async function checkQuotasIn(region: string, needs: QuotaNeeds): Promise<QuotaCheck[]> {
  const clients = {
    ec2: ec2Client(region),
    serviceQuotas: serviceQuotasClient(region),
    kinesis: kinesisClient({ region }),
    logs: logsClient(region),
    lambda: lambdaClient(region),
  };
  try {
    return await checkQuotas(clients, needs);
  } finally {
    for (const c of Object.values(clients)) c.destroy();
  }
}
