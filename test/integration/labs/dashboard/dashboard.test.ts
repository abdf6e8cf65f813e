/**
 * The dashboard end to end in a real browser (Debian's Chromium via playwright-core):
 * kinesalite, two real test hosts (SSH with pinned keys; one runs a streamlab-producer
 * unit, the other has none: stuck), a stream per student that the test writes posts into
 * as a producer would. The page must show every tile, chart and query result, keep them
 * updating, and equal what the server published (the class snapshot, the embedded
 * engine's query results). Hostile posts (<script>, <img onerror>, ESC sequences, U+202E)
 * show as text and run nothing: no dialog, no request, no element of theirs. Without the
 * token the page is refused; the server listens on 127.0.0.1 only; a lost connection is
 * said on the page.
 *
 * STREAMLAB_SCREENSHOT=docs/images/dashboard.png makes it save the README's screenshot.
 */
import {
  CreateStreamCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { InventoryHost } from '../../../../provisioning/inventory';
import type { AnalysisResults, BatchProgress } from '../../../../labs/analysis/analysis';
import { OFFLINE_METRIC_SOURCES } from '../../../../labs/class/class-snapshot';
import { PRODUCER_STATS_SOURCES } from '../../../../labs/class/producer-stats';
import type { ClassSnapshot } from '../../../../labs/class/snapshot';
import { startDashboard, type RunningDashboard } from '../../../../labs/dashboard/dashboard';
import { kinesisClient } from '../../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../../labs/stream/emulator';
import { launchChromium, type Browser } from '../../../support/browser';
import { onHost } from '../../../support/on-host';
import { describeAsRoot } from '../../../support/root';
import { CLI } from '../../../support/offline-cli';
import { ownRunDir } from '../../../support/run-dir';
import { run } from '../../../../process/run';

jest.setTimeout(300_000);

// What the functions run inside the page see (this file is compiled for Node, without the DOM's types).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const here = { runDir: ownRunDir('dashboard-test') };
const testhost = require('../../../../testhost/api') as typeof import('../../../../testhost/api');

const STUDENTS = ['dash-alice', 'dash-bob'] as const;
const streamOf = (student: string) => `${student}-stream`;
const PLACES = ['Lima', 'Cusco', 'Arequipa'];
const TAGS = ['covid_19', 'vaccine', 'lima', 'health'];
const HOSTILE = [
  { text: '<script>window.__owned = 1; alert("script")</script>', author: 'mallory' },
  { text: '<img src=x onerror="alert(\'img\')">', author: '<b>bold</b>' },
  { text: 'clear \x1b[2J\x1b[H bell \x07 osc \x1b]52;c;cHduZWQ=\x07', author: 'esc' },
  { text: 'abc \u202eevil.exe\u202c def', author: 'bidi\u202e' },
];

interface Analysis {
  readonly results: AnalysisResults;
  readonly batches: readonly BatchProgress[];
}

let serial = 0;
function post(author: string, text: string, i = serial++) {
  return {
    id: `post-${i}`,
    created_at: new Date().toISOString(),
    author,
    text,
    hashtags: [TAGS[i % TAGS.length], TAGS[(i + 1) % TAGS.length]],
    place: PLACES[i % PLACES.length],
    source: 'dashboard-test',
  };
}

async function put(client: KinesisClient, stream: string, records: (object | string)[]) {
  await client.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: records.map((r) => ({
        Data: Buffer.from(typeof r === 'string' ? r : JSON.stringify(r)),
        PartitionKey: 'k',
      })),
    }),
  );
}

/** The text of every element matching `selector` inside the page. */
const texts = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent ?? ''));

