/**
 * The POSIX sh programs Offload runs on a remote shell. Kept to sh, find, tar, mkdir, cat, kill,
 * sleep and setsid (util-linux or busybox) so they work in slim images.
 */

/** Prints the archive codec this remote can extract: zstd when the zstd program is there, else gzip. */
export const CODEC_PROBE_SCRIPT = `if command -v zstd >/dev/null 2>&1; then echo zstd; else echo gzip; fi`

/**
 * $1 = dir, $2 = codec (zstd or gzip). Empties (or creates) the directory, then extracts the tar
 * on stdin into it. zstd goes through the zstd program so that any tar, not only one that knows
 * --zstd, can take it.
 */
export const SYNC_SCRIPT = `set -e
d=$1
mkdir -p -- "$d"
find "$d" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
if [ "$2" = zstd ]; then
  zstd -dcq | tar -xof - -C "$d"
else
  exec tar -xzof - -C "$d"
fi`

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

/** $1 = directory, then paths relative to it. Streams them as a gzip tar on stdout. */
export const DOWNLOAD_SCRIPT = `d=$1; shift
cd "$d" || exit 1
exec tar -czf - -- "$@"`
