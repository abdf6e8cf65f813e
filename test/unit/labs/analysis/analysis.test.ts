/**
 * The engine's contract beyond the queries' answers (which parity.test.ts holds to the
 * notebook's oracle): the batch progress as Spark names it, the row cap, one call at a time,
 * and arguments refused by name.
 */
import { createAnalysis, type StreamRecord } from '../../../../labs/analysis/analysis';

const post = (i: number, stream = 'lab-ana'): StreamRecord => ({
  stream,
  data: new TextEncoder().encode(
    JSON.stringify({
      id: `post-${i}`,
      created_at: `2026-11-27T18:${String(40 + (i % 3)).padStart(2, '0')}:00Z`,
      author: `author-${i % 4}`,
      hashtags: ['#Covid_19', i % 2 ? 'Lima' : 'salud'],
      place: i % 2 ? 'lima' : 'cusco',
    }),
  ),
  arrivedAt: new Date(Date.UTC(2026, 10, 27, 18, 41)),
});
const junk = (text: string): StreamRecord => ({
  stream: 'lab-ana',
  data: new TextEncoder().encode(text),
  arrivedAt: new Date(),
});

describe('createAnalysis', () => {
  it('reports each batch with the names of Spark’s StreamingQueryProgress', async () => {
    const analysis = await createAnalysis({ maxRows: 100 });
    try {
      const first = await analysis.ingest([post(1), junk('not json'), post(2), junk('{"id":1}')]);
      expect(first).toMatchObject({ batchId: 0, numInputRows: 4, numMalformedRows: 2 });
      // Spark has no previous trigger to measure the input rate against on the first batch.
      expect(first.inputRowsPerSecond).toBe(0);
      expect(first.processedRowsPerSecond).toBeGreaterThan(0);
      expect(first.batchDurationMs).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await analysis.ingest([post(3), post(4)]);
      expect(second).toMatchObject({ batchId: 1, numInputRows: 2, numMalformedRows: 0 });
      // 2 records over the ≥ 50 ms since the first batch started.
      expect(second.inputRowsPerSecond).toBeGreaterThan(0);
      expect(second.inputRowsPerSecond).toBeLessThanOrEqual(40);
      const empty = await analysis.ingest([]);
      expect(empty).toMatchObject({ batchId: 2, numInputRows: 0, inputRowsPerSecond: 0 });
    } finally {
      analysis.close();
    }
  });

  it('answers every query, per stream too', async () => {
    const analysis = await createAnalysis({ maxRows: 100 });
    try {
      await analysis.ingest([post(1), post(2), post(3, 'lab-bo')]);
      expect(await analysis.run()).toEqual({
        summary: { posts: 3, authors: 3, newest: '2026-11-27T18:42:00.000000Z' },
        topHashtags: [
          { hashtag: 'covid_19', posts: 3 },
          { hashtag: 'lima', posts: 2 },
          { hashtag: 'salud', posts: 1 },
        ],
        postsPerMinute: [
          { minute: '2026-11-27T18:40:00.000000Z', posts: 1 },
          { minute: '2026-11-27T18:41:00.000000Z', posts: 1 },
          { minute: '2026-11-27T18:42:00.000000Z', posts: 1 },
        ],
        postsByPlace: [
          { place: 'lima', posts: 2 },
          { place: 'cusco', posts: 1 },
        ],
      });
      const bo = await analysis.run({ stream: 'lab-bo', limit: 1, minutes: 1 });
      expect(bo.summary.posts).toBe(1);
      expect(bo.topHashtags).toEqual([{ hashtag: 'covid_19', posts: 1 }]);
      expect(bo.postsPerMinute).toEqual([{ minute: '2026-11-27T18:40:00.000000Z', posts: 1 }]);
      expect((await analysis.run({ stream: 'nobody' })).summary).toEqual({
        posts: 0,
        authors: 0,
        newest: null,
      });
    } finally {
      analysis.close();
    }
  });

  it('keeps the newest maxRows posts, hashtags included, and holds its memory to account', async () => {
    const analysis = await createAnalysis({ maxRows: 5 });
    try {
      await analysis.ingest(Array.from({ length: 4 }, (_, i) => post(i)));
      await analysis.ingest(Array.from({ length: 4 }, (_, i) => post(4 + i)));
      const results = await analysis.run();
      expect(results.summary.posts).toBe(5);
      expect(results.topHashtags[0]).toEqual({ hashtag: 'covid_19', posts: 5 });
      expect(await analysis.engineMemoryBytes()).toBeGreaterThan(0);
    } finally {
      analysis.close();
    }
  });

  it('runs calls one at a time, in the order made', async () => {
    const analysis = await createAnalysis({ maxRows: 1000 });
    try {
      const calls = [];
      for (let i = 0; i < 8; i++) {
        calls.push(analysis.ingest([post(i)]));
        calls.push(analysis.run());
      }
      const done = await Promise.all(calls);
      const posts = done.filter((d) => 'summary' in d).map((d) => d.summary.posts);
      expect(posts).toEqual(Array.from({ length: 8 }, (_, i) => i + 1));
    } finally {
      analysis.close();
    }
  });

  it('refuses a bad argument by name', async () => {
    await expect(createAnalysis({ maxRows: 0 })).rejects.toThrow(
      'maxRows: 0 is not a whole number ≥ 1',
    );
    await expect(createAnalysis({ maxRows: 1.5 })).rejects.toThrow('maxRows: 1.5');
    const analysis = await createAnalysis({ maxRows: 10 });
    try {
      await expect(analysis.run({ limit: -1 })).rejects.toThrow(
        'limit: -1 is not a whole number ≥ 1',
      );
      await expect(analysis.run({ minutes: NaN })).rejects.toThrow('minutes: NaN');
    } finally {
      analysis.close();
    }
  });
});
