#!/usr/bin/env bash
# npm run build: ncc bundles src/index-main.ts and src/index-post.ts into dist/main and dist/post
# (CommonJS output: see the build notes on undici under ESM), minified. tsconfig.json keeps `import()`
# (module esnext) so each provider becomes a chunk loaded on demand: a run parses only its own
# provider's stack (bench/: cold start). Tests compile as CommonJS (tsconfig.test.json). Native add-ons that ncc copies beside the
# bundles (ssh2's optional sshcrypto.node, cpu-features, the Windows pagent.exe) are removed: they
# are compiled per machine, so dist/ would never be reproducible, and ssh2 falls back to Node's
# own crypto without them. tsconfig.json's `paths` swap @actions/http-client (needed by @actions/core
# only for OIDC tokens, and by the cache-paths chunk's @actions/cache) for vendor/no-oidc-http-client, which loads the real one as a chunk on the first request (nomad-auth-method, cache-paths): see its README.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
for entry in main post; do
  ncc build "src/index-$entry.ts" -o "dist/$entry" --license licenses.txt --minify -q
  rm -rf "dist/$entry/build" "dist/$entry/lib" "dist/$entry/pagent.exe"
done
# The sweep sub-action (sweep/action.yml) looks runs up with @actions/github, whose Octokit needs
# the real @actions/http-client (its proxy agent is built when the module loads), so its bundle is
# built from scripts/sweep-build/, whose tsconfig.json drops the vendor/no-oidc-http-client mapping.
# ncc takes the tsconfig.json of its working directory. dist/main and dist/post are unaffected.
(cd scripts/sweep-build && ncc build "$OLDPWD/src/index-sweep.ts" -o "$OLDPWD/dist/sweep" --license licenses.txt --minify -q)
rm -rf dist/sweep/build dist/sweep/lib dist/sweep/pagent.exe
if find dist -name '*.node' -o -name '*.exe' | grep -q .; then
  echo "build: unexpected binary in dist/:" >&2
  find dist -name '*.node' -o -name '*.exe' >&2
  exit 1
fi
