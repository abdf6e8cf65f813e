// Starts kinesalite bound to 127.0.0.1 only (its CLI binds every interface) and prints
// "listening <port>" once ready. Usage: node kinesalite_server.js PORT [DATA_DIR]
// With DATA_DIR the streams persist (leveldown), so a restart keeps them.
'use strict';
const path = require('path');
const { createRequire } = require('module');

// Resolve kinesalite from the repository's node_modules whatever the working directory.
const repoRequire = createRequire(path.join(__dirname, '..', '..', 'package.json'));
const kinesalite = repoRequire('kinesalite');

const port = Number(process.argv[2] || 0);
const dataDir = process.argv[3];
const options = { createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 };
if (dataDir) options.path = dataDir;
const server = kinesalite(options);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
