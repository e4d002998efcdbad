"use strict";
exports.id = 622;
exports.ids = [622,618];
exports.modules = {

/***/ 12622:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  RemoteCache: () => (/* binding */ RemoteCache)
});

// EXTERNAL MODULE: ./node_modules/@actions/cache/lib/cache.js
var cache = __webpack_require__(5116);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(37484);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/inputs.ts + 1 modules
var inputs = __webpack_require__(70781);
// EXTERNAL MODULE: ./src/lifecycle.ts
var lifecycle = __webpack_require__(66367);
// EXTERNAL MODULE: ./src/remote/sink.ts
var sink = __webpack_require__(90187);
// EXTERNAL MODULE: ./src/remote/workspace-ops.ts + 2 modules
var workspace_ops = __webpack_require__(37214);
// EXTERNAL MODULE: ./src/report/markup.ts
var markup = __webpack_require__(68132);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
// EXTERNAL MODULE: ./src/util/redact.ts
var redact = __webpack_require__(50767);
// EXTERNAL MODULE: ./src/util/units.ts
var units = __webpack_require__(46127);
// EXTERNAL MODULE: ./src/workspace/archive.ts + 1 modules
var workspace_archive = __webpack_require__(19984);
// EXTERNAL MODULE: ./src/remote/extract-policy.ts
var extract_policy = __webpack_require__(46618);
// EXTERNAL MODULE: ./src/util/file-hash.ts
var file_hash = __webpack_require__(81881);
;// CONCATENATED MODULE: ./src/cache/manifest.ts





/**
 * What a saved cache holds, written next to the cached directories in the entry
 * (offload-cache.json) and checked on restore before anything reaches a remote. The Actions cache
 * moves the entry as an opaque archive: a blob altered in storage, or cut short, could still
 * unpack. Every directory, file (size and SHA-256 of its content) and symlink (target) of the
 * cached trees is listed, so the restored trees must match it entry for entry; modes are recorded
 * here too and put back after the restore (the runner's tar applies its umask when it unpacks the
 * entry as a user other than root). The manifest's own SHA-256 covers its entry list.
 */
