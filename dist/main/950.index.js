"use strict";
exports.id = 950;
exports.ids = [950];
exports.modules = {

/***/ 30950:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  LeaseSync: () => (/* binding */ LeaseSync),
  currentListing: () => (/* binding */ currentListing),
  parseListing: () => (/* binding */ parseListing),
  planDelta: () => (/* binding */ planDelta)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(37484);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js
var schemas = __webpack_require__(55156);
// EXTERNAL MODULE: ./src/lease-file.ts
var lease_file = __webpack_require__(27840);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
// EXTERNAL MODULE: ./src/util/redact.ts
var redact = __webpack_require__(50767);
// EXTERNAL MODULE: ./src/util/units.ts
var units = __webpack_require__(46127);
// EXTERNAL MODULE: ./src/transfer/tools.ts
var tools = __webpack_require__(60292);
// EXTERNAL MODULE: ./src/workspace/archive.ts + 1 modules
var workspace_archive = __webpack_require__(19984);
// EXTERNAL MODULE: ./src/util/file-hash.ts
var file_hash = __webpack_require__(81881);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./src/util/paced.ts


/**
 * Long synchronous loops written as generators that yield at checkpoints, run either at once
 * (drain) or handing the event loop back every SLICE_MS (paced). Paced, I/O already under way
 * proceeds meanwhile: a re-sync starts its remote listing exec and then parses its manifest and
 * scans the workspace, and an exec only starts once the event loop has sent its channel-open and
 * exec requests and read the replies (SSH), or its WebSocket upgrade (Nomad). Run at once, the
 * ~50 ms of parsing and scanning of the bench's 20k-file tree came before the remote even began
 * listing (bench/: re-sync rows).
 */
const SLICE_MS = 2;
/** Runs the steps to the end without yielding. */
function paced_drain(steps) {
    for (;;) {
        const r = steps.next();
        if (r.done)
            return r.value;
    }
}
/** Runs the steps, letting the event loop turn whenever SLICE_MS have passed since it last did. */
async function paced(steps) {
    let last = external_node_perf_hooks_.performance.now();
    for (;;) {
        const r = steps.next();
        if (r.done)
            return r.value;
        if (external_node_perf_hooks_.performance.now() - last >= SLICE_MS) {
            await (0,promises_.setImmediate)();
            last = external_node_perf_hooks_.performance.now();
        }
    }
}
/** How many loop iterations pass between checkpoints (a performance.now() each). */
const CHECKPOINT_EVERY = 256;

;// CONCATENATED MODULE: ./src/workspace/manifest.ts



/**
 * A file whose ctime is this close to (or after) the moment the manifest was taken can still change
 * without its size or times changing (a write in the same timestamp tick: coarse clocks, 1 s or 2 s
 * file systems). Such an entry keeps a content hash, as git's index does for "racily clean" files.
 */
const RACY_WINDOW_MS = 2000;
function isRacy(entry, takenAtMs) {
    return entry.ctimeMs >= takenAtMs - RACY_WINDOW_MS;
}
/** Joined only for the few calls that need it (path.join per entry costs more than the comparison). */
const absolute = (plan, rel) => `${plan.root}/${rel}`;
/**
 * Stats every planned entry and compares it with `base` (the manifest of the last sync on this
 * lease). Changed: new, another type, size, mode, mtime or link target, or a substituted file.
 * Same size and mtime but another ctime or inode (rewritten and its mtime put back, replaced by a
 * rename) or a racy base entry: the content hash decides, and without a base hash it counts as
 * changed. The stats are the plan's own when it kept them (one walk per step: planning already
 * lstat'ed every file; a file changed since then differs next time), else taken here. Synchronous
 * file calls: see walk() in files.ts.
 */
function scanLocal(plan, base, takenAtMs = Date.now()) {
    return paced_drain(scanningLocal(plan, base, takenAtMs));
}
/** scanLocal as steps (src/util/paced.ts): a re-sync scans while its remote listing exec gets going. */
function* scanningLocal(plan, base, takenAtMs = Date.now()) {
    const manifest = new Map();
    const changed = [];
    let differs = base === undefined || base.size !== plan.files.length;
    for (let i = 0; i < plan.files.length; i++) {
        if (i % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1)
            yield;
        const rel = plan.files[i];
        const st = plan.stats?.[i] ?? external_node_fs_.lstatSync(absolute(plan, rel));
        const link = st.isSymbolicLink();
        const entry = { type: link ? 'link' : 'file', size: st.size, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, inode: st.ino };
        if (link)
            entry.target = external_node_fs_.readlinkSync(absolute(plan, rel));
        if (plan.contents?.has(rel))
            entry.substituted = true;
        let prev;
        if (base instanceof RecordedManifest) {
            const at = base.find(rel, i);
            prev = at >= 0 ? base.entry(at) : undefined;
        }
        else
            prev = base?.get(rel);
        let isChanged;
        let sha256;
        if (!prev || entry.substituted || prev.substituted)
            isChanged = true;
        else if (prev.type !== entry.type || prev.size !== entry.size || prev.mode !== entry.mode || prev.mtimeMs !== entry.mtimeMs || prev.target !== entry.target)
            isChanged = true;
        else if (entry.type === 'file' && (prev.ctimeMs !== entry.ctimeMs || prev.inode !== entry.inode || prev.sha256 !== undefined)) {
            sha256 = (0,file_hash/* fileSha256 */.s)(absolute(plan, rel));
            isChanged = prev.sha256 !== sha256;
        }
        else
            isChanged = false;
        // Set only when kept (a delete would turn every entry into a slow dictionary object).
        if (entry.type === 'file' && !entry.substituted && isRacy(entry, takenAtMs))
            entry.sha256 = sha256 ?? (0,file_hash/* fileSha256 */.s)(absolute(plan, rel));
        manifest.set(rel, entry);
        if (isChanged)
            changed.push(rel);
        differs ||= isChanged || !prev || prev.ctimeMs !== entry.ctimeMs || prev.inode !== entry.inode || prev.sha256 !== entry.sha256;
    }
    return { manifest, changed, differs };
}
const COLUMNS = ['size', 'mode', 'mtimeMs', 'ctimeMs', 'inode'];
/**
 * The manifest as stored. Given the stored paths of the last manifest (split and joined) and the
 * same paths in the same order (a re-sync of the same files), it keeps their joined text instead
 * of joining them again.
 */
function storeManifest(manifest, previous) {
    const n = manifest.size;
    const out = { paths: '', types: '', numbers: new Float64Array(COLUMNS.length * n), targets: {}, sha256: {}, substituted: [] };
    let paths = [];
    let same = previous?.pathList.length === n;
    let types = '';
    const x = out.numbers;
    let i = 0;
    for (const [p, e] of manifest) {
        if (!same || previous.pathList[i] !== p) {
            // The paths before the first that differs were not gathered: they are the previous ones.
            if (same)
                paths = previous.pathList.slice(0, i);
            same = false;
            paths.push(p);
        }
        types += e.type === 'file' ? 'f' : 'l';
        x[i] = e.size;
        x[n + i] = e.mode;
        x[2 * n + i] = e.mtimeMs;
        x[3 * n + i] = e.ctimeMs;
        x[4 * n + i] = e.inode;
        if (e.target !== undefined)
            out.targets[i] = e.target;
        if (e.sha256 !== undefined)
            out.sha256[i] = e.sha256;
        if (e.substituted)
            out.substituted.push(i);
        i++;
    }
    out.paths = same ? previous.paths : paths.join('\0');
    out.types = types;
    return out;
}
/**
 * The manifest the last sync recorded, read from its columns. A re-sync looks up each planned
 * path where the plan has it: the plan's paths are sorted, so with the same files it is the same
 * index, and a path elsewhere is found through an index built only then. No map and no object per
 * entry are made up front (for 20k entries those cost the runner's thread ~10 ms and much of its
 * garbage collection: bench/, re-sync rows). An entry with a value that is not what
 * storeManifest writes (not finite, another type) is absent, so its path counts as changed.
 */
class RecordedManifest {
    paths;
    stored;
    valid;
    size;
    index;
    lookups = 0;
    constructor(paths, stored, valid) {
        this.paths = paths;
        this.stored = stored;
        this.valid = valid;
        this.size = valid.reduce((n, v) => n + v, 0);
    }
    /** Where `p` is (`hint`: where the plan has it), or -1. */
    find(p, hint = -1) {
        if (hint >= 0 && this.paths[hint] === p)
            return this.valid[hint] ? hint : -1;
        // A few look-ups scan; more build the index once.
        let at;
        if (this.index)
            at = this.index.get(p) ?? -1;
        else if (++this.lookups <= 8)
            at = this.paths.indexOf(p);
        else {
            this.index = new Map();
            for (let i = 0; i < this.paths.length; i++)
                this.index.set(this.paths[i], i);
            at = this.index.get(p) ?? -1;
        }
        return at >= 0 && this.valid[at] ? at : -1;
    }
    has(p) {
        return this.find(p) >= 0;
    }
    /** The entry at `i` (a found index). */
    entry(i) {
        const { numbers: x, types } = this.stored;
        const n = this.paths.length;
        const entry = {
            type: types[i] === 'f' ? 'file' : 'link',
            size: x[i],
            mode: x[n + i],
            mtimeMs: x[2 * n + i],
            ctimeMs: x[3 * n + i],
            inode: x[4 * n + i]
        };
        const target = this.stored.targets[i];
        if (typeof target === 'string')
            entry.target = target;
        const sha256 = this.stored.sha256[i];
        if (typeof sha256 === 'string')
            entry.sha256 = sha256;
        if (this.stored.substituted.includes(i))
            entry.substituted = true;
        return entry;
    }
    get(p) {
        const i = this.find(p);
        return i >= 0 ? this.entry(i) : undefined;
    }
}
/** The stored manifest back, or undefined when its columns do not line up. */
function loadManifest(s) {
    return drain(loadingManifest(s));
}
/** loadManifest as steps (src/util/paced.ts). */
function* loadingManifest(s, paths = s.paths === '' ? [] : s.paths.split('\0')) {
    const n = paths.length;
    if (s.types.length !== n || s.numbers.length !== COLUMNS.length * n)
        return undefined;
    const x = s.numbers;
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
        if (i % (4 * CHECKPOINT_EVERY) === 4 * CHECKPOINT_EVERY - 1)
            yield;
        const t = s.types[i];
        valid[i] = (t === 'f' || t === 'l') && Number.isFinite(x[i] + x[n + i] + x[2 * n + i] + x[3 * n + i] + x[4 * n + i]) ? 1 : 0;
    }
    return new RecordedManifest(paths, s, valid);
}
/** The plan narrowed to `files` (a subset of its own, in its order): what a re-sync archives. */
function subsetPlan(plan, files, manifest) {
    let bytes = 0;
    for (const rel of files) {
        const entry = manifest.get(rel);
        if (entry?.type === 'file')
            bytes += plan.contents?.get(rel)?.length ?? entry.size;
    }
    return { root: plan.root, files, bytes, contents: plan.contents };
}

