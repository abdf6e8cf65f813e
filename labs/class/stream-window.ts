/**
 * What arrived in a stream during the last minute, read from the stream itself: every shard
 * from AT_TIMESTAMP (now - window) to its tip. The same read serves the AWS lab and the
 * emulator, so "records in the last 60 s" means one thing on both; offline it is also the
 * measurement behind the records-in and bytes charts (kinesalite has no CloudWatch).
 * At the lab's 10 records/s a window is ~600 records, one or two GetRecords calls a shard.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { readToTip } from '../stream/shard-pages';
import type { StreamMetricPoint } from './snapshot';

/** One record as the window keeps it: when the stream accepted it, and its size. */
export interface Arrival {
  /** Epoch milliseconds (the stream's ApproximateArrivalTimestamp). */
  readonly t: number;
  readonly bytes: number;
}

export interface StreamWindow {
  readonly stream: string;
  /** Epoch milliseconds: the window is [from, to]. */
  readonly from: number;
  readonly to: number;
  /** Oldest first. */
  readonly arrivals: readonly Arrival[];
}

/** GetRecords pages read per shard at most: a bound on time, far above a lab's minute. */
const MAX_PAGES = 20;

/**
 * A stream's last minute kept between reads: the first read pages the whole window
 * (AT_TIMESTAMP), each later one only what arrived since (AFTER_SEQUENCE_NUMBER per shard)
 * and drops what fell out of the window. The dashboard measures every 2 s; re-reading 30
 * streams' whole minutes each time made the emulator serve ~9,000 records a second that
 * nobody had asked for, slowing the page's own reader. A read that fails forgets what was
 * kept, so the next starts over from the window's start (a stream deleted and made again,
 * as `reset` does, has new sequence numbers).
 */
export class RollingWindow {
  private arrivals: Arrival[] = [];
  private readonly lastSequence = new Map<string, string>();

  async read(
    client: KinesisClient,
    stream: string,
    windowSeconds: number,
    now = Date.now(),
  ): Promise<StreamWindow> {
    const from = now - windowSeconds * 1000;
    const fresh: Arrival[] = [];
    try {
      await readToTip(
        client,
        stream,
        { from: { at: new Date(from), after: this.lastSequence }, maxPages: MAX_PAGES },
        (page, shardId) => {
          for (const r of page)
            fresh.push({
              t: r.ApproximateArrivalTimestamp?.getTime() ?? now,
              bytes: r.Data?.length ?? 0,
            });
          const last = page.at(-1)?.SequenceNumber;
          if (last) this.lastSequence.set(shardId, last);
        },
      );
    } catch (e) {
      this.arrivals = [];
      this.lastSequence.clear();
      throw e;
    }
    // A record that arrived while this read ran (after `now`) is kept: its shard's
    // sequence has moved past it, so no later read would bring it back.
    this.arrivals = [...this.arrivals, ...fresh].filter((a) => a.t >= from);
    this.arrivals.sort((a, b) => a.t - b.t);
    return { stream, from, to: now, arrivals: this.arrivals };
  }
}

/** Age in seconds of the newest record in the window; null when it holds none. */
export function newestAgeSeconds(w: StreamWindow): number | null {
  const newest = w.arrivals.at(-1);
  return newest ? Math.max(0, (w.to - newest.t) / 1000) : null;
}

/** Records per second over the whole window. */
export function windowRate(w: StreamWindow): number {
  return w.arrivals.length / Math.max(0.001, (w.to - w.from) / 1000);
}

/**
 * The window cut into periods of `periodSeconds` ending at `to`: records and bytes that
 * arrived in each, the way CloudWatch sums IncomingRecords and IncomingBytes per period.
 */
export function windowPoints(w: StreamWindow, periodSeconds: number): StreamMetricPoint[] {
  const period = periodSeconds * 1000;
  const count = Math.max(1, Math.round((w.to - w.from) / period));
  const points = Array.from({ length: count }, (_, i) => ({
    t: w.to - (count - 1 - i) * period,
    recordsIn: 0,
    bytesPut: 0,
  }));
  for (const a of w.arrivals) {
    const i = count - 1 - Math.floor((w.to - a.t) / period);
    const p = points[Math.max(0, Math.min(count - 1, i))]!;
    p.recordsIn++;
    p.bytesPut += a.bytes;
  }
  return points;
}
