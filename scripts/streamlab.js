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
// `streamlab dashboard` is the one long-lived command: with Node's default heap sizes its
// young generation alone grows by tens of MB between collections (370 MB resident with 30
// streams; 207 MB with these bounds, same latency: bench/RESULTS.md "Dashboard"). Heap sizes
// are fixed when node starts, so node starts again in place (same PID, same terminal and
// signals) with them. A Node without process.execve (before 22.15) runs it unbounded.
var HEAP_BOUNDS = ['--max-semi-space-size=2', '--max-old-space-size=192'];
if (
  commandWord(process.argv.slice(2)) === 'dashboard' &&
  typeof process.execve === 'function' &&
  process.execArgv.indexOf(HEAP_BOUNDS[0]) < 0
) {
  process.execve(
    process.execPath,
    [process.execPath].concat(HEAP_BOUNDS, process.execArgv, process.argv.slice(1)),
    process.env,
  );
}

/** The command's name: the first word that is not an option or `--config`'s FILE. */
function commandWord(args) {
  for (var i = 0; i < args.length; i++) {
    if (args[i] === '--') return undefined;
    if (args[i] === '--config') i++;
    else if (args[i].charAt(0) !== '-') return args[i];
  }
  return undefined;
}

require('./ts-loader').register();
require('./cli/dispatch.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
