/**
 * The objects an S3 notification is about. S3 URL-encodes keys in events, with "+" for
 * a space, so "raw data/2026/x+y.gz" arrives as "raw+data/2026/x%2By.gz".
 */
import type { S3Event } from 'aws-lambda';

export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly size: number | undefined;
}

export function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** Objects created by the event; other event types (deletes, restores) are not for us. */
export function createdObjects(event: Partial<S3Event>): ObjectRef[] {
  const records = Array.isArray(event.Records) ? event.Records : [];
  return records
    .filter((r) => typeof r?.eventName === 'string' && r.eventName.startsWith('ObjectCreated:'))
    .map((r) => ({
      bucket: r.s3.bucket.name,
      key: decodeKey(r.s3.object.key),
      size: typeof r.s3.object.size === 'number' ? r.s3.object.size : undefined,
    }));
}
