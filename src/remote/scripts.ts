/**
 * The POSIX sh programs Offload runs on a remote shell. Kept to sh, find, tar, mkdir, cat, kill,
 * sleep and setsid (util-linux or busybox) so they work in slim images.
 */

/** $1 = dir. Empties (or creates) the directory, then extracts the gzip tar on stdin into it. */
export const SYNC_SCRIPT = `set -e
d=$1
mkdir -p -- "$d"
find "$d" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
exec tar -xzof - -C "$d"`

/** $1 = control dir, $2 = file name. Writes stdin to the file, private to the remote user. */
export const WRITE_FILE_SCRIPT = `set -e
umask 077
mkdir -p -- "$1"
cat > "$1/$2"`

/**
 * $1 = control dir, $2 = working directory, $3 = timeout in seconds, then the command's argv.
 * Reads `export` lines from stdin, starts the command in its own session (so the whole process
 * group can be killed), records its pid for cancellation, and runs a watchdog that kills the group
 * when the timeout expires (exit 124). The watchdog polls once a second so it ends with the
 * command and leaves no sleeping process behind.
 */
export const RUN_SCRIPT = `ctl=$1; wd=$2; t=$3; shift 3
umask 077
cat > "$ctl/env.sh" || exit 1
. "$ctl/env.sh"
rm -f "$ctl/env.sh"
umask 022
cd "$wd" 2>/dev/null || { echo "offload: working directory $wd does not exist on the remote" >&2; exit 1; }
if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null & else "$@" </dev/null & fi
pid=$!
echo "$pid" > "$ctl/pid"
(
  n=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$n" -ge "$t" ]; then
      : > "$ctl/timedout"
      kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
      i=0
      while kill -0 -"$pid" 2>/dev/null && [ "$i" -lt 5 ]; do sleep 1; i=$((i+1)); done
      kill -KILL -"$pid" 2>/dev/null
      exit 0
    fi
    sleep 1; n=$((n+1))
  done
) </dev/null >/dev/null 2>&1 &
wait "$pid"; rc=$?
[ -e "$ctl/timedout" ] && rc=124
rm -rf -- "$ctl"
exit "$rc"`

/** $1 = control dir. Kills the recorded process group: TERM, then KILL after up to 3 s. */
export const KILL_SCRIPT = `ctl=$1
[ -f "$ctl/pid" ] || exit 0
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