const MANIFEST_NAME = 'offload-cache.json';
const FORMAT = 1;
const sha256 = (text) => (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
/**
 * Every entry under root, parents before children, siblings in code-unit order; paths relative to
 * root with '/'. Anything but directories, regular files and symlinks is an error: a restore
 * could not rebuild it.
 */
async function listTree(root) {
    const out = [];
    const walk = async (rel) => {
        const names = external_node_fs_.readdirSync(external_node_path_.join(root, rel)).sort();
        for (const name of names) {
            const r = rel ? `${rel}/${name}` : name;
            const abs = external_node_path_.join(root, r);
            const st = external_node_fs_.lstatSync(abs);
            if (st.isSymbolicLink())
                out.push({ path: r, type: 'link', target: external_node_fs_.readlinkSync(abs) });
            else if (st.isDirectory()) {
                out.push({ path: r, type: 'dir', mode: st.mode & 0o777 });
                await walk(r);
            }
            else if (st.isFile())
                out.push({ path: r, type: 'file', mode: st.mode & 0o777, size: st.size, sha256: (0,file_hash/* fileSha256 */.s)(abs) });
            else
                throw new Error(`${r} is neither a directory, a regular file nor a symlink`);
        }
    };
    await walk('');
    return out;
}
function newManifest(paths, entries) {
    return { format: FORMAT, paths, entries, sha256: sha256(JSON.stringify(entries)) };
}
function writeManifest(dir, manifest) {
    external_node_fs_.writeFileSync(external_node_path_.join(dir, MANIFEST_NAME), JSON.stringify(manifest));
}
/** Entry identity without the mode (the mode is the manifest's to set). */
const identity = (e) => JSON.stringify(e.type === 'file' ? [e.type, e.path, e.size, e.sha256] : e.type === 'link' ? [e.type, e.path, e.target] : [e.type, e.path]);
/**
 * Checks a restored entry against its manifest: same paths, trees identical entry for entry.
 * Returns the manifest, or throws naming the first difference. The manifest itself is the
 * entry's own: under the directory the runner created for this restore, listed apart from the trees.
 */
async function verifyRestored(dir, paths) {
    let manifest;
    try {
        manifest = JSON.parse(external_node_fs_.readFileSync(external_node_path_.join(dir, MANIFEST_NAME), 'utf8'));
    }
    catch (err) {
        throw new Error(`its manifest ${MANIFEST_NAME} is missing or unreadable (${err.message})`, { cause: err });
    }
    if (manifest.format !== FORMAT || !Array.isArray(manifest.entries) || !Array.isArray(manifest.paths))
        throw new Error(`its manifest is not format ${FORMAT}`);
    if (sha256(JSON.stringify(manifest.entries)) !== manifest.sha256)
        throw new Error("its manifest's entry list does not match the manifest's SHA-256");
    if (JSON.stringify(manifest.paths) !== JSON.stringify(paths))
        throw new Error(`it holds other paths (${(0,extract_policy/* printable */.g$)(manifest.paths.join(', '))})`);
    const onDisk = (await listTree(dir)).filter(e => e.path !== MANIFEST_NAME);
    const want = manifest.entries.map(identity);
    const got = onDisk.map(identity);
    const wanted = new Set(want);
    const have = new Set(got);
    const missing = want.find(e => !have.has(e));
    const extra = got.find(e => !wanted.has(e));
    if (missing || extra || want.length !== got.length) {
        const what = (id) => (0,extract_policy.printableName)(JSON.parse(id)[1]);
        throw new Error(missing
            ? `${what(missing)} does not match the SHA-256 and size (or type) recorded when the entry was saved`
            : `${extra ? what(extra) : 'an entry'} is not in the manifest recorded when the entry was saved`);
    }
    // The recorded modes, back on the restored files (the symlinks have none of their own).
    for (const e of manifest.entries)
        if (e.type !== 'link')
            external_node_fs_.chmodSync(external_node_path_.join(dir, e.path), e.mode);
    return manifest;
}

;// CONCATENATED MODULE: ./src/cache/scripts.ts
/**
 * $1 = remote workspace, then pairs of anchor (workspace, home, absolute) and path. Prints one line
 * per pair: `dir`, `other` (exists, not a directory), `missing` or `nohome` (HOME unset or /), a
 * space, and the absolute path. POSIX sh only, as src/remote/scripts.ts.
 */
const CACHE_PROBE_SCRIPT = `ws=$1; shift
while [ $# -ge 2 ]; do
  case $1 in
    workspace) p=$ws/$2;;
    home) if [ -z "$HOME" ] || [ "$HOME" = / ]; then echo nohome; shift 2; continue; fi; p=\${HOME%/}/$2;;
    *) p=$2;;
  esac
  if [ -d "$p" ] && [ ! -h "$p" ]; then s=dir; elif [ -e "$p" ] || [ -h "$p" ]; then s=other; else s=missing; fi
  printf '%s %s\\n' "$s" "$p"
  shift 2
done`;

;// CONCATENATED MODULE: ./src/cache/session.ts

















const totals = (entries) => {
    const files = entries.filter(e => e.type === 'file');
    return { files: files.length, bytes: files.reduce((n, e) => n + e.size, 0) };
};
/** Runs fn with the working directory and GITHUB_WORKSPACE at dir (see the module comment). */
async function inStaging(dir, fn) {
    const cwd = process.cwd();
    const workspace = process.env.GITHUB_WORKSPACE;
    process.chdir(dir);
    process.env.GITHUB_WORKSPACE = dir;
    try {
        return await fn();
    }
    finally {
        process.chdir(cwd);
        if (workspace === undefined)
            delete process.env.GITHUB_WORKSPACE;
        else
            process.env.GITHUB_WORKSPACE = workspace;
    }
}
/** A staged tree as the sync's archive plan: every entry, parents first, symlinks as links. */
async function planOf(root) {
    const entries = await listTree(root);
    return { root, files: entries.map(e => e.path), bytes: totals(entries).bytes };
}
class RemoteCache {
    settings;
    remoteDir;
    env;
    /** The one directory inside the entry (see the module comment). */
    entryName;
    restored;
    exactHit = false;
    restoreMs = 0;
    saveMs = 0;
    restoredBytes = 0;
    saved;
    saveNote = '';
    staging = [];
    constructor(settings, remoteDir, env = process.env) {
        this.settings = settings;
        this.remoteDir = remoteDir;
        this.env = env;
        const id = JSON.stringify(settings.paths.map(p => [p.anchor, p.path]));
        this.entryName = `offload-cache-${(0,external_node_crypto_.createHash)('sha256').update(id).digest('hex').slice(0, 16)}`;
    }
    stagingDir(kind) {
        const dir = external_node_fs_.mkdtempSync(external_node_path_.join(this.env.RUNNER_TEMP || external_node_os_.tmpdir(), `offload-cache-${kind}-`));
        this.staging.push(dir);
        return dir;
    }
    /** The cache paths on this remote (one exec): absolute, and whether each is a directory. */
    async targets(shell, signal) {
        const stdout = new sink/* TailBuffer */.v(64 * 1024);
        const stderr = new sink/* TailBuffer */.v();
        const args = this.settings.paths.flatMap(p => [p.anchor, p.path]);
        const { exitCode } = await shell.exec({ argv: ['sh', '-c', CACHE_PROBE_SCRIPT, 'offload-cache-probe', this.remoteDir, ...args], stdout, stderr, signal });
        const lines = stdout.text().split('\n').filter(Boolean);
        if (exitCode !== 0 || lines.length !== this.settings.paths.length) {
            throw new Error(`looking up the cache paths on the remote failed (exit ${exitCode}): ${(0,redact/* redact */.E$)(stderr.text().trim()) || 'no output'}`);
        }
        return lines.map(line => {
            const [state, ...rest] = line.split(' ');
            const abs = rest.join(' ');
            if (state === 'nohome')
                return { state };
            // The remote names the path (its HOME): it may not be a system directory, whatever it says.
            const clean = external_node_path_.posix.isAbsolute(abs) && external_node_path_.posix.normalize(abs) === abs && !inputs/* SYSTEM_DIRS */.Ln.has(abs);
            if (!clean || !['dir', 'other', 'missing'].includes(state))
                return { state: 'other' };
            return { state: state, abs };
        });
    }
    describe(p, t) {
        if (t.state === 'nohome')
            return `${p.input}: the remote has no HOME (unset or /), so ~/ paths are left out`;
        return `${p.input}${t.abs && t.abs !== p.input ? ` (${t.abs})` : ''}`;
    }
    /** The entry from the cache service into staging, checked; once per step (every attempt reuses it). */
    async fetch() {
        const { key, restoreKeys } = this.settings;
        if (!cache.isFeatureAvailable()) {
            core.warning('cache: the Actions cache service is not available to this step (ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL unset): nothing is restored or saved');
            return { none: 'unavailable' };
        }
        const root = this.stagingDir('restore');
        let matchedKey;
        try {
            matchedKey = await inStaging(root, () => cache.restoreCache([this.entryName], key, restoreKeys));
        }
        catch (err) {
            core.warning(`cache: restore failed: ${(0,redact/* redact */.E$)((0,errors/* errorMessage */.gJ)(err))}`);
            return { none: 'failed (see the warnings)' };
        }
        if (!matchedKey) {
            core.info(`Cache miss: no entry for ${key}${restoreKeys.length ? ` or the restore keys ${restoreKeys.join(', ')}` : ''} (or the service failed: see any warning above)`);
            return { none: 'miss' };
        }
        const dir = external_node_path_.join(root, this.entryName);
        try {
            const manifest = await verifyRestored(dir, this.settings.paths.map(p => p.input));
            return { matchedKey, dir, manifest };
        }
        catch (err) {
            core.warning(`cache: the entry ${matchedKey} is refused: ${(0,errors/* errorMessage */.gJ)(err)}. The command runs without the cache.`);
            external_node_fs_.rmSync(root, { recursive: true, force: true });
            return { matchedKey, none: `refused: ${(0,errors/* errorMessage */.gJ)(err)}` };
        }
    }
    /** After sync, before the command: the cached trees onto this remote. Never throws. */
    async restore(shell, signal) {
        const t0 = Date.now();
        try {
            await (0,lifecycle/* phase */.Oi)(`Offload: restore the cache (${this.settings.key})`, async () => {
                this.restored ??= this.fetch();
                const got = await this.restored;
                this.exactHit = false;
                if (!got.dir || !got.manifest)
                    return;
                const targets = await this.targets(shell, signal);
                const codec = await (0,workspace_ops.remoteCodec)(shell, signal);
                let pushed = true;
                this.restoredBytes = 0;
                for (const [i, p] of this.settings.paths.entries()) {
                    const tree = external_node_path_.join(got.dir, String(i), external_node_path_.posix.basename(p.path));
                    if (!external_node_fs_.existsSync(tree))
                        continue;
                    const t = targets[i];
                    if (!t.abs || t.state === 'other') {
                        core.warning(`cache: ${this.describe(p, t)} is not restored: ${t.abs ? 'it exists on the remote and is not a directory' : 'no usable remote path'}`);
                        pushed = false;
                        continue;
                    }
                    const plan = await planOf(tree);
                    const archive = (0,workspace_archive.createArchive)(plan, { codec });
                    await (0,workspace_ops.syncArchive)(shell, archive, t.abs, codec, signal, { label: `cache restore of ${p.input}` });
                    this.restoredBytes += plan.bytes;
                    core.info(`Restored ${p.input} (${plan.files.length} entries, ${(0,units/* formatBytes */.z3)(plan.bytes)}) to ${t.abs}`);
                }
                this.exactHit = pushed && got.matchedKey === this.settings.key;
            });
        }
        catch (err) {
            core.warning(`cache: restore onto the remote failed: ${(0,redact/* redact */.E$)((0,errors/* errorMessage */.gJ)(err))}. The command runs without the cache.`);
            this.exactHit = false;
        }
        finally {
            this.restoreMs += Date.now() - t0;
        }
        core.setOutput('cache-hit', String(this.exactHit));
    }
    /** After the command, per cache-save. Never throws. */
    async save(shell, commandSucceeded, signal) {
        const { key, save } = this.settings;
        const got = await this.restored;
        if (save === 'never')
            this.saveNote = 'not saved (cache-save: never)';
        else if (save === 'on-success' && !commandSucceeded)
            this.saveNote = 'not saved: the command failed (cache-save: on-success)';
        else if (this.exactHit)
            this.saveNote = `not saved: ${key} was restored exactly (as actions/cache)`;
        else if (got?.none === 'unavailable')
            this.saveNote = 'not saved: the cache service is unavailable';
        if (this.saveNote) {
            core.info(`Cache ${this.saveNote}`);
            return;
        }
        const t0 = Date.now();
        try {
            await (0,lifecycle/* phase */.Oi)(`Offload: save the cache (${key})`, async () => {
                const root = this.stagingDir('save');
                const dir = external_node_path_.join(root, this.entryName);
                external_node_fs_.mkdirSync(dir);
                const targets = await this.targets(shell, signal);
                const codec = await (0,workspace_ops.remoteCodec)(shell, signal);
                let any = false;
                for (const [i, p] of this.settings.paths.entries()) {
                    const t = targets[i];
                    if (t.state === 'missing') {
                        core.info(`cache: ${this.describe(p, t)} is not on the remote: not cached`);
                        continue;
                    }
                    if (t.state !== 'dir' || !t.abs) {
                        core.warning(`cache: ${this.describe(p, t)} is not cached: ${t.abs ? 'it is not a directory' : 'no usable remote path'}`);
                        continue;
                    }
                    const local = external_node_path_.join(dir, String(i));
                    external_node_fs_.mkdirSync(local);
                    await (0,workspace_ops.downloadPaths)(shell, external_node_path_.posix.dirname(t.abs), [external_node_path_.posix.basename(t.abs)], local, signal, { codec, label: `cache save of ${p.input}` });
                    any = true;
                }
                if (!any) {
                    this.saveNote = 'nothing to save: no cache path exists on the remote';
                    core.info(`Cache: ${this.saveNote}`);
                    return;
                }
                const entries = await listTree(dir);
                writeManifest(dir, newManifest(this.settings.paths.map(p => p.input), entries));
                const size = totals(entries);
                const id = await inStaging(root, () => cache.saveCache([this.entryName], key));
                if (id === -1) {
                    // @actions/cache has logged why, as a mere info line when the service was unreachable
                    // (it reads as "another job may be creating this cache"): say it as a warning.
                    this.saveNote = 'not saved: the cache service refused the entry or could not be reached';
                    core.warning(`cache: ${key} was ${this.saveNote} (see the message above; an entry with this key may exist already)`);
                    return;
                }
                this.saved = size;
                core.info(`Saved the cache ${key}: ${size.files} files, ${(0,units/* formatBytes */.z3)(size.bytes)}`);
            });
        }
        catch (err) {
            this.saveNote = 'failed (see the warnings)';
            core.warning(`cache: save failed: ${(0,redact/* redact */.E$)((0,errors/* errorMessage */.gJ)(err))}`);
        }
        finally {
            this.saveMs = Date.now() - t0;
        }
    }
    timings() {
        return {
            cacheRestoreMs: this.restoreMs,
            cacheSaveMs: this.saveMs,
            cacheBytes: this.restoredBytes + (this.saved?.bytes ?? 0),
            cacheHit: this.exactHit
        };
    }
    /** The job summary's cache rows. */
    async rows() {
        const got = await this.restored;
        const { key } = this.settings;
        let restore;
        if (got?.dir && got.matchedKey) {
            const how = got.matchedKey === key ? 'hit' : `hit on restore key ${(0,markup/* code */.aY)(got.matchedKey)}`;
            restore = `${how}: ${(0,markup/* text */.Qq)(`${(0,units/* formatBytes */.z3)(this.restoredBytes)} in ${(0,units/* formatMs */._V)(this.restoreMs)}`)}`;
        }
        else
            restore = (0,markup/* text */.Qq)(got?.none ?? 'not attempted');
        const save = this.saved
            ? (0,markup/* text */.Qq)(`saved ${this.saved.files} files, ${(0,units/* formatBytes */.z3)(this.saved.bytes)} in ${(0,units/* formatMs */._V)(this.saveMs)}`)
            : (0,markup/* text */.Qq)(this.saveNote || 'not attempted');
        return [
            { label: 'Cache key', html: (0,markup/* code */.aY)(key) },
            { label: 'Cache restore', html: restore },
            { label: 'Cache save', html: save }
        ];
    }
    /** Removes the staging directories. */
    dispose() {
        for (const dir of this.staging.splice(0))
            external_node_fs_.rmSync(dir, { recursive: true, force: true });
    }
}


/***/ }),

