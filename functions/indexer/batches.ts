/**
 * Groups documents into bulk requests bounded in both count and bytes, so one request
 * never outgrows the Lambda's memory or the domain's `http.max_content_length`
 * (10 MiB on the smallest instance types).
 */
import type { Document } from './documents';

export interface BatchLimits {
  /** @default 1000 */
  readonly maxDocs: number;
  /** Bytes of the NDJSON body (action and source lines with their newlines). @default 5 MiB */
  readonly maxBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxDocs: 1000, maxBytes: 5 * 1024 * 1024 };

export interface BulkEntry {
  readonly id: string;
  /** `action\nsource\n`, ready to concatenate into a request body. */
  readonly lines: string;
  readonly bytes: number;
}

export function bulkEntry(index: string, doc: Document): BulkEntry {
  const lines = `${JSON.stringify({ index: { _index: index, _id: doc.id } })}\n${doc.source}\n`;
  return { id: doc.id, lines, bytes: Buffer.byteLength(lines) };
}

export class Batcher {
  private entries: BulkEntry[] = [];
  private bytes = 0;

  constructor(private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS) {
    if (limits.maxDocs < 1 || limits.maxBytes < 1) {
      throw new RangeError(`batch limits must be positive, got ${JSON.stringify(limits)}`);
    }
  }

  /**
   * Adds an entry; returns the batch that had to be closed to make room, if any. An entry
   * larger than `maxBytes` on its own still travels, alone.
   */
  add(entry: BulkEntry): BulkEntry[] | undefined {
    let closed: BulkEntry[] | undefined;
    if (this.entries.length > 0 && this.bytes + entry.bytes > this.limits.maxBytes) {
      closed = this.take();
    }
    this.entries.push(entry);
    this.bytes += entry.bytes;
    if (!closed && this.entries.length >= this.limits.maxDocs) closed = this.take();
    return closed;
  }

  /** The remaining entries (possibly none). */
  take(): BulkEntry[] {
    const out = this.entries;
    this.entries = [];
    this.bytes = 0;
    return out;
  }
}
