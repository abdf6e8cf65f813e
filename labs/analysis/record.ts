/**
 * One Kinesis record → a post, or null where the notebook's filter drops it: the port of
 * the oracle's `parse_record` (consumer/records.py), which mirrors the notebook's
 * from_json + try_to_timestamp + filter. A test holds this to the oracle record by record.
 */
import { NotJson, firstJsonValue } from './first-json-value';
import { sparkString, sparkStringArray } from './spark-string';
import { sparkTimestampMicros } from './spark-timestamp';

/** A parsed record; times in microseconds since the epoch, UTC. */
export interface Post {
  readonly id: string;
  readonly createdAt: bigint;
  readonly text: string | null;
  readonly author: string | null;
  readonly lang: string | null;
  /** Trimmed of spaces, stripped of leading '#', lower-cased, distinct, first seen first. */
  readonly hashtags: readonly string[];
  readonly place: string | null;
  readonly source: string | null;
  readonly ingestedAt: bigint | null;
}

/**
 * Python's bytes.decode("utf-8", errors="replace"), as CAST(data AS STRING) reads: each bad
 * sequence becomes U+FFFD; a byte-order mark stays a character (and then is not JSON).
 */
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** What the notebook's SQL does to a tag, done once here (DuckDB's lower() is not Java's). */
function normalizedHashtags(tags: (string | null)[] | null): string[] {
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    if (tag === null) continue;
    // Python's str.lower and JavaScript's toLowerCase both apply Unicode's full mapping
    // (final sigma included); Python's strip(" ") trims spaces only.
    const norm = tag
      .replace(/^ +| +$/g, '')
      .replace(/^#+/, '')
      .toLowerCase();
    if (norm) seen.add(norm);
  }
  return [...seen];
}

export function parseRecord(data: Uint8Array): Post | null {
  let value;
  try {
    value = firstJsonValue(UTF8.decode(data));
  } catch (e) {
    if (e instanceof NotJson) return null;
    throw e;
  }
  if (!(value instanceof Map)) return null;
  const id = sparkString(value.get('id'));
  const createdAt = sparkTimestampMicros(sparkString(value.get('created_at')));
  if (!id || createdAt === null) return null;
  return {
    id,
    createdAt,
    text: sparkString(value.get('text')),
    author: sparkString(value.get('author')),
    lang: sparkString(value.get('lang')),
    hashtags: normalizedHashtags(sparkStringArray(value.get('hashtags'))),
    place: sparkString(value.get('place')),
    source: sparkString(value.get('source')),
    ingestedAt: sparkTimestampMicros(sparkString(value.get('ingested_at'))),
  };
}
