/**
 * The course's analysis on one machine: an embedded DuckDB (in-process, from npm) over a
 * bounded table of the lab's records, the local twin of the notebook's Spark consumer.
 *
 *   const analysis = await createAnalysis({ maxRows: 200_000 });
 *   const progress = await analysis.ingest(records);   // one micro-batch
 *   const results = await analysis.run();              // every course query
 *   analysis.close();
 *
 * `ingest` parses each record as the notebook does (record.ts; a malformed one is counted
 * and skipped, never fatal), appends the posts and keeps the newest `maxRows` (table.ts),
 * and reports the batch as Spark's StreamingQueryProgress names it, which is what the Spark
 * UI's "Input vs Processing Rate" and "Batch Duration" charts draw.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { microsFromDate } from './micros';
import {
  postsByPlace,
  postsPerMinute,
  summary,
  topHashtags,
  type HashtagCount,
  type MinuteCount,
  type PlaceCount,
  type Summary,
} from './queries';
import { parseRecord } from './record';
import { PostsTable, type Row } from './table';

export type { HashtagCount, MinuteCount, PlaceCount, Summary } from './queries';

/** A Kinesis record as a reader returns it. */
export interface StreamRecord {
  /** The stream it was read from. */
  readonly stream: string;
  readonly data: Uint8Array;
  /** Kinesis' ApproximateArrivalTimestamp. */
  readonly arrivedAt: Date;
}

/** One micro-batch, with the names of Spark's StreamingQueryProgress. */
export interface BatchProgress {
  /** 0, 1, 2… in the order `ingest` was called. */
  readonly batchId: number;
  /** Records in the batch, malformed ones included (Spark counts the source's rows). */
  readonly numInputRows: number;
  /** Of those, records the notebook's filter drops (not JSON, no id, no readable time…). */
  readonly numMalformedRows: number;
  /** numInputRows over the time since the previous batch started (0 for the first batch). */
  readonly inputRowsPerSecond: number;
  /** numInputRows over this batch's duration. */
  readonly processedRowsPerSecond: number;
  /** Parsing, appending and trimming to the row cap, in milliseconds. */
  readonly batchDurationMs: number;
}

export interface AnalysisResults {
  readonly summary: Summary;
  readonly topHashtags: readonly HashtagCount[];
  readonly postsPerMinute: readonly MinuteCount[];
  readonly postsByPlace: readonly PlaceCount[];
}

export interface AnalysisOptions {
  /** The row cap: the newest posts kept (see table.ts for why a cap, not a time window). */
  readonly maxRows: number;
  /**
   * DuckDB's worker threads. Each thread keeps its own allocator caches: the dashboard's
   * 50,000-row table needs one (bench/RESULTS.md). @default DuckDB's: one per core
   */
  readonly threads?: number;
}

export interface RunOptions {
  /** One stream's posts only; every stream's when absent. */
  readonly stream?: string;
  /** Rows of top hashtags and of posts by place. @default 10, as the notebook */
  readonly limit?: number;
  /** Posts per minute: the newest minutes kept. @default 60 */
  readonly minutes?: number;
}

function wholeNumber(field: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${field}: ${value} is not a whole number ≥ ${min}`);
  }
  return value;
}

export class Analysis {
  private nextSeq = 0n;
  private nextBatchId = 0;
  private previousBatchStart: number | undefined;
  /** Calls run one at a time: a DuckDB connection is not shared by concurrent statements. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly table: PostsTable,
    private readonly maxRows: number,
  ) {}

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  ingest(records: readonly StreamRecord[]): Promise<BatchProgress> {
    return this.serially(async () => {
      const started = performance.now();
      const rows: Row[] = [];
      for (const record of records) {
        const post = parseRecord(record.data);
        if (post === null) continue;
        rows.push({
          seq: this.nextSeq++,
          stream: record.stream,
          arrivedAt: microsFromDate(record.arrivedAt),
          post,
        });
      }
      this.table.append(rows);
      const firstKept = this.nextSeq - BigInt(this.maxRows);
      if (firstKept > 0n && rows.length > 0) await this.table.dropBefore(firstKept);
      const durationMs = performance.now() - started;
      const sincePrevious =
        this.previousBatchStart === undefined ? undefined : started - this.previousBatchStart;
      this.previousBatchStart = started;
      const perSecond = (ms: number | undefined) =>
        ms === undefined || ms <= 0 ? 0 : (records.length * 1000) / ms;
      return {
        batchId: this.nextBatchId++,
        numInputRows: records.length,
        numMalformedRows: records.length - rows.length,
        inputRowsPerSecond: perSecond(sincePrevious),
        processedRowsPerSecond: perSecond(durationMs),
        batchDurationMs: durationMs,
      };
    });
  }

  async run(opts: RunOptions = {}): Promise<AnalysisResults> {
    const scope = {
      ...(opts.stream === undefined ? {} : { stream: opts.stream }),
      limit: wholeNumber('limit', opts.limit ?? 10, 1),
      minutes: wholeNumber('minutes', opts.minutes ?? 60, 1),
    };
    return this.serially(async () => ({
      summary: await summary(this.connection, scope),
      topHashtags: await topHashtags(this.connection, scope),
      postsPerMinute: await postsPerMinute(this.connection, scope),
      postsByPlace: await postsByPlace(this.connection, scope),
    }));
  }

  /** What DuckDB says it holds (tables, buffers), in bytes: the table's share of the RSS. */
  engineMemoryBytes(): Promise<number> {
    return this.serially(async () => {
      const reader = await this.connection.runAndReadAll(
        'SELECT sum(memory_usage_bytes) FROM duckdb_memory()',
      );
      return Number(reader.getRows()[0]![0]);
    });
  }

  /** Frees the engine and its memory; the object is not usable afterwards. */
  close(): void {
    this.table.close();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

export async function createAnalysis(opts: AnalysisOptions): Promise<Analysis> {
  const maxRows = wholeNumber('maxRows', opts.maxRows, 1);
  // In memory, nothing on disk; no extension is installed or loaded from the Internet.
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    ...(opts.threads === undefined
      ? {}
      : { threads: String(wholeNumber('threads', opts.threads, 1)) }),
  });
  const connection = await instance.connect();
  return new Analysis(instance, connection, await PostsTable.create(connection), maxRows);
}
