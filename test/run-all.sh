#!/usr/bin/env bash
# `npm test`: type check, lint, jest (unit + integration), pytest (producer-app).
# With CI=true a skipped test is a failure: integration tests may skip on a laptop
# without root, never in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
status=0

# The machine's Debian packages the tests need, through the lab's one installer (root
# only: apt-get update once, then install, saying what and why); without root it says what
# is missing and the integration tests that need it skip (never in CI, which is root).
echo '==> Debian packages (streamlab lab packages --tests)'
if [ "$(id -u)" = 0 ]; then
  node scripts/streamlab.js lab packages --tests --install || status=1
  # The test host image, built once (debootstrap, a few minutes; cached under
  # ~/.cache/streamlab/testhost) so no integration test pays for it inside a jest timeout.
  echo '==> test host image (streamlab lab rootfs)'
  node scripts/streamlab.js lab rootfs || status=1
else
  node scripts/streamlab.js lab packages --tests >/dev/null || true
fi

echo '==> tsc --noEmit'
npx tsc --noEmit || status=1

echo '==> eslint + prettier'
npx eslint . || status=1
npx prettier --check . >/dev/null || { npx prettier --list-different .; status=1; }

echo '==> jest'
npx jest --ci --json --outputFile="$reports/jest.json" "$@" || status=1

if [ -d producer-app/tests ]; then
  echo '==> pytest (producer-app)'
  (cd producer-app && /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider --junitxml="$reports/pytest.xml" tests) || status=1
fi

if [ -d consumer/tests ]; then
  echo '==> pytest (consumer)'
  (cd consumer && /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider --junitxml="$reports/pytest-consumer.xml" tests) || status=1
fi

node test/check-no-skips.js "$reports" || status=1
node test/print-failures.js "$reports"
exit $status
