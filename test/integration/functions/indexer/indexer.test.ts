/**
 * The indexer end to end against real local services: objects in s3rver (an S3
 * emulator on 127.0.0.1) read through the Lambda's own code path, bulk requests to a
 * local server that checks SigV4 and speaks the bulk API. Only the OpenSearch service
 * itself is a stand-in.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildIndexer, INDEXER_HANDLER } from '../../../../functions/indexer/build';
import { BulkClient, BulkRequestError } from '../../../../functions/indexer/bulk-client';
import { createHandler, IndexingFailedError } from '../../../../functions/indexer/handler';
import { handler } from '../../../../functions/indexer/index';
import { silentLogger } from '../../../../functions/indexer/log';
import { POSTS_MAPPING } from '../../../../functions/indexer/mapping';
import { createSigner } from '../../../../functions/indexer/signer';
import { FakeOpenSearch } from '../../../doubles/fake-opensearch';
import { startLocalS3, type LocalS3 } from '../../../doubles/local-s3';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const BUCKET = 'lab-lake';
// One identity for S3 and OpenSearch, as the Lambda role is: s3rver knows only this key
// pair. Lambda credentials always carry a session token; the fake insists on it being signed.
const CREDS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'local-token' };

let dir: string;
let localS3: LocalS3;
let s3: S3Client;
let search: FakeOpenSearch;
const savedEnv = { ...process.env };
let consoleSpy: jest.SpyInstance;

function post(i: number, extra: Record<string, unknown> = {}) {
  return {
    id: `at://did:plc:author${i % 7}/app.bsky.feed.post/${i.toString(36)}`,
    created_at: '2026-11-27T18:40:17.123Z',
    text: `post ${i} about #covid_19 in lima — ñandú {not a brace problem} "quoted"`,
    author: `did:plc:author${i % 7}`,
    lang: 'es',
    hashtags: ['covid_19'],
    place: 'lima',
    source: 'synthetic',
    ingested_at: '2026-11-27T18:40:18.000Z',
    ...extra,
  };
}
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => JSON.stringify(post(from + k)) + '\n').join('');

/** Objects land under a student's prefix, as Firehose writes them: the indexer reads the student from it. */
const STUDENT = 'ana';
const keyOf = (name: string) => `students/${STUDENT}/${name}`;
/** The document id of post i from Ana's prefix. */
const docId = (i: number) => `${STUDENT}:${post(i).id}`;

async function putObject(name: string, body: string | Buffer, key = keyOf(name)) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** An S3 notification as S3 sends it: the key URL-encoded with "+" for spaces. */
function eventFor(...names: string[]): S3Event {
  return eventForKeys(...names.map(keyOf));
}

function eventForKeys(...keys: string[]): S3Event {
  const encode = (k: string) => encodeURIComponent(k).replace(/%20/g, '+').replace(/%2F/g, '/');
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: REGION,
      eventTime: '2026-11-27T18:41:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:FIREHOSE' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'indexer',
        bucket: {
          name: BUCKET,
          ownerIdentity: { principalId: 'o' },
          arn: `arn:aws:s3:::${BUCKET}`,
        },
        object: { key: encode(key), size: 1, eTag: 'e', sequencer: '1' },
      },
    })),
  } as S3Event;
}

/** The same path as the Lambda, with test-sized limits and fast retries injected. */
function localHandler(options: {
  maxDocs?: number;
  maxBytes?: number;
  maxAttempts?: number;
  secret?: string;
}) {
  const bulk = new BulkClient({
    endpoint: new URL(search.endpoint),
    signer: createSigner(REGION, {
      ...CREDS,
      secretAccessKey: options.secret ?? CREDS.secretAccessKey,
    }),
    retry: { maxAttempts: options.maxAttempts ?? 4, baseDelayMs: 1, maxDelayMs: 5 },
  });
  return createHandler({
    s3,
    bulk,
    index: 'posts',
    log: silentLogger,
    limits: { maxDocs: options.maxDocs ?? 1000, maxBytes: options.maxBytes ?? 5 * 1024 * 1024 },
  });
}

