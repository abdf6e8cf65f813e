/**
 * Indexer throughput and memory, on this machine:
 *   1. the parsing path alone (gunzip → split → documents → bulk lines), in-process;
 *   2. end to end through the Lambda handler: s3rver → handler → local signed bulk API.
 * Peak heap + Buffer memory is sampled every 20 ms. With --handler-only the object is built
 * without ever holding its plain text, so the run can be given a heap far smaller than the
 * object (--max-old-space-size): it only finishes if the handler really streams.
 *
 *   node --expose-gc -r tsx/cjs bench/indexer.ts [records=200000]
 *   node --expose-gc --max-old-space-size=48 -r tsx/cjs bench/indexer.ts 600000 --handler-only
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { gzipSync } from 'node:zlib';
import { Batcher, bulkEntry } from '../functions/indexer/batches';
import { toDocument } from '../functions/indexer/documents';
import { handler } from '../functions/indexer/index';
import { decodedBody } from '../functions/indexer/object-body';
import { splitRecords } from '../functions/indexer/records';
import { FakeOpenSearch } from '../test/doubles/fake-opensearch';
import { startLocalS3 } from '../test/doubles/local-s3';

const N = Number(process.argv[2] ?? 200_000);
const HANDLER_ONLY = process.argv.includes('--handler-only');
const CREDS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'bench' };
const REGION = 'us-east-1';

function record(i: number): string {
  return JSON.stringify({
    id: `at://did:plc:author${i % 500}/app.bsky.feed.post/${i.toString(36)}`,
    created_at: new Date(Date.UTC(2026, 10, 27, 18) + i * 10).toISOString(),
    text: `post ${i} about #covid_19 near lima, with some more words to look like a real post ñ`,
    author: `did:plc:author${i % 500}`,
    lang: 'es',
    hashtags: ['covid_19', 'lima'],
    place: 'lima',
    source: 'synthetic',
    ingested_at: new Date(Date.UTC(2026, 10, 27, 18) + i * 10 + 500).toISOString(),
  });
}

/** JS heap plus Buffers: what the handler allocates (RSS would not shrink after the setup). */
const live = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
function peakMemory() {
  let peak = live();
  const timer = setInterval(() => (peak = Math.max(peak, live())), 20);
  return { stop: () => (clearInterval(timer), Math.max(peak, live())) };
}
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

async function* chunks(data: Buffer) {
  for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
}

/** Builds the object, times the parsing path; returns only the gzip bytes (the rest is garbage). */
async function benchParse(): Promise<{ gz: Buffer; plainBytes: number }> {
  const plain = Buffer.from(Array.from({ length: N }, (_, i) => record(i) + '\n').join(''));
  const plainBytes = plain.length;
  const gz = gzipSync(plain);
  console.log(`${N} records: ${mib(plainBytes)} MiB plain, ${mib(gz.length)} MiB gzip`);

  // 1. parsing path only; the first round warms up the JIT and is not reported.
  for (const [name, data] of [
    ['warm-up', plain],
    ['plain', plain],
    ['gzip', gz],
  ] as const) {
    const t0 = process.hrtime.bigint();
    const batcher = new Batcher();
    let docs = 0;
    let batches = 0;
    for await (const f of splitRecords(decodedBody(chunks(data)))) {
      if (f.kind !== 'record') continue;
      const d = toDocument(f.text, 'ana');
      if (!d.ok) continue;
      docs++;
      if (batcher.add(bulkEntry('posts', d.document))) batches++;
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (name === 'warm-up') continue;
    console.log(
      `parse ${name}: ${docs} docs in ${s.toFixed(2)} s = ${Math.round(docs / s)} docs/s, ${mib(plainBytes / s)} MiB/s of JSON, ${batches + 1} batches`,
    );
  }

  return { gz, plainBytes };
}

/** The object as GZIP members of 10,000 records each (gunzip reads them as one stream). */
function buildGzipOnly(): { gz: Buffer; plainBytes: number } {
  const members: Buffer[] = [];
  let plainBytes = 0;
  for (let from = 0; from < N; from += 10_000) {
    const part = Array.from(
      { length: Math.min(10_000, N - from) },
      (_, k) => record(from + k) + '\n',
    ).join('');
    plainBytes += Buffer.byteLength(part);
    members.push(gzipSync(part));
  }
  const gz = Buffer.concat(members);
  console.log(`${N} records: ${mib(plainBytes)} MiB plain, ${mib(gz.length)} MiB gzip`);
  return { gz, plainBytes };
}

async function main() {
  const { gz, plainBytes } = HANDLER_ONLY ? buildGzipOnly() : await benchParse();

  // 2. end to end through the handler
  const localS3 = await startLocalS3(CREDS, REGION, 'bench-indexer-');
  const search = new FakeOpenSearch(CREDS, REGION, false);
  await search.start();
  Object.assign(process.env, localS3.env, { OPENSEARCH_ENDPOINT: search.endpoint });
  const s3 = new S3Client({ region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'bench.gz', Body: gz }));
  const event = {
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'lake' }, object: { key: 'bench.gz' } },
      },
    ],
  } as unknown as S3Event;
  const log = console.log;
  console.log = () => undefined;
  (globalThis as { gc?: () => void }).gc?.();
  const before = live();
  const memory = peakMemory();
  const t0 = process.hrtime.bigint();
  const summary = await handler(event);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = memory.stop();
  console.log = log;
  const maxBody = Math.max(...search.requests.map((r) => r.bytes));
  console.log(
    `handler gzip object: ${summary.indexed} indexed in ${s.toFixed(2)} s = ${Math.round(summary.indexed / s)} docs/s; ` +
      `${search.requests.length} bulk requests (largest ${mib(maxBody)} MiB); ` +
      `heap+buffers ${mib(before)} → peak ${mib(peak)} MiB (object: ${mib(gz.length)} MiB gzip, ${mib(plainBytes)} MiB plain; ` +
      `s3rver and the bulk server run in the same process)`,
  );
  s3.destroy();
  await search.stop();
  await localS3.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
