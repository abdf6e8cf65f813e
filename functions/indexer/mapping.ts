/**
 * The posts index's mapping, explicit and strict: the producer's record fields
 * (producer-app/streamlab_producer/record.py FIELDS) and the indexer's `student`. With
 * dynamic mapping the first student to index a field chose its type for the whole class
 * (a number in `place` and everyone's text places failed); strict refuses a document with
 * any other field, and it fails alone, counted as `failed`.
 */
export const POSTS_MAPPING = {
  dynamic: 'strict',
  properties: {
    student: { type: 'keyword' },
    id: { type: 'keyword' },
    created_at: { type: 'date' },
    text: { type: 'text' },
    author: { type: 'keyword' },
    lang: { type: 'keyword' },
    hashtags: { type: 'keyword' },
    place: { type: 'keyword' },
    source: { type: 'keyword' },
    ingested_at: { type: 'date' },
  },
} as const;
