// The failed jest tests' messages once more, at the very end of `npm test`: CI keeps the
// last part of a long log, and jest prints a failure where it happened, thousands of lines
// earlier. Each message is cut to its first lines, colour codes removed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const LINES_EACH = 30;
const report = path.join(process.argv[2], 'jest.json');
if (!fs.existsSync(report)) process.exit(0);
const r = JSON.parse(fs.readFileSync(report, 'utf8'));
// jest colours its messages with ESC [ … m sequences; a log reader wants the text.
// eslint-disable-next-line no-control-regex
const plain = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');
const failures = [];
for (const suite of r.testResults) {
  const file = path.relative(process.cwd(), suite.name);
  const failed = suite.assertionResults.filter((t) => t.status === 'failed');
  for (const t of failed)
    failures.push({ where: `${file}: ${t.fullName}`, text: t.failureMessages.join('\n') });
  // A suite that failed outside any test (a syntax error, a failing beforeAll) has its own message.
  if (failed.length === 0 && suite.status === 'failed' && suite.message)
    failures.push({ where: file, text: suite.message });
}
if (failures.length === 0) process.exit(0);
console.log(`\n==> ${failures.length} failed jest test(s), once more`);
for (const f of failures) {
  const lines = plain(f.text).split('\n');
  console.log(`\n--- ${f.where}`);
  console.log(lines.slice(0, LINES_EACH).join('\n'));
  if (lines.length > LINES_EACH) console.log(`[${lines.length - LINES_EACH} more lines]`);
}
