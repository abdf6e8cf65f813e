/**
 * What the page shows, kept up to date: every stream read (./stream-watch.ts), the records
 * run through the course's analysis in micro-batches (../analysis, an embedded DuckDB over
 * a bounded table), the latest posts made inert (./visible-text.ts), and the class snapshot
 * (the monitor `streamlab check` measures with, round after round). Each is published as an
 * event the server pushes.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  createAnalysis,
  type Analysis,
  type AnalysisResults,
  type BatchProgress,
} from '../analysis/analysis';
import { parseRecord } from '../analysis/record';
import type { StreamRecord } from '../stream/reader';
import type { ClassSnapshot } from '../class/snapshot';
import type { DashboardFeed } from './server';
import { StreamWatch } from './stream-watch';
import { visibleText } from './visible-text';

/** A post as the page shows it: every string made inert text. */
export interface PostView {
  readonly stream: string;
  /** Epoch ms of its arrival in the stream. */
  readonly arrivedAt: number;
  readonly author: string | null;
  readonly text: string;
  readonly hashtags: readonly string[];
  readonly place: string | null;
  /** Not a post the notebook would keep (not JSON, no id or time): shown raw. */
  readonly malformed: boolean;
}

export interface LiveFeedOptions {
  /** Each stream to read, with the client that reaches it. */
  readonly streams: readonly { readonly stream: string; readonly client: KinesisClient }[];
  /** The class now (a round of labs/class's ClassMonitor). */
  readonly snapshot: () => Promise<ClassSnapshot>;
  /** The analysis table's row cap. @default 50_000 */
  readonly maxRows?: number;
  /** How often each stream is polled. @default 250 ms (GetRecords allows 5 calls/s a shard) */
  readonly pollMs?: number;
  /** The micro-batch trigger. @default 500 ms */
  readonly batchMs?: number;
  /** How often the class snapshot is taken (a round never starts while one runs). @default 2 s */
  readonly snapshotMs?: number;
}

/** Posts the page lists, and micro-batches its rate charts keep. */
export const SHOWN_POSTS = 30;
/** DuckDB threads for the capped table: its queries take milliseconds on one (bench/RESULTS.md). */
const ANALYSIS_THREADS = 1;
export const SHOWN_BATCHES = 240;
/**
 * The most records one micro-batch takes, and what the readers may hold waiting: the class's
 * default rate is 300 a second (small batches keep the heap small: bench/RESULTS.md); a
 * backlog is worked off in such steps, back to back.
 */
const MAX_BATCH = 1_000;

export class LiveFeed implements DashboardFeed {
  private readonly newest = new Map<string, unknown>();
  private readonly listeners = new Set<(event: string, data: unknown) => void>();
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private pending: { stream: string; record: StreamRecord }[] = [];
  private posts: PostView[] = [];
  private readonly batches: BatchProgress[] = [];
  private batching = false;
  private snapshotting = false;
  private queriedAt = 0;
  readonly watches = new Map<string, StreamWatch>();

  private constructor(private readonly analysis: Analysis) {}

  static async start(opts: LiveFeedOptions): Promise<LiveFeed> {
    const feed = new LiveFeed(
      await createAnalysis({ maxRows: opts.maxRows ?? 50_000, threads: ANALYSIS_THREADS }),
    );
    for (const { stream, client } of opts.streams)
      feed.watches.set(
        stream,
        new StreamWatch(
          stream,
          client,
          (s, record) => feed.pending.push({ stream: s, record }),
          feed.abort.signal,
          opts.pollMs ?? 250,
          () => feed.roomForMore(),
        ),
      );
    feed.every(opts.batchMs ?? 500, () => feed.microBatch());
    feed.every(opts.snapshotMs ?? 2_000, async () => {
      if (feed.snapshotting) return;
      feed.snapshotting = true;
      try {
        feed.publish('snapshot', await opts.snapshot());
      } finally {
        feed.snapshotting = false;
      }
    });
    return feed;
  }

