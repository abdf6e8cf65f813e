/**
 * The offline put latency and put success charts, from the producer's own stats lines
 * (`stats … put_calls=N put_errors=N … put_avg_ms=X …`, producer-app's metrics.py), read
 * from the journal on the student's host. That host is the student's: with root there they
 * can write any line they like into that journal. So the text is parsed as hostile — only
 * numbers leave this file, each checked for form and range, at most a few dozen points, and
 * a line that does not parse is dropped — and a forged line can only change the chart of
 * the stream of the host it came from, which the source text says.
 */
import type { StreamMetricPoint } from './snapshot';

export const PRODUCER_STATS_SOURCES = {
  putLatencyMs:
    "the producer's own stats lines (mean PutRecords call per --stats-interval), read over SSH from its journal on the student's host; the student has root there and could write such lines: they only ever change this stream's chart",
  putSuccess:
    "the producer's own stats lines (share of PutRecords calls that did not fail, per --stats-interval), read over SSH from its journal on the student's host; the student has root there and could write such lines: they only ever change this stream's chart",
} as const;

/** One stats line's numbers. */
export interface StatsSample {
  /** Epoch ms of the journal entry. */
  readonly t: number;
  /** PutRecords calls since the producer started, and those that failed outright. */
  readonly putCalls: number;
  readonly putErrors: number;
  /** The interval's mean call in ms; null when it made no call. */
  readonly putAvgMs: number | null;
}

/** Lines looked at, at most (the journal read asks for 60). */
const MAX_LINES = 60;
/** Counters a producer can reach: a call a millisecond for thirty years is below this. */
const MAX_COUNT = 1e12;
/** A put slower than ten minutes is not a measurement. */
const MAX_LATENCY_MS = 600_000;
/** `1733540000.123456 host unit[pid]: … stats in=…` (journalctl -o short-unix). */
const LINE =
  /^(\d{9,11}(?:\.\d{1,6})?) [^\n]* stats ([a-z0-9_]{1,20}=[^\s=]{1,24}(?: [a-z0-9_]{1,20}=[^\s=]{1,24}){0,19})$/;
/** Longer lines are not the producer's (its stats line is ~250 bytes with the prefix). */
const MAX_LINE = 1_000;
const INTEGER = /^\d{1,13}$/;
const DECIMAL = /^\d{1,7}(?:\.\d{1,3})?$/;

/**
 * The samples in `text`, oldest first: lines from `oldest` to a few seconds past `now`
 * (a host's clock may run a little ahead), one per journal time.
 */
export function parseStatsLog(text: string, now: number, oldest: number): StatsSample[] {
  const samples = new Map<number, StatsSample>();
  for (const line of text.split('\n').slice(-MAX_LINES)) {
    const m = line.length <= MAX_LINE ? LINE.exec(line) : null;
    if (!m) continue;
    const t = Math.round(Number(m[1]) * 1000);
    if (!(t >= oldest && t <= now + 5_000)) continue;
    const fields = new Map(m[2]!.split(' ').map((kv) => kv.split('=') as [string, string]));
    const calls = count(fields.get('put_calls'));
    const errors = count(fields.get('put_errors'));
    const avg = fields.get('put_avg_ms');
    const putAvgMs = avg === '-' ? null : latency(avg);
    if (calls === undefined || errors === undefined || errors > calls || putAvgMs === undefined)
      continue;
    samples.set(t, { t, putCalls: calls, putErrors: errors, putAvgMs });
  }
  return [...samples.values()].sort((a, b) => a.t - b.t);
}

function count(v: string | undefined): number | undefined {
  if (v === undefined || !INTEGER.test(v)) return undefined;
  const n = Number(v);
  return n <= MAX_COUNT ? n : undefined;
}

function latency(v: string | undefined): number | null | undefined {
  if (v === undefined || !DECIMAL.test(v)) return undefined;
  const n = Number(v);
  return n <= MAX_LATENCY_MS ? n : undefined;
}

/**
 * The charts' points: each line's mean put latency, and the share of calls that succeeded
 * between it and the line before (the counters are totals; a drop means the producer
 * restarted, and that interval is not charted). Nothing is interpolated.
 */
export function statsPoints(samples: readonly StatsSample[]): StreamMetricPoint[] {
  return samples.map((s, i) => {
    const prev = samples[i - 1];
    const calls = prev ? s.putCalls - prev.putCalls : 0;
    const errors = prev ? s.putErrors - prev.putErrors : 0;
    return {
      t: s.t,
      ...(s.putAvgMs === null ? {} : { putLatencyMs: s.putAvgMs }),
      ...(calls > 0 && errors >= 0 && errors <= calls
        ? { putSuccess: (calls - errors) / calls }
        : {}),
    };
  });
}
