/**
 * $1 = remote workspace, then pairs of anchor (workspace, home, absolute) and path. Prints one line
 * per pair: `dir`, `other` (exists, not a directory), `missing` or `nohome` (HOME unset or /), a
 * space, and the absolute path. POSIX sh only, as src/remote/scripts.ts.
 */
export const CACHE_PROBE_SCRIPT = `ws=$1; shift
while [ $# -ge 2 ]; do
  case $1 in
    workspace) p=$ws/$2;;
    home) if [ -z "$HOME" ] || [ "$HOME" = / ]; then echo nohome; shift 2; continue; fi; p=\${HOME%/}/$2;;
    *) p=$2;;
  esac
  if [ -d "$p" ] && [ ! -h "$p" ]; then s=dir; elif [ -e "$p" ] || [ -h "$p" ]; then s=other; else s=missing; fi
  printf '%s %s\\n' "$s" "$p"
  shift 2
done`
