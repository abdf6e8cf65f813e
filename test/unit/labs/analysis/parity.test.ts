/**
 * DuckDB held to the notebook's oracle: the records of consumer/tests/parity_corpus.py
 * (producer records, every malformed fixture, odd tokens and times, hostile text,
 * duplicates, a seeded random mix), parsed record by record and queried in several scopes,
 * must give exactly what consumer/records.py gives. The oracle runs for real on Debian's
 * Python, so a change to either side that the other does not follow fails here.
 */
import { join } from 'node:path';
import { runSync } from '../../../../process/run';
import {
  createAnalysis,
  type AnalysisResults,
  type StreamRecord,
} from '../../../../labs/analysis/analysis';
import { isoFromMicros } from '../../../../labs/analysis/micros';
import { parseRecord, type Post } from '../../../../labs/analysis/record';

const ROOT = join(__dirname, '../../../..');

interface Corpus {
  records: { stream: string; data: string }[];
  posts: (Record<string, unknown> | null)[];
  malformed: number;
  scopes: Record<
    string,
    { stream: string | null; limit: number; minutes: number | null; answers: AnalysisResults }
  >;
  capped: { maxRows: number; answers: AnalysisResults };
}

function oracle(): Corpus {
  const out = runSync(['/usr/bin/python3', 'parity_corpus.py'], {
    cwd: join(ROOT, 'consumer', 'tests'),
    env: {
      ...process.env,
      PYTHONPATH: [join(ROOT, 'consumer'), join(ROOT, 'producer-app')].join(':'),
    },
    timeout: 60_000,
  }).stdout;
  return JSON.parse(out) as Corpus;
}

const asOracle = (post: Post | null) =>
  post && {
    ...post,
    createdAt: isoFromMicros(post.createdAt),
    ingestedAt: post.ingestedAt === null ? null : isoFromMicros(post.ingestedAt),
  };

/** Every minute the table holds, whatever the default window. */
const ALL_MINUTES = 1_000_000;
/** Batch sizes that cycle, so no answer can depend on where a batch ends. */
const BATCHES = [1, 7, 100, 512, 3, 250];

function batches(records: StreamRecord[]): StreamRecord[][] {
  const out: StreamRecord[][] = [];
  for (let at = 0, i = 0; at < records.length; i++) {
    const size = BATCHES[i % BATCHES.length]!;
    out.push(records.slice(at, at + size));
    at += size;
  }
  return out;
}

describe('the DuckDB analysis against the notebook oracle, on the same records', () => {
  let corpus: Corpus;
  let records: StreamRecord[];
  beforeAll(() => {
    corpus = oracle();
    records = corpus.records.map((r, i) => ({
      stream: r.stream,
      data: new Uint8Array(Buffer.from(r.data, 'base64')),
      arrivedAt: new Date(Date.UTC(2026, 10, 27, 18, 40) + i),
    }));
  }, 60_000);

  it('the corpus is big and odd enough to mean something', () => {
    expect(records.length).toBeGreaterThan(2000);
    expect(corpus.malformed).toBeGreaterThan(300);
    expect(records.length - corpus.malformed).toBeGreaterThan(500);
  });

  it('parses every record as the oracle does', () => {
    const mismatches = records
      .map((r, i) => ({ i, ours: asOracle(parseRecord(r.data)), oracle: corpus.posts[i] }))
      .filter(({ ours, oracle }) => JSON.stringify(ours) !== JSON.stringify(oracle));
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('answers every course query as the oracle does, in every scope', async () => {
    const analysis = await createAnalysis({ maxRows: records.length });
    try {
      let input = 0;
      let malformed = 0;
      for (const [i, batch] of batches(records).entries()) {
        const progress = await analysis.ingest(batch);
        expect(progress.batchId).toBe(i);
        input += progress.numInputRows;
        malformed += progress.numMalformedRows;
      }
      expect([input, malformed]).toEqual([records.length, corpus.malformed]);
      for (const [name, scope] of Object.entries(corpus.scopes)) {
        const ours = await analysis.run({
          ...(scope.stream === null ? {} : { stream: scope.stream }),
          limit: scope.limit,
          minutes: scope.minutes ?? ALL_MINUTES,
        });
        expect({ name, ...ours }).toEqual({ name, ...scope.answers });
      }
    } finally {
      analysis.close();
    }
  });

  it('keeps only the newest maxRows posts, and answers for those as the oracle does', async () => {
    const analysis = await createAnalysis({ maxRows: corpus.capped.maxRows });
    try {
      for (const batch of batches(records)) await analysis.ingest(batch);
      const ours = await analysis.run({ minutes: ALL_MINUTES });
      expect(ours.summary.posts).toBe(corpus.capped.maxRows);
      expect(ours).toEqual(corpus.capped.answers);
    } finally {
      analysis.close();
    }
  });
});
