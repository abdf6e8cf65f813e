// The one kinesalite launcher: a local Kinesis bound only to the addresses given (its own
// CLI binds every interface). Plain JavaScript so that plain `node` runs it with nothing
// else loaded: the offline lab starts it detached (labs/stream/emulator.ts), the
// producer's pytest suite and its benchmark start it as a child (producer-app/tests/
// conftest.py), and the TypeScript tests start it in-process (startEmulator).
//
//   node kinesalite-server.js [--host ADDR]... [--port N] [--data-dir DIR] [WORD]...
//
// --host defaults to 127.0.0.1 and may repeat; --port 0 (the default) lets the kernel
// choose, and every further host listens on the port the first one got. With --data-dir the
// streams persist (leveldown), so a restart keeps them. Other words are ignored: callers put
// a marker in argv to recognise their process in /proc/PID/cmdline. Prints
// "listening PORT" once every address listens; SIGTERM or SIGINT closes them and exits 0.
'use strict';
const http = require('http');

/**
 * kinesalite answers GetShardIterator AT_TIMESTAMP by reading the shard from its first record
 * until one arrived at or after the timestamp, and only when there is one: otherwise its
 * search never calls back and the request hangs (AWS answers with an iterator at the tip).
 * `check` and the dashboard ask exactly this ("what arrived in the last 60 s?"), of every
 * student's stream, so the cost grew with each stream's age: 30 students' streams after ten
 * minutes at 10 records/s made each check read 30 x 6,000 records, past the clients' 10 s
 * request timeout (bench/class). The action is wrapped before kinesalite loads it: the shard
 * is read from its tip back to the first record older than the timestamp (the records of
 * the window and one more), and the answer is AT_SEQUENCE_NUMBER's iterator at the oldest
 * record of the window, or, with no such record, LATEST's, as on AWS. Records are kept in
 * arrival order (the key is the shard, then the sequence number's counter).
 */
function fixAtTimestamp() {
  const db = require('kinesalite/db');
  const file = require.resolve('kinesalite/actions/getShardIterator');
  const original = require(file);
  require.cache[file].exports = function getShardIterator(store, data, cb) {
    if (data.ShardIteratorType !== 'AT_TIMESTAMP' || data.Timestamp == null) {
      return original(store, data, cb);
    }
    let shardIx;
    try {
      shardIx = db.resolveShardId(data.ShardId).shardIx;
    } catch {
      return original(store, data, cb); // its own error for a bad shard id
    }
    store.getStream(data.StreamName, (err) => {
      if (err || data.Timestamp * 1000 > Date.now()) return original(store, data, cb);
      let oldestInWindow; // a sequence number
      let answered = false;
      const answer = () => {
        if (answered) return;
        answered = true;
        const rest = { ...data, Timestamp: undefined };
        original(
          store,
          oldestInWindow
            ? {
                ...rest,
                ShardIteratorType: 'AT_SEQUENCE_NUMBER',
                StartingSequenceNumber: oldestInWindow,
              }
            : { ...rest, ShardIteratorType: 'LATEST' },
          cb,
        );
      };
      const records = store.getStreamDb(data.StreamName).createReadStream({
        gt: db.shardIxToHex(shardIx),
        lt: db.shardIxToHex(shardIx + 1),
        reverse: true,
      });
      records.on('data', ({ key, value }) => {
        if (value.ApproximateArrivalTimestamp >= data.Timestamp) {
          oldestInWindow = key.split('/')[1];
          return;
        }
        records.destroy();
        answer();
      });
      records.on('error', (e) => {
        if (!answered) cb(e);
        answered = true;
      });
      records.on('end', answer);
    });
  };
}
fixAtTimestamp();
const kinesalite = require('kinesalite');

/** kinesalite as every caller uses it: streams change state at once, a generous shard quota. */
function createKinesalite(dataDir) {
  const options = { createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 };
  if (dataDir) options.path = dataDir;
  return kinesalite(options);
}

function parseArgs(argv) {
  const opts = { hosts: [], port: 0, dataDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--host') opts.hosts.push(argv[++i]);
    else if (argv[i] === '--port') opts.port = Number(argv[++i]);
    else if (argv[i] === '--data-dir') opts.dataDir = argv[++i];
  }
  if (opts.hosts.length === 0) opts.hosts.push('127.0.0.1');
  return opts;
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`cannot listen on ${host}: ${e.message}`)));
    server.listen(port, host, () => resolve(server.address().port));
  });
}

async function main(argv) {
  const { hosts, port, dataDir } = parseArgs(argv);
  const handler = createKinesalite(dataDir);
  // One kinesalite (one set of streams) behind a listener per address.
  const listeners = hosts.map(() =>
    http.createServer((req, res) => handler.emit('request', req, res)),
  );
  let actual = port;
  try {
    for (const [i, host] of hosts.entries()) actual = await listen(listeners[i], host, actual);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  process.stdout.write(`listening ${actual}\n`);
  const stop = () => {
    listeners.forEach((s) => s.close());
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

module.exports = { createKinesalite };
if (require.main === module) main(process.argv.slice(2));
