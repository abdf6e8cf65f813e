// The Kinesis gate: how test hosts reach an emulator that listens on the operator's loopback
// (out of a host's reach: each host has its own network namespace), kinesalite for the
// offline lab, moto for a rehearsal, neither of which checks any policy. This small HTTP
// proxy listens on the hosts' service address with one port per host, each for that host's
// own stream: a call on port P may only be one the producer makes (ListShards, PutRecords;
// PutRecord and the Describe calls beside them) and only on P's stream, as on AWS where a
// host's role may put to its own stream only. Without it a student with root on a host
// could delete, read or forge a classmate's stream, or (moto) call IAM, EC2 or S3 and
// delete the lab. The port is the caller's identity, and a sound one because the hosts'
// packet filter (testhost/host-filter.ts) lets each host's veth open only its own port: a
// host cannot forge the interface its packets arrive on, whereas it can set any source
// address.
//
// Plain JavaScript so that plain `node` runs it detached, with nothing else loaded
// (labs/stream/kinesis-gate-service.ts starts and stops it).
//
//   node kinesis-gate.js --listen ADDR --to http://127.0.0.1:PORT --own PORT=STREAM... [WORD]...
//
// Other words are ignored: the caller puts a marker in argv to recognise its process in
// /proc/PID/cmdline. Prints "listening PORT..." once every port listens; SIGTERM or SIGINT
// ends it.
'use strict';
const http = require('http');

/** Kinesis's JSON protocol names the call in X-Amz-Target. */
const KINESIS_TARGET = /^Kinesis_20131202\.[A-Za-z]+$/;

/**
 * The calls a host may make on its own stream, each with the request fields it may carry.
 * The producer (producer-app/streamlab_producer) finds its shards with ListShards and writes
 * with PutRecords; PutRecord and DescribeStream(Summary) are the same rights a student's own
 * script would use. Fields are listed so that nothing the gate has not judged reaches the
 * emulator (another spelling of StreamName, say). ListShards' NextToken is left out: it
 * names no stream the gate could check, and kinesalite never returns one.
 */
const OWN_STREAM_CALLS = {
  PutRecords: ['StreamName', 'StreamARN', 'Records'],
  PutRecord: [
    'StreamName',
    'StreamARN',
    'Data',
    'PartitionKey',
    'ExplicitHashKey',
    'SequenceNumberForOrdering',
  ],
  ListShards: [
    'StreamName',
    'StreamARN',
    'ExclusiveStartShardId',
    'MaxResults',
    'StreamCreationTimestamp',
    'ShardFilter',
  ],
  DescribeStreamSummary: ['StreamName', 'StreamARN'],
  DescribeStream: ['StreamName', 'StreamARN', 'Limit', 'ExclusiveStartShardId'],
};

/** Kinesalite's own bound on a request (a full PutRecords, base64, fits under it). */
const MAX_BODY_BYTES = 7 * 1024 * 1024;

const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/(.+)$/;

/**
 * Whether a request on a host's port may go on to the emulator, and what exactly goes:
 * `{ body }` (the request re-serialised from what was judged, so the emulator cannot read
 * the bytes differently from the gate, e.g. a duplicated key) or `{ refuse: reason }`.
 */