/***/ 46618:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $F: () => (/* binding */ symlinkVerdict),
/* harmony export */   AU: () => (/* binding */ fold),
/* harmony export */   Ev: () => (/* binding */ runnerParentVerdict),
/* harmony export */   FK: () => (/* binding */ isInside),
/* harmony export */   M$: () => (/* binding */ isGitName),
/* harmony export */   OD: () => (/* binding */ segmentsOf),
/* harmony export */   Si: () => (/* binding */ requestedRoots),
/* harmony export */   Z: () => (/* binding */ dropEscapingLinks),
/* harmony export */   _Y: () => (/* binding */ MAX_SEGMENTS),
/* harmony export */   g$: () => (/* binding */ printable),
/* harmony export */   oW: () => (/* binding */ hasGitSegment),
/* harmony export */   printableName: () => (/* binding */ printableName)
/* harmony export */ });
/* unused harmony export resolveOnDisk */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _report_inert__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51822);



const MAX_LINK_HOPS = 40;
/** Splits a path into segments, dropping empty ones and '.'; undefined when it is not acceptable. */
function segmentsOf(name) {
    if (name.includes('\0') || name.includes('\\'))
        return undefined;
    const parts = name.split('/').filter(s => s !== '' && s !== '.');
    return parts.includes('..') ? undefined : parts;
}
/** Case- and Unicode-folded key, so a case-insensitive or normalising file system is covered too. */
function fold(rel) {
    return rel.normalize('NFD').toLowerCase();
}
function isInside(rel, roots) {
    return roots.some(r => rel === r || rel.startsWith(`${r}/`));
}
/**
 * Whether one name is `.git` on a case-insensitive or normalising file system. Folding never makes
 * a name shorter than a UTF-16 unit per character, so anything longer than 8 units is not.
 */
