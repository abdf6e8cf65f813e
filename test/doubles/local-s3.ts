/**
 * A local S3 (s3rver on 127.0.0.1, its objects in a temp dir) that the indexer Lambda's
 * own S3 client reaches through the environment, as it would reach AWS: `env` points the
 * SDK at it with the one key pair s3rver knows. The indexer's integration test and its
 * benchmark both read objects from it, so it lives here beside the fake OpenSearch rather
 * than under test/. s3rver is a dev dependency: only tests and bench/ load this module.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver = require('s3rver');
import type { Credentials } from './fake-opensearch';

export interface LocalS3 {
  /** The temp dir s3rver keeps its objects in (removed by close). */
  readonly dir: string;
  /** What the Lambda's environment needs to use this S3: endpoint, credentials, region. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** s3rver accepts only its own key pair: give `credentials` with S3RVER as both halves. */
export async function startLocalS3(
  credentials: Credentials,
  region: string,
  dirPrefix: string,
): Promise<LocalS3> {
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await s3rver.run();
  return {
    dir,
    env: {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      AWS_REGION: region,
    },
    close: async () => {
      await s3rver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
