/**
 * One stream read continuously for the dashboard, from the oldest record it retains: each
 * record goes to the micro-batch (the analysis) and is counted into the second it arrived
 * in (Kinesis' ApproximateArrivalTimestamp), which gives the "records in" and "bytes put"
 * charts and a student's records/s from records actually read, nothing estimated.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { readStream, type StreamRecord } from '../stream/reader';

export interface SecondCount {
  /** Epoch milliseconds at the end of the second. */
  readonly t: number;
  readonly records: number;
  readonly bytes: number;
}

/** How many seconds of counts a stream keeps (the charts' width). */
export const KEPT_SECONDS = 120;
/** Over how many whole seconds records/s is counted. */
export const RATE_SECONDS = 10;
/** Records per GetRecords call: a class's backlog arrives in pieces. */
const RECORDS_PER_CALL = 200;
/** A second is complete once the reader has polled past it at least twice. */
const SETTLE_MS = 1_000;

export class StreamWatch {
  /** Records and bytes per arrival second (epoch second → counts). */
  private readonly seconds = new Map<number, { records: number; bytes: number }>();
  private newestArrival: number | undefined;
  private readonly startedAt = Date.now();
  error: string | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly stream: string,
    client: KinesisClient,
    onRecord: (stream: string, r: StreamRecord) => void,
    signal: AbortSignal,
    pollMs: number,
    /** Resolves when the consumer can take more (a reader never runs far ahead of it). */
    ready: () => Promise<void>,
  ) {
    this.done = readStream(client, stream, {
      from: 'trim-horizon',
      pollMs,
      signal,
      // Small reads, held back while the analysis is behind: catching up with a full
      // stream then costs a few batches' memory, not the whole backlog's.
      recordsPerCall: RECORDS_PER_CALL,
      beforePoll: ready,
      onRecord: (r) => {
        this.count(r);
        onRecord(stream, r);
      },
    }).then(
      () => undefined,
      (e: Error) => {
        // Shown on the page beside the stream; the rest of the class keeps updating.
        this.error = e.message;
      },
    );
  }

  private count(r: StreamRecord): void {
    const arrived = r.arrivedAt.getTime();
    this.newestArrival = Math.max(this.newestArrival ?? 0, arrived);
    const second = Math.floor(arrived / 1000);
    const c = this.seconds.get(second) ?? { records: 0, bytes: 0 };
    c.records++;
    c.bytes += r.data.length;
    this.seconds.set(second, c);
  }

  /** Epoch ms of the newest record read, or undefined before the first. */
  newest(): number | undefined {
    return this.newestArrival;
  }

  /**
   * Every complete second since the watch started (or the last KEPT_SECONDS), a second
   * without records counted as 0: the reader read through it and found none.
   */
  counts(now = Date.now()): SecondCount[] {
    const last = Math.floor((now - SETTLE_MS) / 1000) - 1;
    const first = Math.max(Math.ceil(this.startedAt / 1000), last - KEPT_SECONDS + 1);
    for (const s of this.seconds.keys()) if (s < last - KEPT_SECONDS) this.seconds.delete(s);
    const out: SecondCount[] = [];
    for (let s = first; s <= last; s++) {
      const c = this.seconds.get(s);
      out.push({ t: (s + 1) * 1000, records: c?.records ?? 0, bytes: c?.bytes ?? 0 });
    }
    return out;
  }

  /** Records per second over the last RATE_SECONDS complete seconds; null before that many passed. */
  recordsPerSecond(now = Date.now()): number | null {
    const counts = this.counts(now);
    if (counts.length < RATE_SECONDS) return null;
    const recent = counts.slice(-RATE_SECONDS);
    return recent.reduce((n, c) => n + c.records, 0) / RATE_SECONDS;
  }
}