function isGitName(name) {
    return name.length <= 8 && fold(name) === '.git';
}
function hasGitSegment(parts) {
    return parts.some(isGitName);
}
/**
 * Resolves an absolute path on disk the way the kernel would follow it, one segment at a time;
 * the part below the first segment that does not exist is taken literally.
 */
function resolveOnDisk(absolute, hops = 0) {
    if (hops > MAX_LINK_HOPS)
        throw new Error('too many levels of symbolic links');
    const parts = absolute.split('/').filter(Boolean);
    let cur = '/';
    for (let i = 0; i < parts.length; i++) {
        const seg = parts[i];
        if (seg === '.')
            continue;
        if (seg === '..') {
            cur = node_path__WEBPACK_IMPORTED_MODULE_1__.posix.dirname(cur);
            continue;
        }
        const next = node_path__WEBPACK_IMPORTED_MODULE_1__.posix.join(cur, seg);
        let st;
        try {
            st = node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(next);
        }
        catch {
            return node_path__WEBPACK_IMPORTED_MODULE_1__.posix.resolve(next, ...parts.slice(i + 1));
        }
        if (st.isSymbolicLink()) {
            // Not path.resolve: that would fold 'link/..' by name, where the kernel follows the link first.
            const target = node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync(next);
            cur = resolveOnDisk(target.startsWith('/') ? target : `${cur}/${target}`, hops + 1);
        }
        else {
            cur = next;
        }
    }
    return cur;
}
/** The requested download paths as clean relative paths ('out/', './out' and 'out' are one). */
function requestedRoots(paths) {
    return paths.map(p => {
        const parts = segmentsOf(p);
        if (!parts?.length)
            throw new Error(`download path '${p}' is not a relative path inside the workspace`);
        return parts.join('/');
    });
}
/** Entries with more segments are refused (node-tar's own limit): each is checked parent by parent. */
const MAX_SEGMENTS = 1024;
/** Why entries may not be written below what lstat found at `parent` on the runner; undefined for a real directory. */
function runnerParentVerdict(st, parent) {
    if (st.isSymbolicLink())
        return `would be written through the symlink ${printableName(parent)} on the runner`;
    if (!st.isDirectory())
        return `would be written below ${printableName(parent)}, which is not a directory on the runner`;
    return undefined;
}
/** Why a symlink at rel (relative to cwd) with this target may not be kept, judged by name; undefined when it may. */
function symlinkVerdict(cwd, rel, target, roots, gitAllowed) {
    if (!target || target.includes('\0'))
        return 'symlink without a target';
    const resolved = node_path__WEBPACK_IMPORTED_MODULE_1__.posix.relative(cwd, node_path__WEBPACK_IMPORTED_MODULE_1__.posix.resolve(cwd, node_path__WEBPACK_IMPORTED_MODULE_1__.posix.dirname(rel), target));
    if (node_path__WEBPACK_IMPORTED_MODULE_1__.posix.isAbsolute(resolved) || !isInside(resolved, roots))
        return `symlink to ${printableName(target)}, outside the requested paths`;
    if (hasGitSegment(resolved.split('/')) && !gitAllowed)
        return `symlink to ${printableName(target)}, inside a .git directory`;
    return undefined;
}
/**
 * Once everything is in place: resolves every symlink made (relative to cwd) on disk and removes
 * the ones whose chain of links leads outside the requested paths or into `.git` after all,
 * adding them to refused. Returns how many were removed.
 */
