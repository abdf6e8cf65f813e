import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatsLog, statsPoints } from '../../../../labs/class/producer-stats';

// The line producer-app's own test makes Metrics.line() print (test_units.py): the same file.
const LINE = readFileSync(
  join(__dirname, '../../../../producer-app/tests/fixtures/stats_line.txt'),
  'utf8',
).trim();
const NOW = 1_765_000_000_000;
const at = (secondsAgo: number) => ((NOW - secondsAgo * 1000) / 1000).toFixed(6);
/** A journal line as `journalctl -o short-unix` prints the producer's log line. */
const journal = (secondsAgo: number, message: string) =>
  `${at(secondsAgo)} ana python3[311]: 2026-12-07 03:00:00,000 INFO streamlab_producer: ${message}`;
const stats = (calls: number, errors: number, avg: string) =>
  LINE.replace(/put_calls=\d+/, `put_calls=${calls}`)
    .replace(/put_errors=\d+/, `put_errors=${errors}`)
    .replace(/put_avg_ms=\S+/, `put_avg_ms=${avg}`);
const parse = (text: string) => parseStatsLog(text, NOW, NOW - 600_000);

describe("the producer's stats lines", () => {
  it('reads the line the producer really prints', () => {
    expect(parse(journal(30, LINE))).toEqual([
      { t: NOW - 30_000, putCalls: 40, putErrors: 1, putAvgMs: 25 },
    ]);
  });

  it('charts mean latency per line and the share of calls that succeeded between lines', () => {
    const samples = parse(
      [
        journal(90, stats(40, 1, '25.0')),
        journal(60, stats(60, 6, '31.5')),
        journal(30, stats(60, 6, '-')), // no call in this interval
        journal(0, stats(5, 0, '12.0')), // restarted: counters start again
      ].join('\n'),
    );
    expect(statsPoints(samples)).toEqual([
      { t: NOW - 90_000, putLatencyMs: 25 },
      { t: NOW - 60_000, putLatencyMs: 31.5, putSuccess: 0.75 },
      { t: NOW - 30_000 },
      { t: NOW, putLatencyMs: 12 },
    ]);
  });

  it('drops what a student with root could forge into their journal beyond numbers in range', () => {
    const hostile = [
      journal(50, stats(1e15, 0, '1.0')), // a counter out of range
      journal(49, stats(10, 11, '1.0')), // more errors than calls
      journal(48, stats(10, 0, '1e9')), // not a decimal
      journal(47, stats(10, 0, '9999999.0')), // a put of 2.7 hours
      journal(46, `${stats(10, 0, '1.0')} <script>alert(1)</script>`),
      journal(45, `${stats(10, 0, '1.0')}${' x=1'.repeat(300)}`), // too long
      journal(44, stats(10, 0, '1.0').replace('put_calls=10', 'put_calls=10put_calls=99')),
      `${at(-3600)} ana x: ${stats(10, 0, '1.0')}`, // an hour in the future
      `${at(3600)} ana x: ${stats(10, 0, '1.0')}`, // older than the window
      `garbage ${stats(10, 0, '1.0')}`,
      '\u001b[2J' + journal(43, stats(10, 0, '1.0')),
    ].join('\n');
    expect(parse(hostile)).toEqual([]);
    // A well-formed forged line is taken: it is the student's own chart it changes.
    expect(parse(journal(42, stats(10, 0, '1.0')))).toHaveLength(1);
  });

  it('looks at the last 60 lines only, and answers fast on a long hostile line', () => {
    const many = Array.from({ length: 100 }, (_, i) => journal(100 - i, stats(i, 0, '1.0')));
    expect(parse(many.join('\n'))).toHaveLength(60);
    const started = Date.now();
    parse(`${at(1)} a b: ${'stats '.repeat(150)}${'in=1'.repeat(200)}`);
    parse(`${at(1)} a b: stats ${'a=b '.repeat(240)}=`);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
