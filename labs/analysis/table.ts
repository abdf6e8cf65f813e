/**
 * The bounded table: the local twin of the notebook's `tweets` memory table, in DuckDB.
 *
 * Bounded by a row cap, not a time window: it keeps the newest `maxRows` posts in the order
 * they were ingested (`seq`) and deletes older ones after each batch, so memory stays
 * bounded however fast posts come and whatever times they claim (a retention window on
 * `created_at` would trust a hostile post's clock; one on arrival would not bound a burst).
 * The notebook's memory sink keeps every post until the view is dropped.
 *
 * Two tables where Spark has one: the posts, and one row per (post, hashtag). DuckDB's
 * appender adds a list value about four times slower than a row of plain values, and the
 * top-hashtags query wants one row per tag anyway (Spark's LATERAL VIEW explode).
 * Only the columns a query or a reader of the posts needs are kept: the raw time strings
 * are not.
 */
import { timestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { Post } from './record';

export const POSTS = 'posts';
export const POST_HASHTAGS = 'post_hashtags';

export const CREATE_TABLES = `
CREATE TABLE ${POSTS} (
  seq BIGINT NOT NULL,            -- ingest order: the row cap drops the lowest first
  stream VARCHAR NOT NULL,        -- the Kinesis stream the record came from
  id VARCHAR NOT NULL,
  text VARCHAR,
  author VARCHAR,
  lang VARCHAR,
  place VARCHAR,
  source VARCHAR,
  created_ts TIMESTAMP NOT NULL,  -- UTC, as the notebook's session time zone
  ingested_ts TIMESTAMP,
  arrived_at TIMESTAMP NOT NULL   -- when Kinesis received the record
);
CREATE TABLE ${POST_HASHTAGS} (
  seq BIGINT NOT NULL,
  stream VARCHAR NOT NULL,
  hashtag VARCHAR NOT NULL        -- normalised and distinct per post (record.ts)
);`;

/** A post as the table holds it: where and when it arrived, and its place in the order. */
export interface Row {
  readonly seq: bigint;
  readonly stream: string;
  readonly arrivedAt: bigint;
  readonly post: Post;
}

const varcharOrNull = (appender: DuckDBAppender, value: string | null) =>
  value === null ? appender.appendNull() : appender.appendVarchar(value);

/**
 * The two tables and an appender for each, kept open: a batch is then parsed, appended and
 * flushed without an await in between, so its objects die young instead of being promoted
 * into V8's old space (which grows and does not give memory back).
 */
export class PostsTable {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly posts: DuckDBAppender,
    private readonly hashtags: DuckDBAppender,
  ) {}

  static async create(connection: DuckDBConnection): Promise<PostsTable> {
    await connection.run(CREATE_TABLES);
    return new PostsTable(
      connection,
      await connection.createAppender(POSTS),
      await connection.createAppender(POST_HASHTAGS),
    );
  }

  /** Appends the rows to both tables and makes them visible. */
  append(rows: readonly Row[]): void {
    const { posts, hashtags } = this;
    for (const { seq, stream, arrivedAt, post } of rows) {
      posts.appendBigInt(seq);
      posts.appendVarchar(stream);
      posts.appendVarchar(post.id);
      for (const value of [post.text, post.author, post.lang, post.place, post.source]) {
        varcharOrNull(posts, value);
      }
      posts.appendTimestamp(timestampValue(post.createdAt));
      if (post.ingestedAt === null) posts.appendNull();
      else posts.appendTimestamp(timestampValue(post.ingestedAt));
      posts.appendTimestamp(timestampValue(arrivedAt));
      posts.endRow();
      for (const hashtag of post.hashtags) {
        hashtags.appendBigInt(seq);
        hashtags.appendVarchar(stream);
        hashtags.appendVarchar(hashtag);
        hashtags.endRow();
      }
    }
    posts.flushSync();
    hashtags.flushSync();
  }

  /** Deletes every post (and its hashtags) ingested before `firstKept`. */
  async dropBefore(firstKept: bigint): Promise<void> {
    for (const table of [POSTS, POST_HASHTAGS]) {
      await this.connection.run(`DELETE FROM ${table} WHERE seq < $first`, { first: firstKept });
    }
  }

  close(): void {
    this.posts.closeSync();
    this.hashtags.closeSync();
  }
}