function dropEscapingLinks(cwd, roots, gitAllowed, links, refused) {
    const realCwd = node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync(cwd);
    const allowed = roots.map(r => `${realCwd}/${r}`);
    let removed = 0;
    for (const rel of links) {
        const at = `${cwd}/${rel}`;
        let st;
        try {
            st = node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(at);
        }
        catch {
            continue;
        }
        if (!st.isSymbolicLink())
            continue;
        let why;
        try {
            const real = resolveOnDisk(at);
            const inside = allowed.some(a => real === a || real.startsWith(`${a}/`));
            if (!inside)
                why = `symlink to ${printableName(node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync(at))} leads outside the requested paths through other links; removed`;
            else if (!gitAllowed && hasGitSegment(node_path__WEBPACK_IMPORTED_MODULE_1__.relative(realCwd, real).split('/')))
                why = 'symlink leads into a .git directory; removed';
        }
        catch (err) {
            why = printable(`symlink could not be resolved (${err.message}); removed`);
        }
        if (why) {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync(at);
            removed++;
            refused.push({ name: rel, reason: why });
        }
    }
    return removed;
}
const HIDING = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/**
 * Remote text for a log line: one line that cannot read as a workflow command (src/report/inert.ts),
 * with bidirectional controls escaped too so that a name cannot hide what it is.
 */
