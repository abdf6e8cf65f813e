// In CI a skipped test hides a missing capability (root, a package, a service):
// count skips in the jest and pytest reports and fail when CI=true.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
let skipped = 0;
const jestReport = path.join(dir, 'jest.json');
if (fs.existsSync(jestReport)) {
  const r = JSON.parse(fs.readFileSync(jestReport, 'utf8'));
  skipped += r.numPendingTests + r.numTodoTests;
  for (const suite of r.testResults) {
    for (const t of suite.assertionResults) {
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') {
        console.log(`skipped (jest): ${t.fullName}`);
      }
    }
  }
}
for (const pytestReport of ['pytest.xml', 'pytest-consumer.xml'].map((f) => path.join(dir, f))) {
  if (!fs.existsSync(pytestReport)) continue;
  const xml = fs.readFileSync(pytestReport, 'utf8');
  const m = /<testsuite [^>]*skipped="(\d+)"/.exec(xml);
  if (m) skipped += Number(m[1]);
  for (const s of xml.matchAll(
    /<testcase [^>]*name="([^"]+)"[^>]*>\s*<skipped[^>]*message="([^"]*)"/g,
  )) {
    console.log(`skipped (pytest): ${s[1]}: ${s[2]}`);
  }
}
if (skipped > 0 && process.env.CI === 'true') {
  console.error(`${skipped} test(s) skipped: in CI every test must run.`);
  process.exit(1);
}
console.log(`skips: ${skipped}${skipped ? ' (allowed outside CI)' : ''}`);
