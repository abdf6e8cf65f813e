#!/usr/bin/env node
// The `streamlab` bin. Registers tsx's CommonJS loader so a clean clone runs the
// TypeScript sources directly: no build step between `npm ci` and the first command.
'use strict';
require('tsx/cjs/api').register();
require('./cli.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