function printable(text) {
    return (0,_report_inert__WEBPACK_IMPORTED_MODULE_2__/* .inert */ .t)(text).replace(HIDING, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** An archive name for a log line: quoted and printable. */
function printableName(name) {
    return `"${printable(name).replace(/"/g, '\\"')}"`;
}


/***/ }),

/***/ 51822:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   t: () => (/* binding */ inert)
/* harmony export */ });
/**
 * Text from a provider or the remote (Vast status_msg, Nomad task events, API error bodies) is
 * logged outside the command fence, so it must never read as a workflow command: the runner
 * parses every line that starts (after blanks) with `::`, and legacy `##[` commands anywhere in a
 * line. inert() returns one line: control characters (CR and LF included) become visible escapes,
 * a leading `::` becomes `:\:` and every `##[` becomes `##\[`.
 */
function inert(text) {
    const oneLine = text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, c => {
        if (c === '\n')
            return '\\n';
        if (c === '\r')
            return '\\r';
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
    return oneLine.replace(/##\[/g, '##\\[').replace(/^(\s*):(?=:)/, '$1:\\');
}


/***/ }),

/***/ 68132:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DV: () => (/* binding */ codeBlock),
/* harmony export */   Qq: () => (/* binding */ text),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   tp: () => (/* binding */ table)
/* harmony export */ });
/**
 * Building blocks for the job summary, which GitHub renders as GitHub Flavored Markdown with HTML
 * allowed (and then sanitised). Markdown is not parsed inside an HTML block, so table cells carry
 * HTML (`<code>`), never Markdown code spans. Every string that may come from the remote, a
 * provider API or an input goes through one of these: nothing it holds can open a tag, end a
 * table cell, start a code span or leave its code block.
 */
