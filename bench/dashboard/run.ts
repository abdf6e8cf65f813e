/**
 * The dashboard against its targets (issue 21), as a separate `streamlab dashboard` process
 * over 30 students' streams in kinesalite (this process), read by Debian's Chromium:
 *   1. latency: a marked record put into one stream, timed until its text is on the page
 *      (the browser's own DOM, polled every animation frame); p50/p95 over --probes puts,
 *      with every stream also receiving --rate rec/s meanwhile;
 *   2. memory: the streams filled with --fill records beforehand (more than the table's
 *      50,000-post cap), then the class's default rate (30 × 10 rec/s = 300 rec/s) for
 *      --seconds; the dashboard's resident set (VmRSS, VmHWM) sampled every second.
 *
 *   npx tsx bench/dashboard/run.ts [--probes 40] [--rate 1] [--fill 60000] [--seconds 60]
 *
 * The students' hosts are unreachable on purpose (127.0.0.1:9): their tiles are probed and
 * shown, no test host is booted. No root needed.
 */
import {
  CreateStreamCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { kinesisClient } from '../../labs/stream/client';
import { startEmulator } from '../../labs/stream/emulator';
import { start } from '../../process/run';
import { launchChromium } from '../../test/support/browser';

// The page's globals, for the functions run inside it (this file compiles for Node).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const { values } = parseArgs({
  options: {
    probes: { type: 'string', default: '40' },
    rate: { type: 'string', default: '1' },
    fill: { type: 'string', default: '60000' },
    seconds: { type: 'string', default: '60' },
  },
});
const PROBES = Number(values.probes);
const RATE = Number(values.rate);
const FILL = Number(values.fill);
const SECONDS = Number(values.seconds);
const STUDENTS = Array.from({ length: 30 }, (_, i) => `student${String(i + 1).padStart(2, '0')}`);
const CLI = join(__dirname, '../../scripts/streamlab.js');
const TAGS = ['covid_19', 'lima', 'salud', 'vacuna', 'peru', 'news'];
const PLACES = ['lima', 'cusco', 'arequipa', 'trujillo'];

let serial = 0;
/** A record as the producer writes it (compact JSON, ~300 bytes). */
const record = (author: string, text = `a post about the news today number ${serial}`) =>
  JSON.stringify({
    id: `b${serial++}`,
    created_at: new Date().toISOString(),
    text,
    author,
    lang: 'en',
    hashtags: [TAGS[serial % TAGS.length], TAGS[(serial + 3) % TAGS.length]],
    place: PLACES[serial % PLACES.length],
    source: 'synthetic',
    ingested_at: new Date().toISOString(),
  });

async function put(client: KinesisClient, stream: string, data: string[]) {
  for (let i = 0; i < data.length; i += 500)
    await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: data
          .slice(i, i + 500)
          .map((d) => ({ Data: Buffer.from(d), PartitionKey: stream })),
      }),
    );
}

/** Every student's stream gets `perSecond` records a second, as the producers would put them. */
const producing = (client: KinesisClient, perSecond: number) =>
  setInterval(
    () =>
      void Promise.all(
        STUDENTS.map((s) =>
          put(
            client,
            s,
            Array.from({ length: perSecond }, () => record(s)),
          ),
        ),
      ),
    1_000,
  );

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** VmRSS and VmHWM of a process, in MB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** The dashboard process, stopped on the way out whatever happens. */
let child: ReturnType<typeof start> | undefined;

