// The dashboard page: listens to the server's events and redraws. Everything that came from
// a stream or a host is set as textContent (never as markup), so a post cannot add an
// element, run a script or restyle the page; the server has already made controls visible.
import { barChart, lineChart } from './charts.js';

const $ = (id) => document.getElementById(id);

/** An element with text content and attributes, never markup. */
function el(tag, { text, className, data } = {}, children = []) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  for (const [k, v] of Object.entries(data ?? {})) e.dataset[k] = String(v);
  e.append(...children);
  return e;
}

const shortLabel = (s, n = 18) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export const formatRate = (r) => (r === null ? '–' : r.toFixed(1));
export const formatAge = (s) =>
  s === null ? 'no record' : s < 120 ? `${Math.round(s)} s ago` : `${Math.round(s / 60)} min ago`;

// The course's names for the four stream metrics (the CloudWatch console's).
const METRICS = [
  ['recordsIn', 'IncomingRecords', 'records in'],
  ['bytesPut', 'PutRecord.Bytes', 'bytes put'],
  ['putLatencyMs', 'PutRecord.Latency', 'put latency (ms)'],
  ['putSuccess', 'PutRecord.Success', 'put success'],
];

function showSnapshot(s) {
  $('lab').textContent = s.lab;
  $('mode').textContent = s.mode === 'offline' ? 'offline lab' : 'AWS lab';
  $('taken').textContent = `as of ${new Date(s.at).toLocaleTimeString()}`;
  const stuck = s.students.filter((st) => st.milestones.some((m) => !m.pass)).length;
  $('students-summary').textContent = `${s.students.length} student(s), ${stuck} stuck`;
  $('students').replaceChildren(...s.students.map(tile));
  // Which snapshot the tiles show, so a test can hold them to it.
  $('students').dataset.at = String(s.at);
  $('streams').replaceChildren(...s.streams.map(streamCharts));
}

function tile(st) {
  const stuck = st.milestones.some((m) => !m.pass);
  const milestones = el(
    'ul',
    { className: 'milestones' },
    st.milestones.map((m) => {
      const li = el('li', {
        text: `${m.pass ? '✔' : '✘'} ${m.label}`,
        className: m.pass ? 'pass' : 'fail',
        data: { milestone: m.id, pass: m.pass },
      });
      li.title = m.reason;
      return li;
    }),
  );
  return el(
    'article',
    { className: `tile ${stuck ? 'stuck' : 'ok'}`, data: { student: st.name } },
    [
      el('h3', { text: st.name }),
      el('span', {
        text: st.producer,
        className: `producer ${st.producer}`,
        data: { field: 'producer' },
      }),
      el('div', { className: 'numbers' }, [
        el('span', { text: formatRate(st.recordsPerSecond), data: { field: 'rate' } }),
        el('span', { text: ' rec/s · ' }),
        el('span', { text: formatAge(st.newestRecordAgeSeconds), data: { field: 'age' } }),
      ]),
      milestones,
    ],
  );
}

function streamCharts(m) {
  const figures = METRICS.map(([key, course, words]) => {
    const points = m.points.filter((p) => p[key] !== undefined).map((p) => ({ t: p.t, v: p[key] }));
    const chart = el('div', { className: 'chart-box' });
    lineChart(chart, [{ name: course, points }], { width: 260, height: 90 });
    const source = m.sources[key];
    return el('figure', { className: 'metric', data: { metric: key } }, [
      el('figcaption', { text: `${course} (${words})` }),
      chart,
      el('p', {
        className: source ? 'source' : 'source missing',
        text: source ? `source: ${source}` : 'source: not measured in this lab',
      }),
    ]);
  });
  return el('div', { className: 'stream', data: { stream: m.stream } }, [
    el('h3', { text: m.stream }),
    el('div', { className: 'metrics' }, figures),
  ]);
}