function judgeOwnStreamCall(req, body, stream) {
  if (req.method !== 'POST') return { refuse: `${req.method} is not a Kinesis call` };
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity')
    return { refuse: `content-encoding ${encoding} is not accepted` };
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type === 'application/x-amz-cbor-1.1')
    return { refuse: 'the CBOR protocol is not accepted: send JSON (application/x-amz-json-1.1)' };
  if (type !== 'application/x-amz-json-1.1')
    return { refuse: `content-type ${JSON.stringify(type)} is not application/x-amz-json-1.1` };
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string' || !KINESIS_TARGET.test(target))
    return { refuse: 'X-Amz-Target does not name a Kinesis call' };
  const action = target.split('.')[1];
  if (!Object.hasOwn(OWN_STREAM_CALLS, action))
    return { refuse: `${action} is not allowed: a host may put records to its own stream only` };
  let data;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    return { refuse: 'the body is not JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { refuse: 'the body is not a JSON object' };
  const allowed = OWN_STREAM_CALLS[action];
  const extra = Object.keys(data).find((k) => !allowed.includes(k));
  if (extra !== undefined)
    return { refuse: `field ${JSON.stringify(extra)} is not accepted in ${action}` };
  if (data.StreamName === undefined && data.StreamARN === undefined)
    return { refuse: `${action} must name the stream (StreamName)` };
  if (data.StreamName !== undefined && data.StreamName !== stream)
    return {
      refuse: `StreamName ${JSON.stringify(data.StreamName)} is not this host's stream ${JSON.stringify(stream)}`,
    };
  if (data.StreamARN !== undefined) {
    const arn = typeof data.StreamARN === 'string' ? STREAM_ARN.exec(data.StreamARN) : null;
    if (!arn || arn[1] !== stream)
      return {
        refuse: `StreamARN ${JSON.stringify(data.StreamARN)} is not this host's stream ${JSON.stringify(stream)}`,
      };
  }
  return { body: Buffer.from(JSON.stringify(data)) };
}

function refuse(res, status, reason) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(`${reason}\n`);
}

/** Passes one request on to the emulator and its answer back. */
function forward(to, req, res, headers, body) {
  const upstream = http.request(
    { host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
    (up) => {
      res.writeHead(up.statusCode || 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.once('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`the emulator did not answer: ${e.message}\n`);
  });
  if (body) upstream.end(body);
  else req.pipe(upstream);
}

/** Headers that describe one hop's transfer, not the call: set again for the new body. */
const HOP_HEADERS = ['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'expect'];

/** Only `stream`'s producer calls, judged on the whole body (a host's own port). */
function ownStreamGate(to, stream) {
  return http.createServer((req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    let size = 0;
    const chunks = [];
    const tooLarge = () => {
      // Not drained: a body past the bound could be endless. The connection goes instead.
      res.setHeader('connection', 'close');
      refuse(res, 413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
      res.once('finish', () => req.destroy());
    };
    if (declared > MAX_BODY_BYTES) return tooLarge();
    req.on('data', (chunk) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const verdict = judgeOwnStreamCall(req, Buffer.concat(chunks), stream);
      if (verdict.refuse !== undefined) return refuse(res, 403, verdict.refuse);
      const headers = { ...req.headers };
      for (const h of HOP_HEADERS) delete headers[h];
      headers['content-length'] = String(verdict.body.length);
      forward(to, req, res, headers, verdict.body);
    });
  });
}

function parseArgs(argv) {
  const opts = { listen: undefined, to: undefined, own: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--listen') opts.listen = argv[++i];
    else if (argv[i] === '--to') opts.to = new URL(argv[++i]);
    else if (argv[i] === '--own') {
      const m = /^(\d+)=(.+)$/.exec(argv[++i] ?? '');
      if (!m) throw new Error(`--own ${argv[i]}: expected PORT=STREAM`);
      opts.own.push({ port: Number(m[1]), stream: m[2] });
    }
  }
  if (!opts.listen || !opts.to || opts.own.length === 0)
    throw new Error('usage: --listen ADDR --to URL --own PORT=STREAM...');
  return opts;
}

function listen(server, port, address) {
  return new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(new Error(`cannot listen on ${address}:${port}: ${e.message}`)),
    );
    server.listen(port, address, () => resolve(server.address().port));
  });
}

async function main(argv) {
  const { listen: address, to, own } = parseArgs(argv);
  const servers = own.map((o) => ({ server: ownStreamGate(to, o.stream), port: o.port }));
  try {
    const ports = await Promise.all(servers.map((s) => listen(s.server, s.port, address)));
    process.stdout.write(`listening ${ports.join(' ')}\n`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  const stop = () => {
    for (const s of servers) s.server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

module.exports = { judgeOwnStreamCall, ownStreamGate, MAX_BODY_BYTES };
if (require.main === module) main(process.argv.slice(2));
