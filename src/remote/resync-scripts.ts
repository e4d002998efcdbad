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
 * $1 = dir. Prints a status line, then (status `listing`) the tree below the directory: `missing`
 * when there is no such directory, `no-printf` when find cannot print the listing.
 */
export const RESYNC_LIST_SCRIPT = `cd -- "$1" 2>/dev/null || { echo missing; exit 0; }
find . -maxdepth 0 -printf '' 2>/dev/null || { echo no-printf; exit 0; }
echo listing
exec ${LISTING}`

/** $1 = dir. Removes the NUL-separated relative paths on stdin (recursively) from the directory. */
export const RESYNC_REMOVE_SCRIPT = `cd -- "$1" || exit 1
exec xargs -0 rm -rf --`

/**
 * $1 = dir, $2 = codec (zstd or gzip), then the paths to list (each as ./<path>), or none for the
 * whole tree. Extracts the tar on stdin into the directory over what is there (nothing is
 * emptied: the runner removed what must go first), then lists those paths (the records name them
 * as given) or, with none, the tree as RESYNC_LIST_SCRIPT does. A path find cannot list is left
 * out (the next re-sync sends it again): only the extraction decides the exit status.
 */
export const RESYNC_APPLY_SCRIPT = `set -e
cd -- "$1"
codec=$2; shift 2
if [ "$codec" = zstd ]; then
  zstd -dcq | tar -xof -
else
  tar -xzof -
fi
echo listing
if [ $# -gt 0 ]; then
  find "$@" -maxdepth 0 -printf '%y %s %T@ %m %C@\\0%p\\0%l\\0' 2>/dev/null || :
else
  ${LISTING} || :
fi`