function showAnalysis({ results, batches, streamErrors }) {
  const { summary } = results;
  $('summary').dataset.batch = String(batches.at(-1)?.batchId ?? -1);
  $('summary').dataset.inputRows = String(batches.at(-1)?.numInputRows ?? 0);
  $('summary').replaceChildren(
    el('span', { text: 'posts ' }),
    el('strong', { text: String(summary.posts), data: { field: 'posts' } }),
    el('span', { text: ' · authors ' }),
    el('strong', { text: String(summary.authors), data: { field: 'authors' } }),
    el('span', { text: ' · newest ' }),
    el('strong', { text: summary.newest ?? '–', data: { field: 'newest' } }),
  );
  // Along the batch ids, as the Spark UI's charts run.
  const perBatch = (value) => batches.map((b) => ({ t: b.batchId, v: value(b) }));
  const byBatch = { xLabel: (t) => `batch ${t}` };
  lineChart(
    chartBox('rates'),
    [
      { name: 'input', className: 'input', points: perBatch((b) => b.inputRowsPerSecond) },
      {
        name: 'processing',
        className: 'processing',
        points: perBatch((b) => b.processedRowsPerSecond),
      },
    ],
    byBatch,
  );
  lineChart(
    chartBox('durations'),
    [{ name: 'duration', points: perBatch((b) => b.batchDurationMs) }],
    byBatch,
  );
  barChart(
    chartBox('per-minute'),
    results.postsPerMinute
      .slice(-10)
      .map((m) => ({ label: m.minute.slice(11, 16), value: m.posts })),
  );
  barChart(
    chartBox('hashtags'),
    results.topHashtags.map((h) => ({ label: shortLabel(`#${h.hashtag}`), value: h.posts })),
  );
  barChart(
    chartBox('places'),
    results.postsByPlace.map((p) => ({ label: shortLabel(p.place), value: p.posts })),
  );
  $('stream-errors').textContent = streamErrors
    .map((e) => `${e.stream}: cannot read (${e.error})`)
    .join('; ');
}

/** The chart area of a figure, made once under its caption. */
function chartBox(id) {
  const figure = $(id);
  let box = figure.querySelector('.chart-box');
  if (!box) {
    box = el('div', { className: 'chart-box' });
    figure.append(box);
  }
  return box;
}

function showPosts(posts) {
  $('posts').replaceChildren(
    ...posts.map((p) =>
      el('li', { className: p.malformed ? 'post malformed' : 'post', data: { stream: p.stream } }, [
        el('time', { text: new Date(p.arrivedAt).toLocaleTimeString() }),
        el('span', {
          className: 'author',
          text: p.malformed ? '(not a post)' : `@${p.author ?? '?'}`,
        }),
        el('span', { className: 'text', text: p.text }),
        el('span', { className: 'tags', text: p.hashtags.map((h) => `#${h}`).join(' ') }),
        el('span', { className: 'place', text: p.place ?? '' }),
      ]),
    ),
  );
}

function connection(state, words) {
  const c = $('connection');
  c.className = state;
  c.textContent = words;
}

const events = new EventSource('/events');
events.addEventListener('open', () => connection('live', 'live'));
events.addEventListener('error', () => {
  // EventSource retries by itself (the server asks for 1 s); CLOSED means it gave up,
  // e.g. a restarted dashboard whose new token this page does not hold.
  if (events.readyState === EventSource.CLOSED)
    connection('lost', 'connection lost: open the address `streamlab dashboard` printed');
  else connection('lost', 'connection lost, reconnecting…');
});
// Each event replaces the last of its kind and is drawn at the next frame: a page that
// falls behind (a busy machine, a hidden tab) skips to the newest instead of queueing.
const SHOW = { snapshot: showSnapshot, analysis: showAnalysis, posts: showPosts };
const waiting = new Map();
let frame = 0;
function draw() {
  frame = 0;
  for (const [event, data] of waiting) SHOW[event](JSON.parse(data));
  waiting.clear();
}
for (const event of Object.keys(SHOW))
  events.addEventListener(event, (e) => {
    waiting.set(event, e.data);
    frame ||= requestAnimationFrame(draw);
  });
events.addEventListener('problem', (e) => connection('problem', JSON.parse(e.data).message));
