/**
 * The embedded analysis (labs/analysis/) on this machine, against the lab's numbers:
 *   1. ingest: micro-batches of producer-shaped records from 30 streams into a table already
 *      at its row cap (so every batch also deletes), at the batch size of 10× the default
 *      class rate (30 students × 10 rec/s × 10 = 3,000 records a second, one batch a second)
 *      and of the default rate (300); parsing alone timed beside it in the same run;
 *   2. each course query over 1,000,000 posts, run 11 times: median and slowest;
 *   3. resident memory with the cap in place: a fresh process per cap fills the table, then
 *      ingests three caps' worth more (every row replaced three times); RSS, V8's heap and
 *      DuckDB's own accounting.
 *
 *   npx tsx bench/analysis/run.ts [ingest] [queries] [memory]   (all three by default)
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { loadavg } from 'node:os';
import { createAnalysis, type StreamRecord } from '../../labs/analysis/analysis';
import {
  postsByPlace,
  postsPerMinute,
  summary,
  topHashtags,
  type QueryScope,
} from '../../labs/analysis/queries';
import { parseRecord } from '../../labs/analysis/record';
import { PostsTable, type Row } from '../../labs/analysis/table';
import { runSync } from '../../process/run';

const STREAMS = Array.from({ length: 30 }, (_, i) => `bigdata-lab-student${i + 1}`);
const TAGS = ['covid_19', 'lima', 'salud', 'vacuna', 'peru', 'news', 'cusco', 'arequipa'];
const PLACES = ['lima', 'cusco', 'arequipa', 'trujillo', 'piura', 'iquitos'];
const WORDS = 'the a vaccine news today hospital city people #covid_19 update cases ñandú'.split(
  ' ',
);
const START = Date.UTC(2026, 10, 27, 18);

/** Record i as the producer writes it (Record.to_bytes: compact JSON, its field order). */
function producerRecord(i: number): StreamRecord {
  const created = new Date(START + i * 3); // 1M posts span ~50 minutes
  const text = Array.from({ length: 18 }, (_, w) => WORDS[(i * 7 + w * 3) % WORDS.length]).join(
    ' ',
  );
  const json = JSON.stringify({
    id: `at://did:plc:author${i % 1000}/app.bsky.feed.post/${i.toString(36)}`,
    created_at: created.toISOString(),
    text,
    author: `did:plc:author${i % 1000}`,
    lang: 'es',
    hashtags: [TAGS[i % TAGS.length], TAGS[(i * 3 + 1) % TAGS.length]],
    place: PLACES[i % PLACES.length],
    source: 'synthetic',
    ingested_at: new Date(created.getTime() + 400).toISOString(),
  });
  return {
    stream: STREAMS[i % STREAMS.length]!,
    data: new TextEncoder().encode(json),
    arrivedAt: new Date(created.getTime() + 500),
  };
}

/**
 * Records i… from a pool made once, so the garbage of making them (JSON text, encoded bytes)
 * is not counted as the analysis'. The pool repeats every POOL records; DuckDB stores each
 * post anyway.
 */
const POOL = 30_000;
let pool: StreamRecord[] | undefined;
const records = (from: number, count: number) => {
  pool ??= Array.from({ length: POOL }, (_, i) => producerRecord(i));
  return Array.from({ length: count }, (_, k) => pool![(from + k) % POOL]!);
};
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const load = () => loadavg()[0]!.toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Records per second through `ingest`, the table at its cap; parsing alone beside it. */
async function ingestRate(batchSize: number, cap: number): Promise<string> {
  const analysis = await createAnalysis({ maxRows: cap });
  try {
    let next = 0;
    while (next < cap) {
      await analysis.ingest(records(next, 5_000));
      next += 5_000;
    }
    const batches = Array.from({ length: Math.ceil(60_000 / batchSize) }, (_, b) =>
      records(next + b * batchSize, batchSize),
    );
    let ingestMs = 0;
    let parseMs = 0;
    let ingestCpuMs = 0;
    for (const batch of batches) {
      const t0 = performance.now();
      for (const r of batch) parseRecord(r.data);
      const t1 = performance.now();
      const cpu = process.cpuUsage(); // this process's threads, DuckDB's included
      await analysis.ingest(batch);
      const used = process.cpuUsage(cpu);
      ingestCpuMs += (used.user + used.system) / 1000;
      ingestMs += performance.now() - t1;
      parseMs += t1 - t0;
    }
    const n = batches.length * batchSize;
    const perSecond = (ms: number) => Math.round((n * 1000) / ms).toLocaleString('en');
    return (
      `| ${batchSize} | ${perSecond(ingestMs)} | ${perSecond(ingestCpuMs)} | ${perSecond(parseMs)} | ` +
      `${((n * 1000) / ingestMs / 3_000).toFixed(1)}× | ${load()} |`
    );
  } finally {
    analysis.close();
  }
}