  private every(ms: number, work: () => Promise<void>): void {
    const tick = () =>
      void work().catch((e: Error) => this.publish('problem', { message: e.message }));
    this.timers.push(setInterval(tick, ms));
    setImmediate(tick);
  }

  latest(): ReadonlyMap<string, unknown> {
    return this.newest;
  }

  subscribe(listener: (event: string, data: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(event: string, data: unknown): void {
    this.newest.set(event, data);
    for (const l of this.listeners) l(event, data);
  }

  /** Resolves once fewer than MAX_BATCH records wait (or the feed stops). */
  private async roomForMore(): Promise<void> {
    while (this.pending.length >= MAX_BATCH && !this.abort.signal.aborted)
      await new Promise((r) => setTimeout(r, 50));
  }

  /**
   * One micro-batch: the records read since the last (at most MAX_BATCH), into the table;
   * every query run again. Behind (a stream's backlog at start), batches follow each other
   * at once and the queries run at most once a second, as a Spark trigger that falls
   * behind starts the next batch as soon as the last ends.
   */
  private async microBatch(): Promise<void> {
    if (this.batching || this.pending.length === 0) return;
    this.batching = true;
    try {
      const batch = this.pending.splice(0, MAX_BATCH);
      const progress = await this.analysis.ingest(
        batch.map(({ stream, record }) => ({
          stream,
          data: record.data,
          arrivedAt: record.arrivedAt,
        })),
      );
      this.batches.push(progress);
      if (this.batches.length > SHOWN_BATCHES) this.batches.shift();
      this.posts = [...batch.slice(-SHOWN_POSTS).reverse().map(postView), ...this.posts].slice(
        0,
        SHOWN_POSTS,
      );
      this.publish('posts', this.posts);
      const behind = this.pending.length >= MAX_BATCH;
      if (!behind || Date.now() - this.queriedAt >= 1_000) {
        this.queriedAt = Date.now();
        this.publish('analysis', {
          results: visibleResults(await this.analysis.run()),
          batches: this.batches,
          streamErrors: [...this.watches.values()]
            .filter((w) => w.error)
            .map((w) => ({ stream: w.stream, error: visibleText(w.error!) })),
        });
      }
    } finally {
      this.batching = false;
    }
    if (this.pending.length >= MAX_BATCH && !this.abort.signal.aborted)
      setImmediate(() => void this.microBatch().catch(() => undefined));
  }

  /** Stops reading and frees the engine; the last events stay readable. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.abort.abort();
    await Promise.all([...this.watches.values()].map((w) => w.done));
    while (this.batching) await new Promise((r) => setTimeout(r, 20));
    this.analysis.close();
  }
}

function postView({ stream, record }: { stream: string; record: StreamRecord }): PostView {
  const post = parseRecord(record.data);
  const arrivedAt = record.arrivedAt.getTime();
  if (post === null)
    return {
      stream,
      arrivedAt,
      author: null,
      text: visibleText(record.data.toString('utf8')),
      hashtags: [],
      place: null,
      malformed: true,
    };
  return {
    stream,
    arrivedAt,
    author: post.author === null ? null : visibleText(post.author, 80),
    text: visibleText(post.text ?? ''),
    hashtags: post.hashtags.map((h) => visibleText(h, 80)),
    place: post.place === null ? null : visibleText(post.place, 80),
    malformed: false,
  };
}

/** The queries' answers with the posts' own words (hashtags, places) made inert. */
function visibleResults(r: AnalysisResults): AnalysisResults {
  return {
    ...r,
    topHashtags: r.topHashtags.map((h) => ({ ...h, hashtag: visibleText(h.hashtag, 80) })),
    postsByPlace: r.postsByPlace.map((p) => ({ ...p, place: visibleText(p.place, 80) })),
  };
}
