#!/usr/bin/env node
// The `streamlab` bin. Registers a TypeScript loader (./ts-loader.js) so a clean clone runs the
// TypeScript sources directly: no build step between `npm ci` and the first command.
'use strict';
// Checked before anything else loads: on an older Node the dependencies fail with errors
// that do not name the cause. No syntax newer than the check itself needs.
var MINIMUM = [22, 11];
var running = process.versions.node.split('.').map(Number);
if (running[0] < MINIMUM[0] || (running[0] === MINIMUM[0] && running[1] < MINIMUM[1])) {
  process.stderr.write(
    `streamlab: needs Node.js >= ${MINIMUM.join('.')}; this is ${process.version} (${process.execPath}).\n` +
      'Run it through npm in the project folder (`npm exec --no -- streamlab ...`, `npm start`): `npm ci`\n' +
      'installs a supported Node into node_modules/.bin, which npm puts first on PATH.\n',
  );
  process.exit(2);
}
require('./ts-loader').register();
require('./cli/dispatch.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
