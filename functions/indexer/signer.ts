/**
 * SigV4 signing for OpenSearch Service. Domains with IAM access policies accept only
 * signed requests, with service name `es` (also for OpenSearch, not only Elasticsearch).
 * The payload hash header is always added: the domain needs it to verify the body.
 */
import { Hash } from '@smithy/hash-node';
import type { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

export type CredentialSource = AwsCredentialIdentity | Provider<AwsCredentialIdentity>;

export const SIGNING_SERVICE = 'es';

export interface RequestSigner {
  sign(request: HttpRequest): Promise<HttpRequest>;
}

export function createSigner(region: string, credentials: CredentialSource): RequestSigner {
  const signer = new SignatureV4({
    service: SIGNING_SERVICE,
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: true,
  });
  return { sign: async (request) => (await signer.sign(request)) as HttpRequest };
}
