#!/usr/bin/env bash
# npm run release -- vX.Y.Z [--dry-run]
#
# Tags a release of the action: checks that the working tree is clean, that dist/ is a fresh build of
# src/ (rebuilds it and compares), that the version is new and has a CHANGELOG.md section, then
# creates the annotated tag vX.Y.Z and moves the major tag vX to it (force). Nothing is pushed: the
# push commands are printed. With --dry-run, only the checks run.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "release: $*" >&2
  exit 1
}

version="" dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [ -z "$version" ] || die "one version only (got '$version' and '$arg')"; version=$arg ;;
  esac
done
[ -n "$version" ] || die "usage: npm run release -- vX.Y.Z [--dry-run]"
[[ "$version" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
  die "'$version' is not a version tag of the form vX.Y.Z (e.g. v1.2.3; no pre-release suffix)"
major="v${BASH_REMATCH[1]}"
plain=${version#v}

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "not inside a git work tree"
[ -z "$(git status --porcelain --untracked-files=normal)" ] || {
  git status --short >&2
  die "the working tree is not clean: commit or stash first"
}
git rev-parse -q --verify "refs/tags/$version" >/dev/null && die "tag $version already exists"

# The new version must be above every existing vX.Y.Z tag.
latest=$(git tag --list 'v[0-9]*.[0-9]*.[0-9]*' | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n1 || true)
if [ -n "$latest" ] && [ "$(printf '%s\n%s\n' "$latest" "$version" | sort -V | tail -n1)" != "$version" ]; then
  die "$version is not above the latest release $latest"
fi

grep -qE "^## \[$(sed 's/\./\\./g' <<<"$plain")\]" CHANGELOG.md ||
  die "CHANGELOG.md has no '## [$plain] - YYYY-MM-DD' section: move the Unreleased entries under one and commit"

pkg_version=$(node -p "require('./package.json').version")
[ "$pkg_version" = "$plain" ] || echo "release: note: package.json says version $pkg_version, the tag is $version" >&2

branch=$(git symbolic-ref --quiet --short HEAD || echo "(detached)")
[ "$branch" = main ] || echo "release: note: releasing from '$branch', not main" >&2

echo "== rebuilding dist/ to check it is fresh"
npm run build
# Native addons that ncc copies next to the bundles are compiled per machine (see ci.yml check-dist).
stale=$(git status --porcelain --untracked-files=all -- dist | grep -v -E '\.node"?$' || true)
if [ -n "$stale" ]; then
  echo "$stale" >&2
  die "dist/ is not a fresh build of src/: commit the rebuilt dist/ (now in the working tree) and run again"
fi
git checkout --quiet -- dist 2>/dev/null || true # drop rebuilt native addons that differ only in bytes

commit=$(git rev-parse --short HEAD)
if $dry_run; then
  echo "release: dry run: $version (major $major) would be tagged at $commit; all checks passed"
  exit 0
fi

git tag -a "$version" -m "Offload $version"
git tag -fa "$major" -m "Offload $major -> $version" "$version^{commit}"
echo
echo "Tagged $version and moved $major to $commit. Nothing was pushed. To publish:"
echo
echo "  git push origin refs/tags/$version"
echo "  git push --force origin refs/tags/$major"
echo
echo "Then create the GitHub release for $version from the CHANGELOG.md section [$plain]."
