#!/usr/bin/env bash
# npm run local-action [-- <env-file>]: run src/main.ts, then src/post.ts, in one process through
# @github/local-action (TypeScript loaded by tsx, @actions/core stubbed, state kept in memory), with
# the inputs from .env.example (provider flue, the bundled examples/flue project, this repository as
# the workspace). local-action exits 0 even after core.setFailed, so this script fails on any
# ::error:: line, and also when post did not run or main reported no exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
# Local tools (and the pinned Node 24) first, also when run outside npm.
export PATH="$PWD/node_modules/.bin:$PATH"

env_file=${1:-.env.example}
[ -f "$env_file" ] || { echo "local-action: no env file '$env_file'" >&2; exit 2; }

if [ ! -d examples/flue/node_modules/@flue/cli ]; then
  echo "local-action: installing the example Flue project (npm ci in examples/flue)"
  (cd examples/flue && npm ci --no-audit --no-fund </dev/null)
fi

log=$(mktemp "${TMPDIR:-/tmp}/offload-local-action.XXXXXX")
trap 'rm -f "$log"' EXIT

echo "local-action: $(command -v local-action) on node $(node --version), inputs from $env_file"
start=$(date +%s)
set +e
# The bin is on PATH under `npm run`; node_modules/.bin also holds the pinned Node 24.
FORCE_COLOR=0 NO_COLOR=1 local-action run . src/main.ts "$env_file" --post src/post.ts </dev/null 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
secs=$(($(date +%s) - start))

# Strip colours, and drop what the runner would not parse as commands: the remote output that
# Offload fences between ::stop-commands::<token> and ::<token>::.
plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  tok != "" { if ($0 == "::" tok "::") tok = ""; next }
  /^::stop-commands::/ { tok = substr($0, 18); next }
  { print }')
fail() {
  echo "local-action: FAILED after ${secs}s: $*" >&2
  exit 1
}
if grep -q '^::error' <<<"$plain"; then
  grep '^::error' <<<"$plain" >&2
  fail "the action reported an error (local-action itself exits 0 after core.setFailed; exit status $rc)"
fi
grep -q 'Running Post Step' <<<"$plain" || fail "post did not run (local-action skips post when main's run() throws; exit status $rc)"
[ "$rc" -eq 0 ] || fail "local-action exited $rc"
grep -q '^::set-output name=exit-code::0$' <<<"$plain" || fail "main did not report exit-code 0"
echo "local-action: main and post succeeded in ${secs}s"
