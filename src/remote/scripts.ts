/**
 * The POSIX sh programs Offload runs on a remote shell. Kept to sh, find, tar, mkdir, cat, kill,
 * sleep and setsid (util-linux or busybox) so they work in slim images.
 */

/** Prints the archive codec this remote can extract: zstd when the zstd program is there, else gzip. */
export const CODEC_PROBE_SCRIPT = `if command -v zstd >/dev/null 2>&1; then echo zstd; else echo gzip; fi`

/**
 * A shell function that prints the SHA-256 (64 lowercase hex digits) of its stdin, with whichever
 * tool the remote has: openssl, sha256sum (coreutils, busybox), busybox's applet, or perl's shasum.
 * Prints `none` (after reading all of stdin) when there is none: the transfer is then checked by
 * its byte count only. openssl first: it uses the CPU's SHA extensions where coreutils' sha256sum
 * does not (the bench's 158 MiB archive: 0.16 s against 0.66 s of CPU, which on the remote competes
 * with the extraction).
 */
const HASH_FUNCTION = `ofl_hash() {
  if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256
  elif command -v sha256sum >/dev/null 2>&1; then sha256sum
  elif command -v busybox >/dev/null 2>&1 && busybox sha256sum </dev/null >/dev/null 2>&1; then busybox sha256sum
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256
  else cat >/dev/null; echo none
  fi | sed -n -e 's/^.*\\([0-9a-fA-F]\\{64\\}\\).*$/\\1/p' -e '/^none$/p' | tr A-F a-f
}`

/** The staging directory of a sync, inside the target directory (same file system: the swap is a rename). */
export const SYNC_STAGING = '.offload-sync-staging'

/**
 * $1 = dir, $2 = codec (zstd or gzip). Extracts the tar on stdin into a staging directory inside
 * the target and counts and hashes the bytes as they arrive (tee into two FIFOs), then prints
 * `offload-received <bytes> <sha256|none>` whatever the extraction did: the runner compares it
 * with what it sent, and SYNC_COMMIT_SCRIPT swaps the staged tree in only when they match, so a
 * stream cut short never replaces the workspace. Shell tests and `read` instead of programs where
 * they do (each process costs 1-5 ms on a busy remote: a one-file re-sync started eight). zstd goes through the zstd program so that any
 * tar, not only one that knows --zstd, can take it. SIGPIPE is ignored so that tee keeps counting
 * and hashing when the extraction fails early (its error is the one then reported).
 */
export const SYNC_SCRIPT = `${HASH_FUNCTION}
d=$1; st=$1/${SYNC_STAGING}
[ -d "$d" ] || mkdir -p -- "$d" || exit 1
{ [ ! -e "$st" ] && [ ! -h "$st" ] || rm -rf -- "$st"; } && mkdir -- "$st" "$st/tree" && mkfifo -- "$st/h" "$st/n" || exit 1
ofl_hash < "$st/h" > "$st/sum" &
wc -c < "$st/n" | tr -d ' ' > "$st/count" &
trap '' PIPE
if [ "$2" = zstd ]; then
  tee -- "$st/h" "$st/n" | { zstd -dcq | tar -xof - -C "$st/tree"; }
else
  tee -- "$st/h" "$st/n" | tar -xzof - -C "$st/tree"
fi
rc=$?
wait
n=; s=
read -r n < "$st/count"; read -r s < "$st/sum"
echo "offload-received $n $s"
exit $rc`

/**
 * $1 = dir, $2 = expected byte count, $3 = expected SHA-256, $4 = replace (the staged tree
 * becomes the directory's whole content) or merge (it is copied over what is there), or abort;
 * then, optionally, a command to run once the tree is swapped in. Swaps in the tree SYNC_SCRIPT
 * staged only when what it received matches what the runner sent (the hash is skipped when the
 * remote had no tool for it); exit 3 and the staging removed when it does not. The staged entries
 * move in with as few mv processes as find's argument batches (one per entry took 0.15-0.8 s for
 * the bench tree's 102 top-level entries on a busy machine). The command (a re-sync's listing of
 * what it wrote: one exec fewer) prints on this exec's stdout, then `offload-then <status>` goes
 * to stderr; this exec's own status stays the swap's.
 */