describeAsRoot('streamlab dashboard in Chromium (kinesalite, two test hosts)', () => {
  let emulator: RunningEmulator;
  let client: KinesisClient;
  let hosts: InventoryHost[];
  let inventoryFile: string;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let page: Page;
  let producing: NodeJS.Timeout;
  const snapshots = new Map<number, ClassSnapshot>();
  const analyses = new Map<number, Analysis>();
  const dialogs: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator();
    client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
    for (const s of STUDENTS)
      await client.send(new CreateStreamCommand({ StreamName: streamOf(s), ShardCount: 1 }));
    hosts = await Promise.all(
      STUDENTS.map(async (s) => ({
        ...testhost.inventoryEntry(await testhost.hostUp(s, here)),
        stream: streamOf(s),
        region: 'us-east-1',
        endpoint: emulator.endpoint,
      })),
    );
    inventoryFile = join(here.runDir, 'dashboard-test-inventory.json');
    mkdirSync(here.runDir, { recursive: true });
    writeFileSync(inventoryFile, JSON.stringify({ hosts }));
    // Alice's producer runs (a stand-in unit under the producer's name, logging a stats
    // line a second in the producer's format: 10 calls, 1 failed, 25 ms each). Bob has
    // none, but as root on his host he wrote lines under its name into his own journal.
    const statsLine = (calls: string, errors: string, avg: string) =>
      `stats in=0 out=0 retried=0 failed=0 dead_lettered=0 skipped=0 buffered=0 put_calls=${calls} put_errors=${errors} put_p50_ms=1.0 put_p99_ms=1.0 put_avg_ms=${avg} record_p99_ms=1.0`;
    await onHost(hosts[0]!, (c) =>
      c.exec(
        'systemctl reset-failed streamlab-producer 2>/dev/null; systemd-run --unit=streamlab-producer sh -c ' +
          `'i=0; while :; do i=$((i+10)); echo "${statsLine('$i', '$((i/10))', '25.0')}" >&2; sleep 1; done'`,
      ),
    );
    await onHost(hosts[1]!, (c) =>
      c.exec(
        'systemd-run --wait --unit=streamlab-producer sh -c ' +
          `'echo "${statsLine('100', '0', '0.5')}"; echo "${statsLine('200', '0', '0.5')} <script>"; echo "${statsLine('1000000000000000', '0', '1')}"'`,
      ),
    );
    await new Promise((r) => setTimeout(r, 1_000)); // kinesalite makes streams ACTIVE after a moment
    dashboard = await startDashboard({ lab: 'dash-test', mode: 'offline', hosts });
    dashboard.feed.subscribe((event, data) => {
      if (event === 'snapshot') snapshots.set((data as ClassSnapshot).at, data as ClassSnapshot);
      if (event === 'analysis') {
        const a = data as Analysis;
        analyses.set(a.batches.at(-1)?.batchId ?? -1, a);
      }
    });
    // Alice posts five a second, as the lab's producer does by default; Bob has posted
    // hostile things and one record that is not JSON.
    producing = setInterval(
      () => void put(client, streamOf(STUDENTS[0]), [post('alice', 'a post about #covid_19')]),
      200,
    );
    await put(client, streamOf(STUDENTS[1]), [
      ...HOSTILE.map((h) => post(h.author, h.text)),
      'not json \x1b[5m <script>alert(1)</script>',
    ]);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
  });

  afterAll(async () => {
    clearInterval(producing);
    await browser?.close();
    await dashboard?.close();
    client?.destroy();
    await emulator?.close();
    for (const s of STUDENTS) await testhost.hostDown(s, here).catch(() => undefined);
  });

  it('refuses the page without the token, then opens it with the printed address', async () => {
    const origin = new URL(dashboard.url).origin;
    const refused = await page.goto(`${origin}/`);
    expect(refused!.status()).toBe(403);
    expect(await page.content()).not.toContain('Students');
    const opened = await page.goto(dashboard.url);
    expect(opened!.status()).toBe(200);
    // The token left the address bar for the cookie.
    expect(page.url()).toBe(`${origin}/`);
  });

  it('listens on 127.0.0.1 only', () => {
    const port = dashboard.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f[1]?.endsWith(`:${port}`) && f[3] === '0A')
        .map((f) => f[1]);
    expect(listening('/proc/net/tcp')).toEqual([`0100007F:${port}`]);
    expect(listening('/proc/net/tcp6')).toEqual([]);
  });

  it('shows a tile per student equal to the snapshot: the stuck one stands out', async () => {
    await page.waitForSelector(`[data-student="${STUDENTS[1]}"]`);
    // records/s is over the last 60 s (check's window): Alice's 5 a second show as > 2
    // once she has posted for a while.
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-student="dash-alice"] [data-field="rate"]')?.textContent,
        ) > 2,
      undefined,
      { timeout: 90_000 },
    );
    // Read the tiles and the snapshot they show in one go, then hold them to it.
    const shown = await page.evaluate(() => ({
      at: Number(document.getElementById('students')!.dataset.at),
      tiles: [...document.querySelectorAll('[data-student]')]
        .filter((t) => t.tagName === 'ARTICLE')
        .map((t) => ({
          name: t.dataset.student,
          stuck: t.classList.contains('stuck'),
          producer: t.querySelector('[data-field="producer"]')!.textContent,
          rate: t.querySelector('[data-field="rate"]')!.textContent,
          age: t.querySelector('[data-field="age"]')!.textContent,
          milestones: [...t.querySelectorAll('[data-milestone]')].map((m) => [
            m.dataset.milestone,
            m.dataset.pass,
          ]),
          reasons: [...t.querySelectorAll('[data-milestone]')].map((m) => m.title),
        })),
    }));
    const snapshot = snapshots.get(shown.at)!;
    expect(snapshot).toBeDefined();
    expect(shown.tiles.map((t) => t.name)).toEqual([...STUDENTS]);
    // The same lab measured by `streamlab check --json` (a separate process, the real CLI)
    // right after: the tiles say what check says, only the clock moved on in between.
    const check = await run(
      [process.execPath, CLI, 'check', '--inventory', inventoryFile, '--json'],
      { allowFailure: true, env: { ...process.env, STREAMLAB_RUN_DIR: here.runDir } },
    );
    expect(check.code).toBe(1); // Bob is stuck
    const checked = JSON.parse(check.stdout) as ClassSnapshot;
    expect(checked.mode).toBe('offline');
    expect(checked.students.map((s) => s.name)).toEqual([...STUDENTS]);
    const noDigits = (s: string) => s.replace(/\d+(\.\d+)?/g, '#');
    for (const [i, tile] of shown.tiles.entries()) {
      const student = snapshot.students[i]!;
      const fromCheck = checked.students[i]!;
      expect(student.producer).toBe(fromCheck.producer);
      expect(student.stream).toBe(fromCheck.stream);
      expect(student.milestones.map((m) => [m.id, m.label, m.pass, noDigits(m.reason)])).toEqual(
        fromCheck.milestones.map((m) => [m.id, m.label, m.pass, noDigits(m.reason)]),
      );
      expect(tile.reasons).toEqual(student.milestones.map((m) => m.reason));
      // Both are the last 60 s of the stream, read a few seconds apart at ~5 records/s.
      expect(
        Math.abs((student.recordsPerSecond ?? 0) - (fromCheck.recordsPerSecond ?? 0)),
      ).toBeLessThan(1);
      // Alice posts all the time: her newest record is seconds old in both. Bob's stream got
      // nothing since: the same newest record, seen from two moments.
      if (i === 0)
        expect(
          Math.max(student.newestRecordAgeSeconds!, fromCheck.newestRecordAgeSeconds!),
        ).toBeLessThan(5);
      else
        expect(
          Math.abs(
            fromCheck.newestRecordAgeSeconds! -
              student.newestRecordAgeSeconds! -
              (checked.at - snapshot.at) / 1000,
          ),
        ).toBeLessThan(3);
      expect(tile.producer).toBe(student.producer);
      expect(tile.rate).toBe(
        student.recordsPerSecond === null ? '–' : student.recordsPerSecond.toFixed(1),
      );
      const age = student.newestRecordAgeSeconds;
      expect(tile.age).toBe(age === null ? 'no record' : `${Math.round(age)} s ago`);
      expect(tile.milestones).toEqual(student.milestones.map((m) => [m.id, String(m.pass)]));
      expect(tile.stuck).toBe(student.milestones.some((m) => !m.pass));
    }
    const [alice, bob] = snapshot.students;
    expect(alice!.producer).toBe('active');
    expect(alice!.recordsPerSecond).toBeGreaterThan(2);
    expect(shown.tiles[0]!.stuck).toBe(false);
    // Bob's host answers, but no producer runs there: his tile is red.
    expect(bob!.producer).toBe('inactive');
    expect(shown.tiles[1]!.stuck).toBe(true);
  });

  it('charts the four course metrics per stream, each saying its source', async () => {
    for (const s of STUDENTS) {
      const stream = page.locator(`.stream[data-stream="${streamOf(s)}"]`);
      await expect(stream.locator('figcaption').allTextContents()).resolves.toEqual([
        'IncomingRecords (records in)',
        'PutRecord.Bytes (bytes put)',
        'PutRecord.Latency (put latency (ms))',
        'PutRecord.Success (put success)',
      ]);
      const sources = await stream.locator('.source').allTextContents();
      // The sources are the class snapshot's, `streamlab check`'s.
      expect(sources.slice(0, 2)).toEqual(
        Object.values(OFFLINE_METRIC_SOURCES).map((source) => `source: ${source}`),
      );
    }
    // Put latency and success: the producer's own stats lines, read from each host's journal.
    const stats = await page.waitForFunction(
      () => {
        const lines = (stream: string) =>
          [...document.querySelectorAll(`.stream[data-stream="${stream}"] figure`)].map((f) => [
            f.querySelector('.source')?.textContent,
            f.querySelectorAll('path.line').length,
          ]);
        const alice = lines('dash-alice-stream');
        return (
          alice[2]?.[1] === 1 && alice[3]?.[1] === 1 && { alice, bob: lines('dash-bob-stream') }
        );
      },
      undefined,
      { timeout: 60_000 },
    );
    const { alice, bob } = (await stats.jsonValue()) as unknown as Record<
      string,
      [string, number][]
    >;
    expect(alice![2]![0]).toBe(`source: ${PRODUCER_STATS_SOURCES.putLatencyMs}`);
    expect(alice![3]![0]).toBe(`source: ${PRODUCER_STATS_SOURCES.putSuccess}`);
    const newest = [...snapshots.values()].at(-1)!;
    const chart = (stream: string) => newest.streams.find((m) => m.stream === stream)!.points;
    const puts = (stream: string, key: 'putLatencyMs' | 'putSuccess') =>
      chart(stream).flatMap((p) => (p[key] === undefined ? [] : [p[key]]));
    // Every interval Alice's producer logged: 25 ms a call, 9 of 10 calls succeeded.
    expect(new Set(puts(streamOf(STUDENTS[0]), 'putLatencyMs'))).toEqual(new Set([25]));
    expect(new Set(puts(streamOf(STUDENTS[0]), 'putSuccess'))).toEqual(new Set([0.9]));
    // Bob's forged lines: the well-formed one is on his own chart, the others dropped, and
    // nothing of his reached Alice's.
    expect(puts(streamOf(STUDENTS[1]), 'putLatencyMs')).toEqual([0.5]);
    expect(puts(streamOf(STUDENTS[1]), 'putSuccess')).toEqual([]);
    expect(bob![2]![1]).toBe(1);
    const aliceRecordsIn = page.locator(
      `.stream[data-stream="${streamOf(STUDENTS[0])}"] [data-metric="recordsIn"] path.line`,
    );
    await expect(aliceRecordsIn.count()).resolves.toBe(1);
  });

  it("shows the embedded engine's query results as they are, and they update", async () => {
    await page.waitForSelector('#hashtags .bar-row');
    const read = () =>
      page.evaluate(() => {
        const bars = (id: string) =>
          [...document.querySelectorAll(`#${id} .bar-row`)].map((g) => [
            g.dataset.label,
            Number(g.dataset.value),
          ]);
        const field = (f: string) =>
          document.querySelector(`#summary [data-field="${f}"]`)!.textContent;
        return {
          batch: Number(document.getElementById('summary')!.dataset.batch),
          posts: Number(field('posts')),
          authors: Number(field('authors')),
          newest: field('newest'),
          hashtags: bars('hashtags'),
          places: bars('places'),
          perMinute: bars('per-minute'),
          rateLines: document.querySelectorAll('#rates path.line').length,
          durationLines: document.querySelectorAll('#durations path.line').length,
        };
      });
    const first = await read();
    const { results } = analyses.get(first.batch)!;
    expect(first.posts).toBe(results.summary.posts);
    expect(first.authors).toBe(results.summary.authors);
    expect(first.newest).toBe(results.summary.newest);
    expect(first.hashtags).toEqual(results.topHashtags.map((h) => [`#${h.hashtag}`, h.posts]));
    expect(first.places).toEqual(results.postsByPlace.map((p) => [p.place, p.posts]));
    expect(first.perMinute).toEqual(
      results.postsPerMinute.slice(-10).map((m) => [m.minute.slice(11, 16), m.posts]),
    );
    // Bob's record that is not JSON is dropped by the notebook's rule: 4 hostile posts count.
    expect(results.summary.authors).toBe(1 + HOSTILE.length);
    expect(first.rateLines).toBe(2); // input and processing
    expect(first.durationLines).toBe(1);
    await page.waitForFunction(
      (before) =>
        Number(document.querySelector('#summary [data-field="posts"]')!.textContent) > before,
      first.posts,
      { timeout: 20_000 },
    );
  });

  it('shows hostile posts as inert text: no dialog, no request, no element of theirs', async () => {
    // Bob posts them again now, so they are among the latest 30 when the page is read.
    await put(client, streamOf(STUDENTS[1]), [
      ...HOSTILE.map((h) => post(h.author, h.text)),
      'not json \x1b[5m <script>alert(1)</script>',
    ]);
    await page.waitForFunction(
      () => document.querySelectorAll('.post.malformed').length > 0,
      undefined,
      {
        timeout: 30_000,
      },
    );
    // Alice's posts push Bob's out of the latest 30: read them while they are listed.
    const shownTexts = (await texts(page, '.post .text')).join('\n');
    const authors = (await texts(page, '.post .author')).join('\n');
    expect(shownTexts).toContain('<script>window.__owned = 1; alert("script")</script>');
    expect(shownTexts).toContain('<img src=x onerror="alert(\'img\')">');
    expect(shownTexts).toContain('clear \\x1b[2J\\x1b[H bell \\x07 osc \\x1b]52;c;cHduZWQ=\\x07');
    expect(shownTexts).toContain('abc \\u202eevil.exe\\u202c def');
    expect(authors).toContain('@<b>bold</b>');
    expect(authors).toContain('@bidi\\u202e');
    const dom = await page.evaluate(() => ({
      scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src')),
      imgs: document.querySelectorAll('img').length,
      bold: document.querySelectorAll('b').length,
      owned: window.__owned ?? null,
      // eslint-disable-next-line no-control-regex
      raw: /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(
        document.body.textContent!,
      ),
    }));
    expect(dom).toEqual({ scripts: ['/dashboard.js'], imgs: 0, bold: 0, owned: null, raw: false });
    expect(dialogs).toEqual([]);
    const origin = new URL(dashboard.url).origin;
    const allowed = new Set(['/', '/dashboard.js', '/charts.js', '/dashboard.css', '/events']);
    for (const url of requests) {
      const u = new URL(url);
      expect(u.origin).toBe(origin);
      expect(allowed.has(u.pathname)).toBe(true);
    }
  });

  it('says when the connection is lost', async () => {
    if (process.env.STREAMLAB_SCREENSHOT) {
      await page.waitForTimeout(3_000); // a few more seconds of chart
      await page.screenshot({ path: process.env.STREAMLAB_SCREENSHOT });
    }
    await expect(page.locator('#connection').textContent()).resolves.toBe('live');
    await dashboard.close();
    await page.waitForFunction(
      () => document.getElementById('connection')!.textContent!.startsWith('connection lost'),
      undefined,
      { timeout: 15_000 },
    );
  });
});