/** Each query over a table of `posts` rows, timed `runs` times. */
async function queryTimes(posts: number, runs: number): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const table = await PostsTable.create(connection);
  try {
    for (let from = 0; from < posts; from += 10_000) {
      const rows: Row[] = records(from, 10_000).map((r, k) => ({
        seq: BigInt(from + k),
        stream: r.stream,
        arrivedAt: BigInt(r.arrivedAt.getTime()) * 1000n,
        post: parseRecord(r.data)!,
      }));
      table.append(rows);
    }
    const all: QueryScope = { limit: 10, minutes: 60 };
    const one: QueryScope = { ...all, stream: STREAMS[0]! };
    const queries = {
      'posts, authors and newest post': (s: QueryScope) => summary(connection, s),
      'top hashtags': (s: QueryScope) => topHashtags(connection, s),
      'posts per minute': (s: QueryScope) => postsPerMinute(connection, s),
      'posts by place': (s: QueryScope) => postsByPlace(connection, s),
    };
    const lines: string[] = [];
    for (const [name, query] of Object.entries(queries)) {
      for (const [scope, label] of [
        [all, 'all 30 streams'],
        [one, 'one stream'],
      ] as const) {
        const ms: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          await query(scope);
          ms.push(performance.now() - t0);
        }
        lines.push(
          `| ${name} | ${label} | ${median(ms).toFixed(0)} ms | ${Math.max(...ms).toFixed(0)} ms | ${load()} |`,
        );
        console.error(lines.at(-1));
      }
    }
    return lines;
  } finally {
    table.close();
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * In its own process: RSS empty, at the cap, and after three caps more of churn, in batches
 * of `batch` records; with V8's heap and DuckDB's own accounting, which RSS is made of.
 */
async function memoryCase(cap: number, batch: number): Promise<void> {
  records(0, 1); // the pool, before the baseline
  const analysis = await createAnalysis({ maxRows: cap });
  const empty = rssMb();
  let atCap = 0;
  for (let next = 0; next < cap * 4; next += batch) {
    await analysis.ingest(records(next, batch));
    if (atCap === 0 && next + batch >= cap) atCap = rssMb();
  }
  const results = await analysis.run();
  if (results.summary.posts !== cap)
    throw new Error(`cap ${cap}: ${results.summary.posts} posts kept`);
  const heap = Math.round(process.memoryUsage().heapTotal / 1024 / 1024);
  const engine = Math.round((await analysis.engineMemoryBytes()) / 1024 / 1024);
  console.log(JSON.stringify({ cap, batch, empty, atCap, after: rssMb(), heap, engine }));
  analysis.close();
}

async function main(): Promise<void> {
  const memory = process.argv.indexOf('--memory-case');
  if (memory >= 0) {
    return memoryCase(Number(process.argv[memory + 1]), Number(process.argv[memory + 2]));
  }
  const parts = process.argv.slice(2);
  const wanted = (part: string) => parts.length === 0 || parts.includes(part);

  if (wanted('ingest')) {
    console.log('## ingest (table at a 200,000-post cap, 60,000 records per size)\n');
    console.log(
      '| batch | records/s, wall clock | records per CPU second | parsing alone, wall clock | wall clock over 3,000/s | load |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const size of [3_000, 300, 3_000, 300]) console.log(await ingestRate(size, 200_000));
  }

  if (wanted('queries')) {
    console.log('\n## queries over 1,000,000 posts (11 runs each)\n');
    console.log('| query | scope | median | slowest | load |');
    console.log('|---|---|---|---|---|');
    for (const line of await queryTimes(1_000_000, 11)) console.log(line);
  }

  if (wanted('memory')) {
    console.log('\n## resident memory with the cap (a fresh process each; 4 caps of records)\n');
    console.log(
      '| cap (posts) | batch | RSS empty | RSS at the cap | RSS after 3 caps more | of which V8 heap | of which DuckDB |',
    );
    console.log('|---|---|---|---|---|---|---|');
    const cases = [
      [50_000, 300],
      [100_000, 300],
      [200_000, 300],
      [100_000, 3_000],
    ] as const;
    for (const [cap, batch] of cases) {
      const argv = [process.execPath, ...process.execArgv, __filename, '--memory-case'];
      const out = runSync([...argv, String(cap), String(batch)], { timeout: 900_000 }).stdout;
      const m = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
      console.log(
        `| ${cap.toLocaleString('en')} | ${batch} | ${m.empty} MB | ${m.atCap} MB | ${m.after} MB | ` +
          `${m.heap} MB | ${m.engine} MB |`,
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