beforeAll(async () => {
  localS3 = await startLocalS3(CREDS, REGION, 'indexer-s3-');
  dir = localS3.dir;
  Object.assign(process.env, localS3.env);
  s3 = new S3Client({ region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3.destroy();
  await localS3.close();
  process.env = savedEnv;
});

beforeEach(async () => {
  search = new FakeOpenSearch(CREDS, REGION);
  await search.start();
  process.env.OPENSEARCH_ENDPOINT = search.endpoint;
  delete process.env.INDEX_NAME;
  consoleSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(async () => {
  consoleSpy?.mockRestore();
  await search.stop();
});

const logged = () => consoleSpy.mock.calls.map((c) => JSON.parse(String(c[0])));

describe('indexer Lambda handler (s3rver + local bulk API)', () => {
  it('indexes a GZIP Firehose object in signed bulk requests of at most 1,000 documents', async () => {
    await putObject('raw/2026/11/27/18/lab-1-2026-11-27-18-40-00-abc', gzipSync(lines(0, 2500)));

    const summary = await handler(eventFor('raw/2026/11/27/18/lab-1-2026-11-27-18-40-00-abc'));

    expect(summary).toEqual({ indexed: 2500, failed: 0, malformed: 0 });
    expect(search.docs().size).toBe(2500);
    expect(search.docs().get(docId(1234))).toEqual({ ...post(1234), student: STUDENT });
    expect(search.requests.map((r) => r.ids.length)).toEqual([1000, 1000, 500]);
    for (const r of search.requests) {
      expect(r.status).toBe(200); // the fake answers 403 to any bad signature
      expect(r.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/eu-west-1\/es\//,
      );
      expect(r.bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
      expect(new Set(r.indexes)).toEqual(new Set(['posts']));
    }
  });

  it('reads plain objects, records concatenated without newlines, and counts malformed lines', async () => {
    const body = [
      JSON.stringify(post(1)) + JSON.stringify(post(2)) + '\n', // `}{` from an undelimited writer
      '{"id": "broken", "text": "cut off\n', // truncated record: must not swallow the next line
      JSON.stringify(post(3)) + '\r\n',
      'not json at all\n',
      '{"text": "no id"}\n',
      '[1, 2, 3]\n',
      '{"id": "x", "text": }\n',
      '\n',
      JSON.stringify(post(4)), // no final newline
    ].join('');
    await putObject('plain/mixed.json', body);
    process.env.INDEX_NAME = 'lab-posts';

    const summary = await handler(eventFor('plain/mixed.json'));

    expect(summary).toEqual({ indexed: 4, failed: 0, malformed: 5 });
    expect([...search.docs('lab-posts').keys()].sort()).toEqual([1, 2, 3, 4].map(docId).sort());
    const warnings = logged().filter((l) => l.message === 'malformed record skipped');
    expect(warnings.map((w) => w.line)).toEqual([2, 4, 5, 6, 7]);
    expect(warnings[0]).toMatchObject({
      bucket: BUCKET,
      key: keyOf('plain/mixed.json'),
      reason: 'unterminated string',
    });
  });

  it('decodes URL-encoded keys (spaces as "+", a literal "+" as %2B, UTF-8)', async () => {
    const key = 'raw data/2026/lab+1 ñ=ü.json';
    await putObject(key, lines(0, 3));

    const event = eventFor(key);
    expect(event.Records[0].s3.object.key).toBe(
      'students/ana/raw+data/2026/lab%2B1+%C3%B1%3D%C3%BC.json',
    );
    expect(await handler(event)).toEqual({ indexed: 3, failed: 0, malformed: 0 });
  });

  it('is idempotent: indexing the same object twice leaves one document per post id', async () => {
    await putObject('again.json.gz', gzipSync(lines(0, 120)));

    await handler(eventFor('again.json.gz'));
    const second = await handler(eventFor('again.json.gz'));

    expect(second.indexed).toBe(120);
    expect(search.docs().size).toBe(120);
    expect(search.requests).toHaveLength(2);
    expect(search.requests[1].ids).toEqual(search.requests[0].ids);
  });

  it('retries only the items answered 429, until they are indexed', async () => {
    await putObject('busy.json', lines(0, 50));
    const busy = new Set([docId(3), docId(17), docId(42)]);
    // Rejected on the first two requests, accepted on the third.
    search.itemFault = (id, n) => (busy.has(id) && n <= 2 ? 429 : undefined);

    const summary = await localHandler({}).call(null, eventFor('busy.json'));

    expect(summary).toEqual({ indexed: 50, failed: 0, malformed: 0 });
    expect(search.requests.map((r) => r.ids.length)).toEqual([50, 3, 3]);
    expect(new Set(search.requests[1].ids)).toEqual(busy);
    expect(search.docs().size).toBe(50);
  });

  it('retries a whole request answered 503', async () => {
    await putObject('unavailable.json', lines(0, 10));
    search.requestFault = (n) => (n === 1 ? 503 : undefined);

    const summary = await localHandler({}).call(null, eventFor('unavailable.json'));

    expect(summary.indexed).toBe(10);
    expect(search.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it('counts mapping errors (400) as failed without retrying them or failing the invocation', async () => {
    await putObject('mapping.json', lines(0, 20));
    search.itemFault = (id) => (id === docId(5) || id === docId(6) ? 400 : undefined);

    const summary = await handler(eventFor('mapping.json'));

    expect(summary).toEqual({ indexed: 18, failed: 2, malformed: 0 });
    expect(search.requests).toHaveLength(1);
    const rejected = logged().filter((l) => l.message === 'document rejected');
    expect(rejected.map((r) => r.id).sort()).toEqual([docId(5), docId(6)].sort());
    expect(rejected[0]).toMatchObject({ status: 400, type: 'mapper_parsing_exception' });
  });

  it('throws when documents still fail after every retry, reporting what was done', async () => {
    await putObject('overloaded.json', lines(0, 30));
    search.itemFault = (id) => (id === docId(7) ? 429 : undefined);

    const run = localHandler({ maxAttempts: 3 }).call(null, eventFor('overloaded.json'));

    await expect(run).rejects.toBeInstanceOf(IndexingFailedError);
    await expect(run).rejects.toThrow(
      /overloaded\.json: 1 document\(s\) still failing after 3 attempts \(last: 429 es_rejected_execution_exception\); so far indexed 29, failed 0, malformed 0/,
    );
    expect(search.requests.map((r) => r.ids.length)).toEqual([30, 1, 1]);
  });

  it('keeps every bulk request within the byte bound', async () => {
    const big = 'x'.repeat(3000);
    const body = Array.from(
      { length: 100 },
      (_, i) => JSON.stringify(post(i, { text: big })) + '\n',
    ).join('');
    await putObject('big-records.json.gz', gzipSync(body));

    const summary = await localHandler({ maxBytes: 32 * 1024 }).call(
      null,
      eventFor('big-records.json.gz'),
    );

    expect(summary.indexed).toBe(100);
    // ~3.4 KiB per document: 9 fit in 32 KiB, so bytes, not the 1,000-document bound, split them.
    const sizes = search.requests.map((r) => r.bytes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(32 * 1024);
    expect(search.requests.map((r) => r.ids.length)).toEqual([...Array(11).fill(9), 1]);
  });

  it('fails without retrying when the domain refuses the signature (403)', async () => {
    await putObject('denied.json', lines(0, 5));

    const run = localHandler({ secret: 'wrong-secret' }).call(null, eventFor('denied.json'));

    await expect(run).rejects.toBeInstanceOf(BulkRequestError);
    await expect(run).rejects.toThrow(/answered 403 .*signature we calculated does not match/);
    expect(search.requests).toHaveLength(1);
    expect(search.docs().size).toBe(0);
  });

  it('skips objects deleted before the event is handled, and ignores non-create events', async () => {
    const removed = eventFor('never-written.json');
    const deleted = eventFor('plain/mixed.json');
    deleted.Records[0].eventName = 'ObjectRemoved:Delete';

    expect(await handler(removed)).toEqual({ indexed: 0, failed: 0, malformed: 0 });
    expect(await handler(deleted)).toEqual({ indexed: 0, failed: 0, malformed: 0 });
    expect(search.requests).toHaveLength(0);
  });

  it('names the variable when the configuration is wrong', async () => {
    process.env.OPENSEARCH_ENDPOINT = '';
    process.env.INDEX_NAME = 'Posts';
    await expect(handler(eventFor('x.json'))).rejects.toThrow(
      /OPENSEARCH_ENDPOINT: not set[\s\S]*INDEX_NAME: "Posts" must be lowercase/,
    );
  });

  it('creates the index with the strict mapping first; a record with a field of its own fails alone', async () => {
    await putObject('extra.json', lines(0, 3) + JSON.stringify(post(3, { place: 7, mood: 'x' })));

    const summary = await handler(eventFor('extra.json'));

    expect(search.mappingRequests).toEqual([{ path: '/posts', body: { mappings: POSTS_MAPPING } }]);
    expect(summary).toEqual({ indexed: 3, failed: 1, malformed: 0 });
    const rejected = logged().filter((l) => l.message === 'document rejected');
    expect(rejected).toEqual([
      expect.objectContaining({ id: docId(3), type: 'strict_dynamic_mapping_exception' }),
    ]);
  });

  it('makes an index an older indexer created (dynamic mapping) strict', async () => {
    search.indexes.set('posts', new Map());

    await putObject('later.json', lines(0, 2));
    expect(await handler(eventFor('later.json'))).toEqual({ indexed: 2, failed: 0, malformed: 0 });

    expect(search.mappingRequests.map((r) => r.path)).toEqual(['/posts', '/posts/_mapping']);
    expect(search.mappings.get('posts')).toEqual(POSTS_MAPPING);
  });

  it("a record on Ana's stream claiming Bruno's post and name changes nothing of Bruno's", async () => {
    const bruno = (i: number) => post(i, { text: 'bruno wrote this' });
    await putObject('', JSON.stringify(bruno(1)) + '\n', 'students/bruno/own.json');
    await handler(eventForKeys('students/bruno/own.json'));
    const forged = { ...bruno(1), text: 'ana forged this', student: 'bruno' };
    await putObject('forged.json', JSON.stringify(forged) + '\n');

    expect(await handler(eventFor('forged.json'))).toEqual({ indexed: 1, failed: 0, malformed: 0 });

    expect(search.docs().get(`bruno:${post(1).id}`)).toEqual({ ...bruno(1), student: 'bruno' });
    expect(search.docs().get(docId(1))).toEqual({ ...forged, student: 'ana' });
  });

  it('skips an object outside students/<student>/ (its records name no owner)', async () => {
    await putObject('', lines(0, 2), 'elsewhere/x.json');

    expect(await handler(eventForKeys('elsewhere/x.json'))).toEqual({
      indexed: 0,
      failed: 0,
      malformed: 0,
    });
    expect(search.requests).toEqual([]);
    expect(logged()).toContainEqual(
      expect.objectContaining({ message: 'object is not under students/<student>/; skipped' }),
    );
  });

  it('works the same from the esbuild bundle Lambda runs', async () => {
    const out = await buildIndexer(join(dir, 'bundle'));
    const [file, exported] = INDEXER_HANDLER.split('.');
    const bundle = require(join(out, `${file}.js`)) as Record<string, typeof handler>;
    await putObject('bundled/lab 1.json.gz', gzipSync(lines(0, 1500) + 'oops\n'));

    const summary = await bundle[exported](eventFor('bundled/lab 1.json.gz'));

    expect(summary).toEqual({ indexed: 1500, failed: 0, malformed: 1 });
    expect(search.requests.map((r) => [r.status, r.ids.length])).toEqual([
      [200, 1000],
      [200, 500],
    ]);
    // Same sources, same bytes: the stack's asset hash changes only when the code does.
    const again = await buildIndexer(join(dir, 'bundle-again'));
    expect(readFileSync(join(again, 'index.js')).equals(readFileSync(join(out, 'index.js')))).toBe(
      true,
    );
  });
});
