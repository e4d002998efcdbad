#!/usr/bin/env bash
# npm pretest and prebench: make `npm test` and `npm run bench` work on a fresh machine after
# `npm ci`. Installs the example Flue projects' dependencies (the end-to-end tests and the Flue
# benchmark run the real Flue CLI from them) and, as root on Debian/Ubuntu, the OpenSSH server,
# openssl, zstd, pv, busybox and bsdtar the Vast and Nomad rigs use. Without root it only says what is missing: the
# tests then fail with that message; they never skip.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in examples/flue examples/flue-v2; do
  if [ ! -d "$p/node_modules" ]; then
    echo "test-setup: npm ci in $p"
    (cd "$p" && npm ci --no-audit --no-fund </dev/null)
  fi
done
missing=()
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
# The Vast fake runs each instance's onstart in its own PID namespace; its self-destroy uses curl.
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# pv throttles the remote tar in the progress test (test/e2e/progress.test.ts).
command -v pv >/dev/null 2>&1 || missing+=(pv)
# busybox plays a slim remote whose find cannot list a tree for a re-sync (test/unit/resync.test.ts).
command -v busybox >/dev/null 2>&1 || missing+=(busybox)
# bsdtar (libarchive, as on macOS runners) is the native packer's second tar (test/unit/native-pack.test.ts).
command -v bsdtar >/dev/null 2>&1 || missing+=(libarchive-tools)
# strace shows the download program's own write sizes (test/unit/download-script.test.ts).
command -v strace >/dev/null 2>&1 || missing+=(strace)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-setup: apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null
  else
    echo "test-setup: the tests need ${missing[*]} (e.g. sudo apt-get install -y ${missing[*]})" >&2
  fi
fi
