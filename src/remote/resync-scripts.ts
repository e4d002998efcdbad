/**
 * The POSIX sh programs of an incremental re-sync (src/remote/resync.ts). The listing needs a find
 * with -printf (GNU findutils); a remote without one is re-synced in full.
 */

/**
 * One NUL-terminated record triple per entry below the current directory: "type size mtime mode
 * ctime", path, link target. The ctime catches a rewrite whose mtime was put back.
 */
const LISTING = `find . -mindepth 1 -printf '%y %s %T@ %m %C@\\0%P\\0%l\\0'`

/**
 * $1 = dir, then the paths to list (each as ./<path>), or none for the whole tree below the
 * directory. Prints a status line, then (status `listing`) the records (a given path's record
 * names it as given; one find cannot list is left out): `missing` when there is no such
 * directory, `no-printf` when find cannot print the listing.
 */
export const RESYNC_LIST_SCRIPT = `cd -- "$1" 2>/dev/null || { echo missing; exit 0; }
find . -maxdepth 0 -printf '' 2>/dev/null || { echo no-printf; exit 0; }
echo listing
shift
if [ $# -gt 0 ]; then
  find "$@" -maxdepth 0 -printf '%y %s %T@ %m %C@\\0%p\\0%l\\0' 2>/dev/null
  exit 0
fi
exec ${LISTING}`

/** $1 = dir. Removes the NUL-separated relative paths on stdin (recursively) from the directory. */
export const RESYNC_REMOVE_SCRIPT = `cd -- "$1" || exit 1
exec xargs -0 rm -rf --`
