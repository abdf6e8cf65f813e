/**
 * Indexes the objects named by an S3 event. Each object is streamed: read, gunzipped,
 * split into records and sent in bounded bulk requests one at a time, so memory stays
 * near one batch whatever the object's size.
 *
 * Failure policy: malformed records and documents the domain rejects for good (mapping
 * errors) are logged and counted, and the invocation succeeds. Documents still failing
 * with 429/5xx after every retry stop the invocation with an error, so Lambda retries it
 * (and then sends it to the on-failure destination); re-running is harmless because each
 * document is written under `<student>:<post id>`, the student taken from the object's key.
 */
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import {
  Batcher,
  bulkEntry,
  DEFAULT_BATCH_LIMITS,
  type BatchLimits,
  type BulkEntry,
} from './batches';
import { RetriesExhaustedError, type BulkResult } from './bulk-client';
import { toDocument } from './documents';
import { jsonLogger, type Logger } from './log';
import { decodedBody } from './object-body';
import { splitRecords } from './records';
import { createdObjects, type ObjectRef } from './s3-event';
import { studentOfKey } from './student-key';

export interface Summary {
  indexed: number;
  /** Documents the domain rejected for good (4xx item errors). */
  failed: number;
  /** Records that are not JSON objects with a usable `id`. */
  malformed: number;
}

export interface BulkSender {
  send(entries: readonly BulkEntry[]): Promise<BulkResult>;
}

export interface IndexerDeps {
  readonly s3: S3Client;
  readonly bulk: BulkSender;
  readonly index: string;
  readonly limits?: BatchLimits;
  readonly maxRecordBytes?: number;
  readonly log?: Logger;
}

/** Thrown when documents are still failing after retries; carries what was done so far. */
export class IndexingFailedError extends Error {
  constructor(
    readonly object: ObjectRef,
    readonly summary: Summary,
    cause: Error,
  ) {
    super(
      `s3://${object.bucket}/${object.key}: ${cause.message}; so far indexed ${summary.indexed}, failed ${summary.failed}, malformed ${summary.malformed}`,
      { cause },
    );
    this.name = 'IndexingFailedError';
  }
}

// Enough detail to find the bad records, without flooding the logs for a broken object.
const DETAIL_LOG_LIMIT = 10;

export async function indexObject(deps: IndexerDeps, object: ObjectRef): Promise<Summary> {
  const log = deps.log ?? jsonLogger;
  const summary: Summary = { indexed: 0, failed: 0, malformed: 0 };
  const where = { bucket: object.bucket, key: object.key };
  const started = Date.now();
  // Whose documents these are comes from the key alone; anything else is not a student's.
  const student = studentOfKey(object.key);
  if (student === undefined) {
    log.warn('object is not under students/<student>/; skipped', where);
    return summary;
  }

  let body: AsyncIterable<Uint8Array>;
  try {
    const response = await deps.s3.send(
      new GetObjectCommand({ Bucket: object.bucket, Key: object.key }),
    );
    body = response.Body as AsyncIterable<Uint8Array>;
  } catch (err) {
    // Gone before we got to it (expired, deleted): retrying will not bring it back.
    if (err instanceof NoSuchKey) {
      log.warn('object no longer exists; skipped', where);
      return summary;
    }
    throw err;
  }

  const malformed = (line: number, reason: string, excerpt?: string) => {
    summary.malformed++;
    if (summary.malformed <= DETAIL_LOG_LIMIT) {
      log.warn('malformed record skipped', { ...where, line, reason, excerpt });
    }
  };
  const flush = async (entries: BulkEntry[]) => {
    if (entries.length === 0) return;
    let result: BulkResult;
    try {
      result = await deps.bulk.send(entries);
    } catch (err) {
      if (err instanceof RetriesExhaustedError) {
        summary.indexed += err.indexed;
        summary.failed += err.rejected.length;
        throw new IndexingFailedError(object, summary, err);
      }
      throw err;
    }
    summary.indexed += result.indexed;
    for (const item of result.rejected) {
      summary.failed++;
      if (summary.failed <= DETAIL_LOG_LIMIT) {
        log.warn('document rejected', { ...where, ...item });
      }
    }
  };

  const batcher = new Batcher(deps.limits ?? DEFAULT_BATCH_LIMITS);
  const fragments = splitRecords(decodedBody(body), { maxRecordBytes: deps.maxRecordBytes });
  for await (const fragment of fragments) {
    if (fragment.kind === 'malformed') {
      malformed(fragment.line, fragment.reason, fragment.excerpt);
      continue;
    }
    const result = toDocument(fragment.text, student);
    if (!result.ok) {
      malformed(fragment.line, result.reason, fragment.text.slice(0, 80));
      continue;
    }
    const closed = batcher.add(bulkEntry(deps.index, result.document));
    if (closed) await flush(closed);
  }
  await flush(batcher.take());

  log.info('object indexed', { ...where, ...summary, ms: Date.now() - started });
  return summary;
}

export function createHandler(deps: IndexerDeps): (event: S3Event) => Promise<Summary> {
  return async (event) => {
    const total: Summary = { indexed: 0, failed: 0, malformed: 0 };
    for (const object of createdObjects(event)) {
      const one = await indexObject(deps, object);
      total.indexed += one.indexed;
      total.failed += one.failed;
      total.malformed += one.malformed;
    }
    return total;
  };
}
