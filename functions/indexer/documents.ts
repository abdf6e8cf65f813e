/**
 * Turns one JSON record into a document for the bulk API. The post id becomes the
 * document `_id`, so indexing the same object twice (a Lambda retry, a replayed
 * event) overwrites documents instead of duplicating them.
 */

export interface Document {
  readonly id: string;
  /** The record's JSON text, sent unchanged as the document source. */
  readonly source: string;
}

export type DocumentResult =
  | { readonly ok: true; readonly document: Document }
  | { readonly ok: false; readonly reason: string };

/** OpenSearch rejects `_id` values longer than 512 bytes. */
export const MAX_ID_BYTES = 512;

export function toDocument(text: string): DocumentResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const raw = (value as Record<string, unknown>).id;
  let id: string;
  if (typeof raw === 'string') id = raw;
  else if (typeof raw === 'number' && Number.isSafeInteger(raw)) id = String(raw);
  else return { ok: false, reason: 'field "id" is missing or not a string' };
  if (id.trim() === '') return { ok: false, reason: 'field "id" is empty' };
  if (Buffer.byteLength(id) > MAX_ID_BYTES) {
    return { ok: false, reason: `field "id" is longer than ${MAX_ID_BYTES} bytes` };
  }
  return { ok: true, document: { id, source: text } };
}