const HTML_ESCAPES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '`': '&#96;',
    '|': '&#124;',
    // So that no legacy `##[command]` text appears anywhere in the file.
    '[': '&#91;'
};
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
/**
 * Text for an HTML context (a table cell, a heading): escaped, on one line (a blank line would end
 * the HTML block and let Markdown in, and no line can start with remote text), control characters
 * dropped. Backticks and pipes become entities too, so a copy into Markdown stays inert.
 */
function text(value) {
    return value
        .replace(ANSI, '')
        .replace(/\r?\n|\r/g, ' ')
        .replace(CONTROL, '')
        .replace(/[&<>"'`|[]/g, c => HTML_ESCAPES[c]);
}
/** Inline code in an HTML context. */
function code(value) {
    return `<code>${text(value)}</code>`;
}
/**
 * A Markdown fenced code block holding `body` verbatim: the fence is one backtick longer than the
 * longest backtick run in the body (at least three), so no line of the body can close it. Blank
 * lines before and after keep it apart from neighbouring HTML blocks.
 */
function codeBlock(body, lang = 'text') {
    const clean = body.replace(ANSI, '').replace(/\r\n/g, '\n').replace(/\r/g, '\n').replace(CONTROL, '');
    const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map(run => run.length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return `\n${fence}${lang}\n${clean.endsWith('\n') ? clean : `${clean}\n`}${fence}\n\n`;
}
/** A two-column HTML table (core.summary's addTable writes it on one line: one HTML block). */
function table(rows) {
    return [
        [
            { data: 'Field', header: true },
            { data: 'Value', header: true }
        ],
        ...rows.map(r => [{ data: text(r.label) }, { data: r.html }])
    ];
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