export const SYNC_COMMIT_SCRIPT = `d=$1; st=$1/${SYNC_STAGING}
if [ "$4" = abort ]; then rm -rf -- "$st"; exit 0; fi
[ -d "$st/tree" ] && [ ! -h "$st" ] && [ -f "$st/count" ] || { echo "offload: no staged sync in $st" >&2; exit 3; }
n=; s=
read -r n < "$st/count"; read -r s < "$st/sum"
if [ "$n" != "$2" ] || { [ "$s" != none ] && [ "$s" != "$3" ]; }; then
  echo "offload-mismatch $n \${s:-none}"; rm -rf -- "$st"; exit 3
fi
set -e
if [ "$4" = merge ]; then
  (cd "$st/tree" && tar -cf - .) | tar -xof - -C "$d"
else
  find "$d" -mindepth 1 -maxdepth 1 ! -name ${SYNC_STAGING} -exec rm -rf -- {} +
  find "$st/tree" -mindepth 1 -maxdepth 1 -exec sh -c 'mv -- "$@" "$0"/' "$d" {} +
fi
rm -rf -- "$st"
[ $# -gt 4 ] || exit 0
shift 4
set +e
"$@"
echo "offload-then $?" >&2
exit 0`

/**
 * $1 = control dir, $2 = working directory, $3 = timeout in seconds, then the command's argv.
 * Reads from stdin the `export` lines of the command's environment and the script itself (as the
 * variable OFFLOAD_SCRIPT), so env values never touch argv and one exec does it all. They are
 * evaluated from memory, never written to a file, so no exit path (a bad line, a kill) can leave
 * the values behind on the remote. Starts the
 * command in its own session (so the whole process group can be killed), records its pid for
 * cancellation, and runs a watchdog that kills the group when the timeout expires (exit 124). The
 * watchdog polls once a second so it ends with the command and leaves no sleeping process behind.
 * The wrapper's own variables carry an __ofl_ prefix: the sourced environment cannot clobber them.
 * The control dir (src/remote/control.ts: <lease dir>/step-<random>) sits in a shared /tmp
 * (raw_exec, a Vast host) under a lease directory whose name others may learn (the lease ID is in
 * the job's Meta), so both are made with mkdir, not mkdir -p, under umask 077: the lease directory
 * may exist only as a real directory of this user (an earlier step of the lease made it), the
 * step directory not at all. Anything planted there first is refused before anything is written.
 * The step directory is removed on every exit of the wrapper, and the lease directory with it once
 * no other step's directory is left in it.
 */
export const RUN_SCRIPT = `__ofl_ctl=$1; __ofl_wd=$2; __ofl_t=$3; shift 3
umask 077
# stdin first (into memory): a refusal below must not leave the runner writing into a closed pipe.
__ofl_env=$(cat) || exit 1
case $__ofl_t in ''|*[!0-9]*) echo "offload: bad timeout '$__ofl_t'" >&2; exit 1;; esac
__ofl_root=\${__ofl_ctl%/*}
[ -d "$__ofl_root" ] || mkdir -- "$__ofl_root" 2>/dev/null
[ ! -h "$__ofl_root" ] && [ -d "$__ofl_root" ] && [ -O "$__ofl_root" ] &&
  mkdir -- "$__ofl_ctl" 2>/dev/null && [ ! -h "$__ofl_ctl" ] && [ -O "$__ofl_ctl" ] || {
  echo "offload: the control directory $__ofl_ctl (or the lease directory above it) already exists or is not this user's: refusing to use it" >&2; exit 1; }
trap 'rm -rf -- "$__ofl_ctl"; rmdir -- "$__ofl_root" 2>/dev/null' EXIT
eval "$__ofl_env" || exit 1
unset __ofl_env
printf '%s' "$OFFLOAD_SCRIPT" > "$__ofl_ctl/script" || exit 1
unset OFFLOAD_SCRIPT
umask 022
cd "$__ofl_wd" 2>/dev/null || { echo "offload: working directory $__ofl_wd does not exist on the remote" >&2; exit 1; }
if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null & else "$@" </dev/null & fi
__ofl_pid=$!
echo "$__ofl_pid" > "$__ofl_ctl/pid"
(
  __ofl_n=0
  while kill -0 "$__ofl_pid" 2>/dev/null; do
    if [ "$__ofl_n" -ge "$__ofl_t" ]; then
      : > "$__ofl_ctl/timedout"
      kill -TERM -"$__ofl_pid" 2>/dev/null || kill -TERM "$__ofl_pid" 2>/dev/null
      __ofl_i=0
      while kill -0 -"$__ofl_pid" 2>/dev/null && [ "$__ofl_i" -lt 5 ]; do sleep 1; __ofl_i=$((__ofl_i+1)); done
      kill -KILL -"$__ofl_pid" 2>/dev/null
      exit 0
    fi
    sleep 1; __ofl_n=$((__ofl_n+1))
  done
) </dev/null >/dev/null 2>&1 &
wait "$__ofl_pid"; __ofl_rc=$?
[ -e "$__ofl_ctl/timedout" ] && __ofl_rc=124
rm -rf -- "$__ofl_ctl"
exit "$__ofl_rc"`

