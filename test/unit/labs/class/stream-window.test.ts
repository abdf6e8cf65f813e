/**
 * The last minute of a stream, cut into chart periods: counts and bytes land in the period
 * they arrived in, nothing is invented for a quiet period (it is zero), and the window's
 * rate and newest age are what arrived.
 */
import {
  newestAgeSeconds,
  windowPoints,
  windowRate,
  type StreamWindow,
} from '../../../../labs/class/stream-window';

const TO = 1_700_000_060_000;
const window = (arrivals: { t: number; bytes: number }[]): StreamWindow => ({
  stream: 's',
  from: TO - 60_000,
  to: TO,
  arrivals,
});

describe('stream window', () => {
  it('sums records and bytes per period, ending at the window end', () => {
    const w = window([
      { t: TO - 60_000, bytes: 10 }, // the window's first instant: the first period
      { t: TO - 55_000, bytes: 20 },
      { t: TO - 5_000, bytes: 30 },
      { t: TO, bytes: 40 }, // the last instant: the last period
    ]);
    const points = windowPoints(w, 10);
    expect(points.map((p) => p.t)).toEqual([50, 40, 30, 20, 10, 0].map((s) => TO - s * 1000));
    expect(points.map((p) => [p.recordsIn, p.bytesPut])).toEqual([
      [2, 30],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [2, 70],
    ]);
  });

  it('gives the rate over the window and the newest record age', () => {
    const w = window([
      { t: TO - 30_000, bytes: 1 },
      { t: TO - 2_500, bytes: 1 },
    ]);
    expect(windowRate(w)).toBeCloseTo(2 / 60);
    expect(newestAgeSeconds(w)).toBe(2.5);
  });

  it('an empty window: rate 0, no newest age, zero points', () => {
    const w = window([]);
    expect(windowRate(w)).toBe(0);
    expect(newestAgeSeconds(w)).toBeNull();
    expect(windowPoints(w, 30).map((p) => p.recordsIn)).toEqual([0, 0]);
  });
});