// EXTERNAL MODULE: ./src/remote/scripts.ts
var scripts = __webpack_require__(8738);
;// CONCATENATED MODULE: ./src/remote/resync-scripts.ts

/**
 * The POSIX sh programs of an incremental re-sync (src/remote/resync.ts). The listing needs a find
 * with -printf and -newerct (GNU findutils); a remote without them is re-synced in full.
 */
/**
 * One NUL-terminated record triple per entry: "type size mtime mode ctime inode", path, link
 * target. The ctime catches a rewrite whose mtime was put back, the inode a directory replaced by
 * another one (whose entries may be older than the last listing).
 */
const RECORD = `%y %s %T@ %m %C@ %i\\0%P\\0%l\\0`;
/** The listing's own scratch files, in the top directory (so stamped by its file system), left out of every listing. */
const PROBE = `${scripts/* SYNC_STAGING */.Wg}-probe`;
const NOT_PROBE = `! -path "./${PROBE}.*"`;
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
fi`;
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
const RESYNC_LIST_SCRIPT = `cd -- "$1" 2>/dev/null || { echo missing; exit 0; }
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
exit 0`;
/**
 * $1 = dir, then paths as ./<path>: prints `given`, then the record of each (named as given; one
 * that is not there is left out).
 */
const RESYNC_LIST_GIVEN_SCRIPT = `cd -- "$1" || exit 1
shift
echo given
find "$@" -maxdepth 0 -printf '${RECORD.replace('%P', '%p')}' 2>/dev/null
exit 0`;
/** $1 = dir. Removes the NUL-separated relative paths on stdin (recursively) from the directory. */
const RESYNC_REMOVE_SCRIPT = `cd -- "$1" || exit 1
exec xargs -0 rm -rf --`;

// EXTERNAL MODULE: ./src/remote/workspace-ops.ts + 2 modules
var workspace_ops = __webpack_require__(37214);
// EXTERNAL MODULE: ./src/remote/sink.ts
var sink = __webpack_require__(90187);
;// CONCATENATED MODULE: ./src/remote/resync.ts

















const LISTING_MAX_BYTES = 64 * 1024 * 1024;
const LISTING_HEADER = /^[a-zA-Z] \d+ \d+(?:\.\d+)? [0-7]{1,6} \d+(?:\.\d+)? \d+$/;
const REMOTE_TIME = /^\d{1,12}(?:\.\d{1,10})?$/;
const STATUS = /^(listing|since) (zstd|gzip) (\S+)$|^(given)$/;
const CHILDREN = '=children';
/** Keeps what a listing script prints, up to LISTING_MAX_BYTES (beyond: overflowed, the rest dropped). */
class ListingSink extends external_node_stream_.Writable {
    chunks = [];
    size = 0;
    overflowed = false;
    _write(chunk, _enc, done) {
        if (this.size + chunk.length > LISTING_MAX_BYTES)
            this.overflowed = true;
        else {
            this.chunks.push(chunk);
            this.size += chunk.length;
        }
        done();
    }
    bytes() {
        return Buffer.concat(this.chunks, this.size);
    }
}
function isSafeRelative(p) {
    return p !== '' && !p.startsWith('/') && p.split('/').every(c => c !== '' && c !== '.' && c !== '..');
}
/** What a listing script printed, or why it cannot be used. */
function parseListing(out, overflowed = false) {
    if (overflowed)
        return `the remote listing is over ${LISTING_MAX_BYTES / 1024 / 1024} MiB`;
    const nl = out.indexOf(0x0a);
    const status = out.subarray(0, nl < 0 ? out.length : nl).toString('utf8');
    if (status === 'missing')
        return 'the remote directory is missing';
    if (status === 'no-printf')
        return "the remote's find cannot list the tree (no -printf or -newerct)";
    const m = STATUS.exec(status);
    if (!m || nl < 0 || (m[3] !== undefined && m[3] !== '-' && !REMOTE_TIME.test(m[3])))
        return 'the remote listing is malformed';
    const kind = (m[1] ?? m[4]);
    const prefix = kind === 'given' ? './' : '';
    let text;
    try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(out.subarray(nl + 1));
    }
    catch {
        return 'the remote tree holds a name that is not UTF-8';
    }
    const fields = text.split('\0');
    if (fields.pop() !== '')
        return 'the remote listing is malformed';
    const split = kind === 'since' ? fields.indexOf(CHILDREN) : fields.length;
    if (split < 0 || split % 3 !== 0)
        return 'the remote listing is malformed';
    const records = new Map();
    for (let i = 0; i < split; i += 3) {
        const [header, given, target] = [fields[i], fields[i + 1], fields[i + 2]];
        const name = given.slice(prefix.length);
        if (!given.startsWith(prefix) || !LISTING_HEADER.test(header) || !isSafeRelative(name) || records.has(name))
            return 'the remote listing is malformed';
        records.set(name, `${header}\0${target}`);
    }
    const children = new Set();
    for (let i = split + 1; i < fields.length; i++) {
        const given = fields[i];
        const name = given.slice(2);
        if (!given.startsWith('./') || !isSafeRelative(name))
            return 'the remote listing is malformed';
        children.add(name);
    }
    return { kind, codec: (m[2] ?? 'gzip'), next: m[3] === '-' ? undefined : m[3], records, children };
}
const typeOf = (record) => record[0];
const headerField = (record, n) => record.slice(0, record.indexOf('\0')).split(' ')[n];
function ancestors(p) {
    const out = [];
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1))
        out.push(p.slice(0, i));
    return out;
}
/**
 * The tree as it is now: a whole listing as given, a since-listing laid over the recorded one.
 * Changed: whether it differs from `recorded` (when it does not, `recorded` itself is returned). A
 * string when the two passes of the listing disagree (something changed the tree while it was
 * listed).
 */
function currentListing(recorded, report) {
    if (report.kind === 'listing')
        return { listing: report.records, changed: !sameListing(report.records, recorded) };
    if (report.kind !== 'since')
        return 'the remote listing is malformed';
    for (const c of report.children)
        if (!recorded.has(c) && !report.records.has(c))
            return 'the remote tree changed while it was listed';
    // An entry whose directory was listed and that is not in it is gone, with all below it.
    const listed = new Set(['']);
    for (const [p, r] of report.records)
        if (typeOf(r) === 'd')
            listed.add(p);
    // With only the top directory listed (nothing changed remotely), no parent is cut out of a path.
    const onlyTop = listed.size === 1;
    const isGone = (p) => {
        const slash = p.lastIndexOf('/');
        if (slash < 0)
            return !report.children.has(p);
        return !onlyTop && listed.has(p.slice(0, slash)) && !report.children.has(p);
    };
    const gone = [];
    for (const p of recorded.keys())
        if (isGone(p))
            gone.push(p);
    for (const p of report.records.keys())
        if (!recorded.has(p) && isGone(p))
            gone.push(p);
    if (!gone.length && [...report.records].every(([p, r]) => recorded.get(p) === r))
        return { listing: recorded, changed: false };
    const listing = new Map(recorded);
    for (const [p, r] of report.records)
        listing.set(p, r);
    return { listing: without(listing, gone), changed: true };
}
/**
 * What a re-sync sends and removes (the rule is in this file's header comment). `recordedLocal`
 * (the manifest the last sync recorded) allows the common case's shortcut: the remote tree is as
 * recorded (`now` is `before`) and the same paths are planned, so the recorded tree is what a full
 * sync of this plan makes apart from the changed entries: only those are sent, and removed first
 * where they changed type.
 */
function planDelta(local, changed, before, now, recordedLocal) {
    if (now === before && recordedLocal?.size === local.size && changed.every(p => recordedLocal.has(p))) {
        const wanted = (p) => (local.get(p)?.type === 'link' ? 'l' : 'f');
        const remove = changed.filter(p => now.has(p) && typeOf(now.get(p)) !== wanted(p));
        const send = new Set(changed);
        for (const p of local.keys())
            if (!now.has(p))
                send.add(p);
        return { send: send.size === changed.length ? changed : [...local.keys()].filter(p => send.has(p)), remove };
    }
    const dirs = new Set();
    for (const p of local.keys())
        for (let i = p.lastIndexOf('/'); i > 0 && !dirs.has(p.slice(0, i)); i = p.lastIndexOf('/', i - 1))
            dirs.add(p.slice(0, i));
    const removed = new Set();
    const covered = (p) => removed.size > 0 && (removed.has(p) || ancestors(p).some(a => removed.has(a)));
    for (const [p, record] of now) {
        if (covered(p))
            continue;
        const entry = local.get(p);
        const want = entry ? (entry.type === 'file' ? 'f' : 'l') : dirs.has(p) ? 'd' : undefined;
        const prev = before.get(p);
        const keep = want !== undefined &&
            typeOf(record) === want &&
            (want !== 'd' || (prev !== undefined && headerField(prev, 3) === headerField(record, 3) && headerField(prev, 5) === headerField(record, 5)));
        if (!keep)
            removed.add(p);
    }
    const send = new Set(changed);
    for (const p of local.keys()) {
        const record = now.get(p);
        if (record === undefined || record !== before.get(p) || covered(p))
            send.add(p);
    }
    return { send: [...local.keys()].filter(p => send.has(p)), remove: [...removed] };
}
function sameListing(a, b) {
    if (a.size !== b.size)
        return false;
    for (const [p, r] of a)
        if (b.get(p) !== r)
            return false;
    return true;
}
/** The listing after removing `paths` (each with everything below it). */
function without(listing, paths) {
    if (!paths.length)
        return listing;
    const gone = new Set(paths);
    const out = new Map();
    for (const [p, r] of listing)
        if (!gone.has(p) && !ancestors(p).some(a => gone.has(a)))
            out.set(p, r);
    return out;
}
/** Beyond this many argv bytes of paths, the tree is listed since the last listing instead. */
const LISTED_ARGV_MAX = 64 * 1024;
/** The sent paths, the directories above them (the extraction wrote them) and those of removed paths, or undefined past LISTED_ARGV_MAX. */
function listedAfter(sent, removed) {
    const paths = new Set();
    let bytes = 0;
    const add = (p) => {
        if (paths.has(p))
            return;
        paths.add(p);
        bytes += p.length + 3;
    };
    for (const p of sent) {
        for (const a of ancestors(p))
            add(a);
        add(p);
        if (bytes > LISTED_ARGV_MAX)
            return undefined;
    }
    for (const p of removed) {
        for (const a of ancestors(p))
            add(a);
        if (bytes > LISTED_ARGV_MAX)
            return undefined;
    }
    return [...paths];
}
/** `listing` with the records of `given` paths replaced by what the remote listed (one it did not list is gone, with all below it). */
function withGiven(listing, given, records) {
    const out = new Map(listing);
    for (const [p, r] of records)
        out.set(p, r);
    return without(out, given.filter(p => !records.has(p)));
}
const headerSchema = schemas.object({ version: schemas.literal(3), remoteDir: schemas.string(), since: schemas.string().regex(REMOTE_TIME).nullable() });
const byteCount = schemas.number().int().nonnegative();
const metaSchema = schemas.object({
    types: schemas.string(),
    targets: schemas.record(schemas.string(), schemas.string()),
    sha256: schemas.record(schemas.string(), schemas.string()),
    substituted: schemas.array(schemas.number().int().nonnegative()),
    numbersBytes: byteCount.multipleOf(8),
    pathsBytes: byteCount,
    remoteBytes: byteCount
});
const DAMAGED = 'the manifest of the last sync is damaged';
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
/** The header at once; the body when called (the caller overlaps that with the listing exec). */
function readBase(leaseId) {
    let file;
    try {
        file = external_node_fs_.readFileSync((0,lease_file/* manifestFileOf */.dr)(leaseId));
    }
    catch {
        return 'no manifest of an earlier sync on this lease';
    }
    const nl = file.indexOf(0x0a);
    const header = headerSchema.safeParse(parseJson(file.toString('utf8', 0, Math.max(0, nl))));
    if (nl < 0 || !header.success)
        return DAMAGED;
    const body = function* () {
        const nl2 = file.indexOf(0x0a, nl + 1);
        const parsed = metaSchema.safeParse(parseJson(file.toString('utf8', nl + 1, Math.max(nl + 1, nl2))));
        if (nl2 < 0 || !parsed.success)
            return DAMAGED;
        const meta = parsed.data;
        const at = nl2 + 1;
        if (at + meta.numbersBytes + meta.pathsBytes + meta.remoteBytes !== file.length)
            return DAMAGED;
        // A copy: a Float64Array needs its offset aligned to 8 bytes.
        const numbers = new Float64Array(file.buffer.slice(file.byteOffset + at, file.byteOffset + at + meta.numbersBytes));
        const paths = file.toString('utf8', at + meta.numbersBytes, at + meta.numbersBytes + meta.pathsBytes);
        const pathList = paths === '' ? [] : paths.split('\0');
        const local = yield* loadingManifest({ ...meta, paths, numbers }, pathList);
        if (!local)
            return DAMAGED;
        const text = file.toString('utf8', file.length - meta.remoteBytes);
        // Each record is "path NUL header NUL target" (the target may be empty; no NUL after the last
        // one): the map's value is a slice of the text, the records' offsets are kept for cutStored().
        const remote = new Map();
        const starts = [];
        for (let at = 0; at < text.length;) {
            if (starts.length % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1)
                yield;
            const a = text.indexOf('\0', at);
            const b = a < 0 ? -1 : text.indexOf('\0', a + 1);
            const c = b < 0 ? -1 : text.indexOf('\0', b + 1);
            if (b < 0 || c === text.length - 1)
                return DAMAGED;
            const end = c < 0 ? text.length : c;
            starts.push(at);
            remote.set(text.slice(at, a), text.slice(a + 1, end));
            at = end + 1;
        }
        return { local, remote, stored: { pathList, paths, remote: text, starts } };
    };
    return { header: header.data, body };
}
/** A listing as the manifest stores it: path NUL record NUL … */
function encodeListing(listing) {
    const parts = [];
    for (const [p, r] of listing)
        parts.push(p, r);
    return parts.join('\0');
}
/**
 * The stored listing of `base` (encodeListing's result for base.remote) without the records of
 * `leaveOut`, cut from the file's own text: only the records of the paths left out are looked at
 * (by their length first), where encoding joined every record again.
 */
function cutStored(base, leaveOut) {
    const { remote: text, starts } = base.stored;
    const lengths = new Set([...leaveOut].map(p => p.length));
    const kept = [];
    let from = 0;
    for (let i = 0; i < starts.length; i++) {
        const at = starts[i];
        const end = i + 1 < starts.length ? starts[i + 1] : text.length + 1;
        const nul = text.indexOf('\0', at);
        if (!lengths.has(nul - at) || !leaveOut.has(text.slice(at, nul)))
            continue;
        if (at > from)
            kept.push(text.slice(from, at - 1));
        from = end;
    }
    if (from < text.length)
        kept.push(text.slice(from));
    return kept.join('\0');
}
const joinEncoded = (a, b) => (a && b ? `${a}\0${b}` : a || b);
function writeBase(leaseId, remoteDir, since, stored, remoteText) {
    const header = { version: 3, remoteDir, since: since ?? null };
    const numbers = Buffer.from(stored.numbers.buffer, stored.numbers.byteOffset, stored.numbers.byteLength);
    const paths = Buffer.from(stored.paths);
    const remote = Buffer.from(remoteText);
    const meta = {
        types: stored.types,
        targets: stored.targets,
        sha256: stored.sha256,
        substituted: stored.substituted,
        numbersBytes: numbers.length,
        pathsBytes: paths.length,
        remoteBytes: remote.length
    };
    const target = (0,lease_file/* manifestFileOf */.dr)(leaseId);
    external_node_fs_.mkdirSync(external_node_path_.dirname(target), { recursive: true, mode: 0o700 });
    const tmp = `${target}.${process.pid}.tmp`;
    const head = Buffer.from(`${JSON.stringify(header)}\n${JSON.stringify(meta)}\n`);
    external_node_fs_.writeFileSync(tmp, Buffer.concat([head, numbers, paths, remote]), { mode: 0o600 });
    external_node_fs_.renameSync(tmp, target);
}
/** A sync that fails half-way leaves no base: the next step on the lease syncs in full. */
function dropBase(leaseId) {
    external_node_fs_.rmSync((0,lease_file/* manifestFileOf */.dr)(leaseId), { force: true });
}
// ---- the remote side ----
/** Runs one of the listing scripts and parses what it printed (or says why it cannot be used). */
async function runListing(shell, argv, signal) {
    const stdout = new ListingSink();
    const stderr = new sink/* TailBuffer */.v();
    const { exitCode } = await shell.exec({ argv, stdout, stderr, signal });
    if (exitCode !== 0)
        return `listing the remote tree failed (exit ${exitCode}): ${(0,redact/* redact */.E$)(stderr.text().trim()) || 'no output'}`;
    return parseListing(stdout.bytes(), stdout.overflowed);
}
/** The whole tree's listing (since undefined), or what changed since that remote time. */
const listArgv = (remoteDir, since) => ['sh', '-c', RESYNC_LIST_SCRIPT, 'offload-list', remoteDir, since ?? '-'];
/** The records of `given` paths (relative), as they are now. */
const givenArgv = (remoteDir, given) => [
    'sh',
    '-c',
    RESYNC_LIST_GIVEN_SCRIPT,
    'offload-list',
    remoteDir,
    ...given.map(p => `./${p}`)
];
function listRemote(shell, remoteDir, since, signal) {
    return runListing(shell, listArgv(remoteDir, since), signal);
}
/**
 * Sends the delta (checked and merged like a full sync: src/remote/workspace-ops.ts) and lists
 * `listing` in the commit exec, right after the swap. Only a listing that exited 0 counts.
 */
async function sendAndList(shell, archive, remoteDir, codec, listing, signal) {
    const stdout = new ListingSink();
    const status = await (0,workspace_ops.syncArchive)(shell, archive, remoteDir, codec, signal, { mode: 'merge', label: 're-sync', then: { argv: listing, stdout } });
    if (status !== 0)
        return `listing the remote tree after the re-sync failed (${status === undefined ? 'it reported no status' : `exit ${status}`})`;
    return parseListing(stdout.bytes(), stdout.overflowed);
}
/**
 * A delta up to this size is packed in process: for one file, spawning GNU tar and zstd (and, in
 * a step's fresh process, probing for them) cost more than node-tar's few microseconds; from about
 * 200 files and 2 MB on, the native packer is ahead again (bench/: re-sync rows, one file changed).
 */
const IN_PROCESS_DELTA = { files: 32, bytes: 1024 * 1024 };
async function removeRemote(shell, remoteDir, paths, signal) {
    const stderr = new sink/* TailBuffer */.v();
    const stdin = external_node_stream_.Readable.from([Buffer.from(paths.map(p => `${p}\0`).join(''))]);
    const { exitCode } = await shell.exec({
        argv: ['sh', '-c', RESYNC_REMOVE_SCRIPT, 'offload-remove', remoteDir],
        stdin,
        stdout: new sink/* TailBuffer */.v(),
        stderr,
        signal
    });
    if (exitCode !== 0)
        throw new errors/* ProviderError */.mZ(`removing ${paths.length} entries from ${remoteDir} failed (exit ${exitCode}): ${(0,redact/* redact */.E$)(stderr.text().trim()) || 'no output'}`);
}
/** Milliseconds per named stage, each from the end of the one before. */
class Stages {
    list = [];
    last = external_node_perf_hooks_.performance.now();
    mark(name) {
        const now = external_node_perf_hooks_.performance.now();
        this.list.push([name, Math.round(now - this.last)]);
        this.last = now;
    }
}
/**
 * The sync manifest of one lease. A `lease:` step with `sync-mode: auto` calls incremental();
 * every full sync on a lease (the owner's, or `sync-mode: full`) calls beforeFullSync() then
 * afterFullSync() to record the base the next step re-syncs against.
 */
class LeaseSync {
    leaseId;
    remoteDir;
    plan;
    codec;
    /** `codec` fixes the delta's codec instead of the one the remote reports (tests of both codecs). */
    constructor(leaseId, remoteDir, plan, codec) {
        this.leaseId = leaseId;
        this.remoteDir = remoteDir;
        this.plan = plan;
        this.codec = codec;
    }
    /** Sends only what changed and logs what it did; a string (why, logged) when there is no usable base and a full sync must run. */
    async incremental(shell, signal) {
        const result = await this.delta(shell, signal);
        if (typeof result === 'string')
            core.info(`Re-sync: syncing in full instead: ${result}`);
        else {
            core.info(`Re-sync (sync-mode: auto): ${result.sent} sent (${(0,units/* formatBytes */.z3)(result.fileBytes)}), ${result.removed} removed, ${result.unchanged} unchanged`);
            core.debug(`re-sync stages (ms): ${result.stages.map(([name, ms]) => `${name} ${ms}`).join(', ')}`);
        }
        return result;
    }
    async delta(shell, signal) {
        const stages = new Stages();
        const base = readBase(this.leaseId);
        if (typeof base === 'string')
            return base;
        if (base.header.remoteDir !== this.remoteDir)
            return `the last sync went to ${base.header.remoteDir}`;
        // The remote lists while the runner parses the manifest and compares its own files.
        const listing = listRemote(shell, this.remoteDir, base.header.since ?? undefined, signal);
        listing.catch(() => undefined);
        const recorded = await paced(base.body());
        stages.mark('manifest');
        if (typeof recorded === 'string') {
            await listing.catch(() => undefined);
            return recorded;
        }
        const scan = await paced(scanningLocal(this.plan, recorded.local));
        stages.mark('local scan');
        const report = await listing;
        stages.mark('remote listing (wait)');
        if (typeof report === 'string')
            return report;
        const current = currentListing(recorded.remote, report);
        if (typeof current === 'string')
            return current;
        const now = current.listing;
        const delta = planDelta(scan.manifest, scan.changed, recorded.remote, now, recorded.local);
        stages.mark('plan');
        const codec = this.codec ?? report.codec;
        const result = {
            sentPaths: delta.send,
            removedPaths: delta.remove,
            sent: delta.send.length,
            removed: delta.remove.length,
            unchanged: this.plan.files.length - delta.send.length,
            archiveBytes: 0,
            fileBytes: 0,
            codec,
            stages: stages.list
        };
        // Nothing to do and nothing to record: the base stays as it is (no rewrite of a large file).
        if (!delta.send.length && !delta.remove.length && !scan.differs && !current.changed)
            return result;
        dropBase(this.leaseId);
        if (delta.remove.length) {
            await removeRemote(shell, this.remoteDir, delta.remove, signal);
            stages.mark('remove');
        }
        let listed = without(now, delta.remove);
        let since = report.next;
        if (delta.send.length || delta.remove.length) {
            // What the extraction and the removal changed: the entries they wrote or whose directory they
            // changed, listed one by one; the base keeps the time of the listing above, so the next
            // re-sync also sees whatever else changed since. Past LISTED_ARGV_MAX, the tree since then.
            const given = listedAfter(delta.send, delta.remove);
            const afterArgv = given ? givenArgv(this.remoteDir, given) : listArgv(this.remoteDir, report.next);
            let after;
            if (delta.send.length) {
                const subset = subsetPlan(this.plan, delta.send, scan.manifest);
                result.fileBytes = subset.bytes;
                const small = (0,tools.packerChoice)() === 'auto' && subset.files.length <= IN_PROCESS_DELTA.files && subset.bytes <= IN_PROCESS_DELTA.bytes;
                const archive = (0,workspace_archive.createArchive)(subset, { codec, packer: small ? 'in-process' : undefined });
                // Nothing runs beside it: the transfer takes a dozen turns of the event loop, each of which
                // work in between delays (the new base prepared meanwhile, in 2 ms slices, made the
                // one-file re-sync 25 ms slower: bench/, re-sync rows).
                after = await sendAndList(shell, archive, this.remoteDir, codec, afterArgv, signal);
                result.archiveBytes = archive.bytes();
                stages.mark('send and listing after');
            }
            else {
                after = await runListing(shell, afterArgv, signal);
                stages.mark('listing after');
            }
            if (typeof after === 'object' && (after.kind === 'given') !== (given !== undefined))
                after = 'the remote listing is malformed';
            if (typeof after === 'string')
                return result; // synced; without a listing the next step syncs in full
            // The common case: the remote was as recorded and the listing holds every path asked for and
            // no other, so the new listing is the stored one with those records cut out, and them.
            if (given && listed === recorded.remote && after.records.size === given.length && given.every(p => after.records.has(p))) {
                const stable = cutStored(recorded, new Set(given));
                writeBase(this.leaseId, this.remoteDir, since, storeManifest(scan.manifest, recorded.stored), joinEncoded(stable, encodeListing(after.records)));
                stages.mark('record');
                return result;
            }
            const merged = given ? { listing: withGiven(listed, given, after.records) } : currentListing(listed, after);
            if (typeof merged === 'string')
                return result;
            listed = merged.listing;
            if (!given)
                since = after.next;
        }
        writeBase(this.leaseId, this.remoteDir, since, storeManifest(scan.manifest, recorded.stored), encodeListing(listed));
        stages.mark('record');
        return result;
    }
    /** The local manifest, taken before the archive is packed (a file changed meanwhile is sent again next time). */
    beforeFullSync() {
        dropBase(this.leaseId);
        return scanLocal(this.plan).manifest;
    }
    /** Records the base after a full sync; a remote that cannot list its tree leaves none (the next step syncs in full). */
    async afterFullSync(shell, local, signal) {
        const report = await listRemote(shell, this.remoteDir, undefined, signal);
        if (typeof report === 'string') {
            core.info(`Re-sync: a later lease: step will sync in full: ${report}`);
            return report;
        }
        writeBase(this.leaseId, this.remoteDir, report.next, storeManifest(local), encodeListing(report.records));
        return undefined;
    }
}


/***/ }),

/***/ 81881:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ fileSha256)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);


/** SHA-256 (hex) of a file's content, read in 256 KiB blocks (synchronous, like the tree walks that call it). */
function fileSha256(absolute) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    const fd = node_fs__WEBPACK_IMPORTED_MODULE_1__.openSync(absolute, 'r');
    try {
        const chunk = Buffer.allocUnsafe(256 * 1024);
        for (let n; (n = node_fs__WEBPACK_IMPORTED_MODULE_1__.readSync(fd, chunk, 0, chunk.length, null)) > 0;)
            hash.update(chunk.subarray(0, n));
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync(fd);
    }
    return hash.digest('hex');
}


/***/ })

};
;