// The rehearsal's Kinesis gate: how the stand-in hosts reach the emulated AWS. moto listens
// on the operator's loopback, which a test host (its own network namespace) cannot reach,
// so this small HTTP proxy listens on the hosts' service address and passes Kinesis API
// calls to moto and nothing else: on AWS a host's role may put records and nothing more,
// and moto checks no policy, so without the gate a student with root on a stand-in could
// call moto's IAM, EC2 or S3 (delete the lab, read the operator's objects). Plain
// JavaScript so that plain `node` runs it detached, with nothing else loaded
// (labs/rehearsal/hosts-endpoint.ts starts and stops it).
//
//   node kinesis-gate.js --listen ADDR --port N --to http://127.0.0.1:PORT [WORD]...
//
// Other words are ignored: the caller puts a marker in argv to recognise its process in
// /proc/PID/cmdline. Prints "listening PORT" once it listens; SIGTERM or SIGINT ends it.
'use strict';
const http = require('http');

/** Kinesis's JSON protocol names the call in X-Amz-Target; its CBOR protocol, in the path. */
const KINESIS_TARGET = /^Kinesis_20131202\.[A-Za-z]+$/;
const KINESIS_PATH = /^\/service\/Kinesis_20131202\/operation\/[A-Za-z]+$/;

function isKinesisCall(req) {
  if (req.method !== 'POST') return false;
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' ? KINESIS_TARGET.test(target) : KINESIS_PATH.test(req.url);
}

function parseArgs(argv) {
  const opts = { listen: undefined, port: 0, to: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--listen') opts.listen = argv[++i];
    else if (argv[i] === '--port') opts.port = Number(argv[++i]);
    else if (argv[i] === '--to') opts.to = new URL(argv[++i]);
  }
  if (!opts.listen || !opts.to) throw new Error('usage: --listen ADDR --port N --to URL');
  return opts;
}

function gate(to) {
  return http.createServer((req, res) => {
    if (!isKinesisCall(req)) {
      // Drained, then refused: only Kinesis calls go on to the emulator.
      req.resume();
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('the rehearsal passes Kinesis API calls only\n');
      return;
    }
    const upstream = http.request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode || 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.once('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`the emulator did not answer: ${e.message}\n`);
    });
    req.pipe(upstream);
  });
}

function main(argv) {
  const { listen, port, to } = parseArgs(argv);
  const server = gate(to);
  server.once('error', (e) => {
    console.error(`cannot listen on ${listen}:${port}: ${e.message}`);
    process.exit(1);
  });
  server.listen(port, listen, () => process.stdout.write(`listening ${server.address().port}\n`));
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

module.exports = { isKinesisCall };
if (require.main === module) main(process.argv.slice(2));
