import { SYNC_STAGING } from './scripts'

/**
 * The POSIX sh programs of an incremental re-sync (src/remote/resync.ts). The listing needs a find
 * with -printf and -newerct (GNU findutils); a remote without them is re-synced in full.
 */

/**
 * One NUL-terminated record triple per entry: "type size mtime mode ctime inode", path, link
 * target. The ctime catches a rewrite whose mtime was put back, the inode a directory replaced by
 * another one (whose entries may be older than the last listing).
 */
const RECORD = `%y %s %T@ %m %C@ %i\\0%P\\0%l\\0`

/** The listing's own scratch files, in the top directory (so stamped by its file system), left out of every listing. */
const PROBE = `${SYNC_STAGING}-probe`
const NOT_PROBE = `! -path "./${PROBE}.*"`

/**
 * The remote clock's "now" as its file system stamps it: the mtime of a probe file, printed only
 * once a second probe is stamped later (a coarse clock or a 1 s / 2 s file system stamps several
 * writes alike). Every change made after this script lists an entry then gets a ctime above the
 * printed time, which the next listing's -newerct compares with. `-` when the tree takes no probe
 * (the next re-sync then lists the whole tree). The first probe's find also tells whether find
 * has -printf and -newerct (else `no-printf`): one process fewer than a check of its own.
 */
const REMOTE_NOW = `t=-
if touch -- "$p.a" 2>/dev/null; then
  t=$(find "$p.a" -maxdepth 0 -newerct @1.5 -printf '%T@' 2>/dev/null)
  [ -n "$t" ] || { echo no-printf; exit 0; }
  n=0
  until touch -- "$p.b" && [ -n "$(find "$p.b" -maxdepth 0 -newer "$p.a" -printf x)" ]; do
    n=$((n + 1))
    if [ "$n" -ge 300 ]; then t=-; break; fi
    sleep 0.01
  done
else
  find . -maxdepth 0 -newerct @1.5 -printf '' 2>/dev/null || { echo no-printf; exit 0; }
fi`

/**
 * $1 = dir, $2 = the time the last listing printed, or `-` for none. Prints a status line, then
 * the records: `missing` when there is no such directory, `no-printf` when find cannot list;
 * else `listing <codec> <now>` and the whole tree's records (when $2 is `-`), or `since <codec>
 * <now>` and the records of the entries whose ctime is after $2 (changed, created, renamed,
 * chmodded: any change moves the ctime, and nothing but the clock can set it back), then the field
 * `=children` and, as ./<path> fields, the entries directly inside the top directory and inside
 * every directory listed (a deletion moves its directory's ctime: what is no longer there is gone).
 * <codec> is what CODEC_PROBE_SCRIPT would print (src/remote/scripts.ts), <now> is REMOTE_NOW.
 */
export const RESYNC_LIST_SCRIPT = `cd -- "$1" 2>/dev/null || { echo missing; exit 0; }
if command -v zstd >/dev/null 2>&1; then c=zstd; else c=gzip; fi
p=./${PROBE}
trap 'rm -f -- "$p.a" "$p.b" "$p.dirs"' EXIT
${REMOTE_NOW}
if [ "$2" = - ]; then
  echo "listing $c $t"
  find . -mindepth 1 ${NOT_PROBE} -printf '${RECORD}'
  exit
fi
echo "since $c $t"
find . -mindepth 1 ${NOT_PROBE} -newerct "@$2" -printf '${RECORD}' -type d -fprint0 "$p.dirs" || exit 1
printf '=children\\0'
# Nothing changed (the common case): only the top directory's entries, without xargs and sh.
if [ -s "$p.dirs" ]; then
  xargs -0 -a "$p.dirs" sh -c 'exec find . "$@" -mindepth 1 -maxdepth 1 ${NOT_PROBE} -printf "%p\\0"' offload-children 2>/dev/null
else
  find . -mindepth 1 -maxdepth 1 ${NOT_PROBE} -printf '%p\\0' 2>/dev/null
fi
exit 0`

/**
 * $1 = dir, then paths as ./<path>: prints `given`, then the record of each (named as given; one
 * that is not there is left out).
 */
export const RESYNC_LIST_GIVEN_SCRIPT = `cd -- "$1" || exit 1
shift
echo given
find "$@" -maxdepth 0 -printf '${RECORD.replace('%P', '%p')}' 2>/dev/null
exit 0`

/** $1 = dir. Removes the NUL-separated relative paths on stdin (recursively) from the directory. */
export const RESYNC_REMOVE_SCRIPT = `cd -- "$1" || exit 1
exec xargs -0 rm -rf --`