/** $1 = control dir. Kills the recorded process group: TERM, then KILL after up to 3 s. */
export const KILL_SCRIPT = `ctl=$1
[ -d "$ctl" ] && [ ! -h "$ctl" ] && [ -O "$ctl" ] && [ -f "$ctl/pid" ] || exit 0
pid=$(cat "$ctl/pid")
[ -n "$pid" ] && [ "$pid" -gt 1 ] || exit 0
kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
i=0
while kill -0 -"$pid" 2>/dev/null && [ "$i" -lt 6 ]; do sleep 0.5 2>/dev/null || sleep 1; i=$((i+1)); done
kill -KILL -"$pid" 2>/dev/null
exit 0`

/**
 * $1 = directory, $2 = codec (zstd or gzip), then paths relative to it. Streams them as a
 * compressed tar on stdout (zstd level 1 on all cores when the remote has zstd), then prints
 * `offload-sent <bytes> <sha256|none>` of what it wrote on stderr, for the runner to check what
 * arrived. Exits with tar's status.
 *
 * tee writes in pieces of 8 KiB (GNU coreutils' BUFSIZ) and sshd sends about one packet per
 * write, where every packet costs the runner's one thread a decrypt, a hash update and a write
 * into the decompressor. dd regroups the stream into 64 KiB writes (an ibs that differs from
 * obs makes GNU and busybox dd fill every output block), so that sshd sends full 32 KiB packets
 * (ssh2's maximum): on the bench's 200 MB download, 5048 packets instead of about 7200, and less
 * of the runner's CPU (README, Performance). A dd that refuses these operands (a busybox built
 * without them) leaves the stream as tee writes it. Where dd reports the bytes it copied (GNU dd,
 * busybox's third status line; the probe's `0 bytes` says so, in the remote's own language) that
 * report is the count, and tee feeds only the hash: one FIFO and one copy of the archive fewer
 * than a `wc -c` beside it, which the others still use.
 */
export const DOWNLOAD_SCRIPT = `${HASH_FUNCTION}
d=$1; c=$2; shift 2
cd "$d" || exit 1
t=\${TMPDIR:-/tmp}/offload-download.$$
rm -rf -- "$t"; (umask 077 && mkdir -- "$t") && mkfifo -- "$t/h" || exit 1
ofl_hash < "$t/h" > "$t/sum" &
w=$(dd ibs=32768 obs=65536 count=0 </dev/null 2>&1 >/dev/null) && k=dd || k=
case $k$w in dd*'0 bytes'*) k=dd-count ;; esac
if [ "$k" = dd-count ]; then
  ofl_send() { tee -- "$t/h" | dd ibs=32768 obs=65536 2>"$t/dd"; }
else
  mkfifo -- "$t/n" || exit 1
  wc -c < "$t/n" | tr -d ' ' > "$t/count" &
  if [ "$k" = dd ]; then
    ofl_send() { tee -- "$t/h" "$t/n" | dd ibs=32768 obs=65536 2>/dev/null; }
  else
    ofl_send() { tee -- "$t/h" "$t/n"; }
  fi
fi
if [ "$c" = zstd ]; then
  { tar -cf - -- "$@"; echo $? > "$t/rc"; } | zstd -1 -T0 -qc | ofl_send
else
  { tar -czf - -- "$@"; echo $? > "$t/rc"; } | ofl_send
fi
wait
[ "$k" = dd-count ] && sed -n 's/^\\([0-9][0-9]*\\) bytes.*/\\1/p' "$t/dd" > "$t/count"
echo "offload-sent $(cat "$t/count") $(cat "$t/sum")" >&2
rc=$(cat "$t/rc" 2>/dev/null || echo 1)
rm -rf -- "$t"
exit "\${rc:-1}"`