async function main() {
  const emulator = await startEmulator();
  const client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
  const work = mkdtempSync(join(tmpdir(), 'streamlab-dashboard-bench-'));
  for (const s of STUDENTS)
    await client.send(new CreateStreamCommand({ StreamName: s, ShardCount: 1 }));
  await new Promise((r) => setTimeout(r, 1_000));
  const filled = Date.now();
  for (const [i, s] of STUDENTS.entries())
    await put(
      client,
      s,
      Array.from({ length: Math.ceil(FILL / STUDENTS.length) }, () => record(`author${i}`)),
    );
  console.log(`filled ${FILL} records in ${((Date.now() - filled) / 1000).toFixed(1)} s`);

  const inventory = join(work, 'inventory.json');
  writeFileSync(
    inventory,
    JSON.stringify({
      hosts: STUDENTS.map((s) => ({
        name: s,
        address: '127.0.0.1',
        port: 9,
        privateKeyPath: join(homedir(), '.cache/streamlab/testhost/id_ed25519'),
        hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
        stream: s,
        region: 'us-east-1',
        endpoint: emulator.endpoint,
      })),
    }),
  );
  let url = '';
  const gotUrl = new Promise<void>((resolve) => {
    const dashboard = start(
      [process.execPath, CLI, 'dashboard', '--inventory', inventory, '--no-open'],
      {
        onLine: (line) => {
          const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(line);
          if (m) {
            url = m[1]!;
            resolve();
          }
        },
      },
    );
    child = dashboard;
  });
  await gotUrl;
  const pid = child!.pid!;
  const samples: { t: number; rss: number }[] = [];
  const sampler = setInterval(() => samples.push({ t: Date.now(), rss: memory(pid).rss }), 1_000);

  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.goto(url);
  // Caught up with the filled streams: the summary counts them all, the batches are small.
  const shownState = () =>
    page.evaluate(() => ({
      posts: Number(document.querySelector('#summary [data-field="posts"]')?.textContent ?? 0),
      inputRows: Number(document.getElementById('summary').dataset.inputRows ?? -1),
    }));
  for (let state = await shownState(); ; state = await shownState()) {
    if (state.posts >= Math.min(FILL, 50_000) && state.inputRows >= 0 && state.inputRows < 500)
      break;
    console.error(
      `catching up: the page shows ${state.posts} posts, last batch ${state.inputRows}`,
    );
    // Caught up but the last batch was a full one: one record makes a small batch after it.
    if (state.posts >= Math.min(FILL, 50_000)) await put(client, STUDENTS[0]!, [record('nudge')]);
    await page.waitForTimeout(5_000);
  }
  console.log(`page caught up with the fill after ${((Date.now() - filled) / 1000).toFixed(1)} s`);

  // 1. latency, with every stream at RATE rec/s meanwhile.
  const background = producing(client, RATE);
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 0; i < PROBES; i++) {
    const marker = `probe-${process.pid}-${i}`;
    const t0 = performance.now();
    await put(client, STUDENTS[i % STUDENTS.length]!, [record('probe', marker)]);
    const shown = await page
      .waitForFunction((m) => document.getElementById('posts')!.textContent!.includes(m), marker, {
        polling: 'raf',
        timeout: 10_000,
      })
      .then(
        () => true,
        () => false,
      );
    if (shown) latencies.push(performance.now() - t0);
    else missed++;
    await new Promise((r) => setTimeout(r, 250));
  }
  clearInterval(background);
  console.log(
    `put → on the page (${PROBES} probes, ${missed} not shown within 10 s, ${RATE} rec/s × 30 streams meanwhile): ` +
      `p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, ` +
      `max ${Math.max(...latencies).toFixed(0)} ms (target p95 ≤ 2000 ms)`,
  );

  // 2. memory at the class's default rate, the table at its cap.
  const fullRate = producing(client, 10);
  const from = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1_000));
  clearInterval(fullRate);
  const posts = await page.locator('#summary [data-field="posts"]').textContent();
  const during = samples.filter((s) => s.t >= from).map((s) => s.rss);
  const { hwm } = memory(pid);
  console.log(
    `RSS at 300 rec/s for ${SECONDS} s, table ${posts} posts (cap 50,000): ` +
      `median ${percentile(during, 50).toFixed(0)} MB, max ${Math.max(...during).toFixed(0)} MB; ` +
      `peak over the whole run (VmHWM, the catch-up included) ${hwm.toFixed(0)} MB (target < 300 MB)`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  clearInterval(sampler);
  await browser.close();
  child!.kill('SIGINT');
  await child!.exited;
  client.destroy();
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  child?.kill('SIGINT');
  process.exit(1);
});
