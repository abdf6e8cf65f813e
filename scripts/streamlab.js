#!/usr/bin/env node
// The `streamlab` bin. Registers tsx's CommonJS loader so a clean clone runs the
// TypeScript sources directly: no build step between `npm ci` and the first command.
'use strict';
// Node 20 is supported (README); the AWS SDK's reminder that Node 22 is coming would
// otherwise print on every command that talks to AWS.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs/api').register();
require('./cli.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
