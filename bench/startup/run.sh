#!/usr/bin/env bash
# Start-up of the `streamlab` bin, side by side in one hyperfine run per group:
#   bare `node -e 0` | `streamlab --help` | `--version` | `status --help` | `lab up --help`
#   `streamlab synth` of the default lab: this tree vs BASE (a commit, e.g. the one before)
#
#   bash bench/startup/run.sh [BASE] [RUNS]     e.g. bash bench/startup/run.sh 477281b 20
#
# Runs on the project's Node (node_modules/.bin, as npm scripts and npx do) with warm caches
# (the first synth fills them; that is what every later command sees). Writes markdown
# tables to bench/startup/last-run.md. Read user+sys CPU on a shared machine, not only wall.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
base="${1:-}"
runs="${2:-20}"
export PATH="$root/node_modules/.bin:$PATH" CHECKPOINT_DISABLE=1
command -v hyperfine >/dev/null || { echo 'needs hyperfine (apt-get install hyperfine)' >&2; exit 2; }
work="$(mktemp -d)"
cleanup() {
  [ -n "$base" ] && git -C "$root" worktree remove --force "$work/base" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
out="$root/bench/startup/last-run.md"

# hyperfine's JSON as a table of wall and CPU (user+sys) means, each relative to the first row.
table() {
  node -e '
    const { results } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ms = (s) => (s * 1000).toFixed(0);
    const cpu0 = results[0].user + results[0].system;
    console.log("| command | wall mean ± σ [ms] | wall min [ms] | CPU user+sys [ms] | CPU relative |");
    console.log("|---|---:|---:|---:|---:|");
    for (const r of results) {
      const cpu = r.user + r.system;
      console.log(`| \`${r.command}\` | ${ms(r.mean)} ± ${ms(r.stddev)} | ${ms(r.min)} | ${ms(cpu)} | ${(cpu / cpu0).toFixed(2)} |`);
    }' "$1"
}
bin="$root/scripts/streamlab.js"

{
  echo "Node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
} >"$out"

node "$bin" --help >/dev/null # fills the transpile and compile caches
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/help.json" \
  -n 'node -e 0' 'node -e 0' \
  -n 'streamlab --help' "node $bin --help" \
  -n 'streamlab --version' "node $bin --version" \
  -n 'streamlab status --help' "node $bin status --help" \
  -n 'streamlab lab up --help' "node $bin lab up --help"
table "$work/help.json" >>"$out"

# synth of the default lab in a scratch folder (the example config; synth makes the key).
mkdir "$work/lab"
cp "$root/streamlab.example.yaml" "$work/lab/streamlab.yaml"
cd "$work/lab"
node "$bin" synth >/dev/null 2>&1
synth=(-n 'synth (this tree)' "node $bin synth")
if [ -n "$base" ]; then
  git -C "$root" worktree add --detach --quiet "$work/base" "$base"
  ln -s "$root/node_modules" "$work/base/node_modules"
  node "$work/base/scripts/streamlab.js" synth >/dev/null 2>&1
  synth+=(-n "synth ($base)" "node $work/base/scripts/streamlab.js synth")
fi
hyperfine -N --warmup 2 --runs "$((runs / 2 > 5 ? runs / 2 : 5))" --export-json "$work/synth.json" "${synth[@]}"
{
  echo
  table "$work/synth.json"
} >>"$out"
echo "wrote $out"
