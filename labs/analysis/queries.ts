/**
 * The course's queries in DuckDB SQL over the bounded table (table.ts). Each exists once per
 * engine: Spark SQL in consumer/queries.py, these here, and the plain-Python answer in
 * consumer/records.py (`summary`, `top_hashtags`, `posts_per_minute`, `posts_by_place`),
 * which a test holds these to on the same records. Ties are broken by name, compared by
 * code point as Python and Spark compare strings (DuckDB's default collation does too).
 *
 * Where Spark's SQL normalises hashtags (trim, '#', lower), here record.ts has done it
 * before the rows were appended: DuckDB's lower() maps single characters only (no final
 * sigma, 'İ' → 'i'), Python's and JavaScript's apply Unicode's full mapping.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { isoFromMicros } from './micros';
import { POSTS, POST_HASHTAGS } from './table';

export interface Summary {
  readonly posts: number;
  /** Distinct authors; a post without one counts for none. */
  readonly authors: number;
  /** The newest `created_at`, ISO 8601 with microseconds; null without posts. */
  readonly newest: string | null;
}

export interface HashtagCount {
  readonly hashtag: string;
  readonly posts: number;
}

export interface MinuteCount {
  /** The minute of `created_at`, UTC, as "2026-11-27T18:40:00.000000Z". */
  readonly minute: string;
  readonly posts: number;
}

export interface PlaceCount {
  readonly place: string;
  readonly posts: number;
}

export interface QueryScope {
  /** One stream's posts only; all streams when absent. */
  readonly stream?: string;
  /** Top hashtags and places: how many rows (the notebook shows 10). */
  readonly limit: number;
  /** Posts per minute: the newest minutes only, oldest first. */
  readonly minutes: number;
}

const inStream = (scope: QueryScope, joiner: 'WHERE' | 'AND') =>
  scope.stream === undefined ? '' : `${joiner} stream = $stream`;

const params = (scope: QueryScope, extra: Record<string, number> = {}) =>
  scope.stream === undefined ? extra : { ...extra, stream: scope.stream };

async function rows(
  connection: DuckDBConnection,
  sql: string,
  values: Record<string, string | number>,
): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, values)).getRows() as unknown[][];
}

export async function summary(connection: DuckDBConnection, scope: QueryScope): Promise<Summary> {
  const [[posts, authors, newest]] = (await rows(
    connection,
    `SELECT count(*), count(DISTINCT author), epoch_us(max(created_ts))
     FROM ${POSTS} ${inStream(scope, 'WHERE')}`,
    params(scope),
  )) as [[bigint, bigint, bigint | null]];
  return {
    posts: Number(posts),
    authors: Number(authors),
    newest: newest === null ? null : isoFromMicros(newest),
  };
}

/** The rows of a `name, count` query, ranked and limited: `{ [key]: name, posts }`. */
async function ranked<K extends 'hashtag' | 'place'>(
  connection: DuckDBConnection,
  key: K,
  sql: string,
  scope: QueryScope,
): Promise<(Record<K, string> & { posts: number })[]> {
  const result = (await rows(connection, sql, params(scope, { limit: scope.limit }))) as [
    string,
    bigint,
  ][];
  return result.map(
    ([name, posts]) =>
      ({ [key]: name, posts: Number(posts) }) as Record<K, string> & { posts: number },
  );
}

export function topHashtags(
  connection: DuckDBConnection,
  scope: QueryScope,
): Promise<HashtagCount[]> {
  return ranked(
    connection,
    'hashtag',
    `SELECT hashtag, count(*) AS posts
     FROM ${POST_HASHTAGS} ${inStream(scope, 'WHERE')}
     GROUP BY hashtag
     ORDER BY posts DESC, hashtag ASC
     LIMIT $limit`,
    scope,
  );
}

export async function postsPerMinute(
  connection: DuckDBConnection,
  scope: QueryScope,
): Promise<MinuteCount[]> {
  const result = (await rows(
    connection,
    `SELECT epoch_us(minute), posts FROM (
       SELECT date_trunc('minute', created_ts) AS minute, count(*) AS posts
       FROM ${POSTS} ${inStream(scope, 'WHERE')}
       GROUP BY minute
       ORDER BY minute DESC
       LIMIT $minutes)
     ORDER BY minute ASC`,
    params(scope, { minutes: scope.minutes }),
  )) as [bigint, bigint][];
  return result.map(([minute, posts]) => ({ minute: isoFromMicros(minute), posts: Number(posts) }));
}

export function postsByPlace(
  connection: DuckDBConnection,
  scope: QueryScope,
): Promise<PlaceCount[]> {
  return ranked(
    connection,
    'place',
    `SELECT place, count(*) AS posts
     FROM ${POSTS}
     WHERE place IS NOT NULL AND place <> '' ${inStream(scope, 'AND')}
     GROUP BY place
     ORDER BY posts DESC, place ASC
     LIMIT $limit`,
    scope,
  );
}
