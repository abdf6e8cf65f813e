/**
 * Checks AWS credentials and the region before terraform runs, so "no credentials",
 * "expired" and "unknown region" are one clear sentence instead of a provider stack trace,
 * and nothing has been changed yet.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { stsClient } from '../aws-sdk/clients';
import { OperationalError } from '../../config/errors';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

export function explainAwsError(e: unknown, region: string): string {
  const err = e as { name?: string; code?: string; message?: string };
  const text = `${err.name ?? ''} ${err.code ?? ''} ${err.message ?? ''}`;
  if (/CredentialsProviderError|Could not load credentials|no credentials/i.test(text)) {
    return 'no AWS credentials found: run `aws configure` or `aws sso login`, or export AWS_PROFILE / AWS_ACCESS_KEY_ID';
  }
  if (/ExpiredToken|expired/i.test(text)) {
    return 'your AWS credentials have expired: refresh them (e.g. `aws sso login`) and run again';
  }
  if (/InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClientException/i.test(text)) {
    return 'AWS rejected the credentials (wrong key or secret): check AWS_PROFILE or your access keys';
  }
  if (/ENOTFOUND|getaddrinfo/i.test(text)) {
    return `cannot reach AWS in region "${region}": check the region in your config (and your network)`;
  }
  return `AWS said: ${err.message ?? String(e)}`;
}

export async function checkCredentials(
  region: string,
  sts = stsClient(region),
): Promise<CallerIdentity> {
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    return { account: id.Account ?? '?', arn: id.Arn ?? '?' };
  } catch (e) {
    throw new OperationalError(explainAwsError(e, region), { cause: e });
  } finally {
    sts.destroy();
  }
}
