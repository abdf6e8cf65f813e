/**
 * Turns one JSON record into a document for the bulk API, owned by the student whose S3
 * prefix the object came from. The document `_id` is `<student>:<post id>`: indexing the
 * same object twice (a Lambda retry, a replayed event) overwrites documents instead of
 * duplicating them, and a record on Ana's stream carrying one of Bruno's post ids lands
 * in Ana's document, never in his. The `student` field is set from the key too, over
 * whatever the record says.
 */

export interface Document {
  readonly id: string;
  /** The record's JSON object with `student` set, as the document source. */
  readonly source: string;
}

export type DocumentResult =
  | { readonly ok: true; readonly document: Document }
  | { readonly ok: false; readonly reason: string };

/** OpenSearch rejects `_id` values longer than 512 bytes. */
export const MAX_ID_BYTES = 512;

/** `student`: from the object's key (student-key.ts), never from the record. */
export function toDocument(text: string, student: string): DocumentResult {
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
  let postId: string;
  if (typeof raw === 'string') postId = raw;
  else if (typeof raw === 'number' && Number.isSafeInteger(raw)) postId = String(raw);
  else return { ok: false, reason: 'field "id" is missing or not a string' };
  if (postId.trim() === '') return { ok: false, reason: 'field "id" is empty' };
  const id = `${student}:${postId}`;
  if (Buffer.byteLength(id) > MAX_ID_BYTES) {
    return { ok: false, reason: `"<student>:<id>" is longer than ${MAX_ID_BYTES} bytes` };
  }
  // Re-serialized, not spliced: JSON.parse kept one value per key, so the source holds no
  // duplicate key (a second "student" would be the record's word against the key's).
  const source = JSON.stringify({ ...(value as Record<string, unknown>), student });
  return { ok: true, document: { id, source } };
}
