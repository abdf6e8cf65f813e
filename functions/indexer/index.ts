/**
 * Lambda entry point (`index.handler` in the bundle). Clients are built on the first
 * invocation and kept while the settings stay the same, so a warm Lambda reuses its
 * connections to S3 and the domain.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { S3Event } from 'aws-lambda';
import { BulkClient } from './bulk-client';
import { createHandler, type Summary } from './handler';
import { jsonLogger } from './log';
import { POSTS_MAPPING } from './mapping';
import { readSettings } from './settings';
import { createSigner } from './signer';

let warm: { key: string; handle: (event: S3Event) => Promise<Summary> } | undefined;

export async function handler(event: S3Event): Promise<Summary> {
  const settings = readSettings();
  const key = JSON.stringify([settings.endpoint.href, settings.index, settings.region]);
  if (warm?.key !== key) {
    const bulk = new BulkClient({
      endpoint: settings.endpoint,
      // The default chain reads the Lambda role's credentials from the environment.
      signer: createSigner(settings.region, defaultProvider()),
      onRetry: (info) => jsonLogger.warn('bulk retry', info),
    });
    const s3 = new S3Client({ region: settings.region });
    const handle = createHandler({ s3, bulk, index: settings.index });
    // The strict mapping before the first document (mapping.ts); again on the next cold start.
    const ready = bulk.ensureIndex(settings.index, POSTS_MAPPING);
    warm = {
      key,
      handle: async (e) => {
        // A failure is not kept: the next invocation tries again.
        await ready.catch((err: unknown) => {
          warm = undefined;
          throw err;
        });
        return handle(e);
      },
    };
  }
  try {
    return await warm.handle(event);
  } catch (err) {
    jsonLogger.error('invocation failed', { error: (err as Error).message });
    throw err;
  }
}
