"use strict";
exports.id = 413;
exports.ids = [413,618];
exports.modules = {

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

/***/ 58413:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   extractInProcess: () => (/* binding */ extractInProcess)
/* harmony export */ });
/* unused harmony export safeExtract */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var tar__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98697);
/* harmony import */ var _extract_policy__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(46618);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_4__);






const WRITABLE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink']);
/** Small files are written with one writev; a larger one in steps of this many bytes. */
const FLUSH_BYTES = 1 << 20;
const { O_WRONLY, O_CREAT, O_EXCL, O_TRUNC } = node_fs__WEBPACK_IMPORTED_MODULE_0__.constants;
const O_NOFOLLOW = node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NOFOLLOW ?? 0;
const CREATE = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
const REWRITE = O_WRONLY | O_TRUNC | O_NOFOLLOW;
/** node-tar's Unpack rule: a damaged or truncated archive is an error when extracting, not a warning. */
class ArchiveParser extends tar__WEBPACK_IMPORTED_MODULE_2__/* .Parser */ .iX {
    warn(code, message, data = {}) {
        if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT')
            data.recoverable = false;
        super.warn(code, message, data);
    }
}
function errorCode(err) {
    return err?.code;
}
/** Writes every byte of chunks at the file's position (writev may write less than asked). */
function writeAll(fd, chunks) {
    let rest = chunks;
    while (rest.length) {
        let n = node_fs__WEBPACK_IMPORTED_MODULE_0__.writevSync(fd, rest);
        const left = [];
        for (const c of rest) {
            if (n >= c.length)
                n -= c.length;
            else {
                left.push(n ? c.subarray(n) : c);
                n = 0;
            }
        }
        rest = left;
    }
}
function safeExtract(opts) {
    const cwd = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(opts.cwd);
    const roots = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .requestedRoots */ .Si)(opts.paths);
    if (!node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync(cwd, { throwIfNoEntry: false })?.isDirectory())
        throw new Error(`download target ${cwd} is not a directory`);
    const gitAllowed = roots.some(r => (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .hasGitSegment */ .oW)(r.split('/')));
    /** Every symlink name the archive carried (kept or not), folded: nothing is written below one. */
    const archiveLinks = new Set();
    const createdLinks = [];
    /**
     * Relative names known to be real directories (made here, or found so by lstat), exactly as
     * spelled: a parent listed here needs no further check. A symlink only appears where an
     * archive symlink went (archiveLinks, checked first) or where one was already on disk (found by
     * the lstat that would have listed it); an emptied and removed directory is dropped (forget).
     */
    const dirs = new Set();
    const dirTimes = [];
    const refused = [];
    let written = 0;
    const abs = (rel) => `${cwd}/${rel}`;
    /** Why a parent of an entry may not be written below, or undefined (unknown parents are looked at once). */
    const parentVerdict = (parts) => {
        let parent = '';
        let onDisk = true;
        for (let i = 0; i < parts.length - 1; i++) {
            parent = i ? `${parent}/${parts[i]}` : parts[i];
            if (archiveLinks.size && archiveLinks.has((0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .fold */ .AU)(parent)))
                return `would be written through the symlink ${(0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__.printableName)(parent)} from the archive`;
            if (!onDisk || dirs.has(parent))
                continue;
            let st;
            try {
                st = node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(abs(parent), { throwIfNoEntry: false });
            }
            catch {
                // ENOTDIR and the like: the write below fails and says why.
            }
            if (!st) {
                onDisk = false;
                continue;
            }
            const why = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .runnerParentVerdict */ .Ev)(st, parent);
            if (why)
                return why;
            dirs.add(parent);
        }
        return undefined;
    };
    /** Why the entry may not be written, or undefined when it may. */
    const verdict = (entry, parts) => {
        if (entry.path.startsWith('/') || (process.platform === 'win32' && /^[a-zA-Z]:/.test(entry.path)))
            return 'absolute name';
        if (!parts)
            return "name with '..', a backslash or NUL";
        if (parts.length > _extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .MAX_SEGMENTS */ ._Y)
            return `name deeper than ${_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .MAX_SEGMENTS */ ._Y} segments`;
        const rel = parts.join('/');
        if (!rel || !(0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .isInside */ .FK)(rel, roots))
            return 'outside the requested paths';
        if ((0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .hasGitSegment */ .oW)(parts) && !gitAllowed)
            return 'inside a .git directory';
        if (!WRITABLE_TYPES.has(entry.type))
            return entry.type === 'Link' ? 'hard link' : `unsupported entry type ${entry.type}`;
        const parentWhy = parentVerdict(parts);
        if (parentWhy)
            return parentWhy;
        if (entry.type === 'SymbolicLink')
            return (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .symlinkVerdict */ .$F)(cwd, rel, String(entry.linkpath ?? ''), roots, gitAllowed);
        return undefined;
    };
    /** After a directory was removed: it and everything below it (by folded name, to be safe) are unknown again. */
    const forget = (rel) => {
        const key = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .fold */ .AU)(rel);
        for (const d of dirs) {
            const f = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .fold */ .AU)(d);
            if (f === key || f.startsWith(`${key}/`))
                dirs.delete(d);
        }
    };
    /** Removes what is at rel (a directory only when empty) so that an entry can take its place. */
    const clear = (rel) => {
        if (node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(abs(rel)).isDirectory()) {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.rmdirSync(abs(rel));
            forget(rel);
        }
        else
            node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync(abs(rel));
    };
    /** Creates the parents parentVerdict did not find (the umask applies, as for any new directory). */
    const makeParents = (parts) => {
        let parent = '';
        for (let i = 0; i < parts.length - 1; i++) {
            parent = i ? `${parent}/${parts[i]}` : parts[i];
            if (dirs.has(parent))
                continue;
            try {
                node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(abs(parent), 0o777);
            }
            catch (err) {
                if (errorCode(err) !== 'EEXIST' || !node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(abs(parent)).isDirectory())
                    throw err;
            }
            dirs.add(parent);
        }
    };
    const writeDirectory = (entry, rel) => {
        const mode = (typeof entry.mode === 'number' ? entry.mode & 0o777 : 0o777) | 0o700;
        try {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(abs(rel), mode);
        }
        catch (err) {
            if (errorCode(err) !== 'EEXIST')
                throw err;
            if (!node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(abs(rel)).isDirectory()) {
                node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync(abs(rel));
                node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(abs(rel), mode);
            }
        }
        dirs.add(rel);
        if (entry.mtime)
            dirTimes.push({ rel, atime: entry.atime ?? entry.mtime, mtime: entry.mtime });
    };
    const writeSymlink = (entry, rel) => {
        const target = String(entry.linkpath);
        try {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.symlinkSync(target, abs(rel));
        }
        catch (err) {
            if (errorCode(err) !== 'EEXIST')
                throw err;
            clear(rel);
            node_fs__WEBPACK_IMPORTED_MODULE_0__.symlinkSync(target, abs(rel));
        }
        createdLinks.push(rel);
    };
    /** Opens rel for writing, never through a link, never into a file that has other hard links. */
    const openFile = (rel, mode) => {
        try {
            return node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(abs(rel), CREATE, mode);
        }
        catch (err) {
            if (errorCode(err) !== 'EEXIST')
                throw err;
        }
        const st = node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(abs(rel));
        if (st.isFile() && st.nlink <= 1)
            return node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(abs(rel), REWRITE);
        clear(rel);
        return node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(abs(rel), CREATE, mode);
    };
    const fail = (entry, err) => {
        refused.push({ name: entry.path, reason: (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(`could not be written: ${err.message}`) });
    };
    const writeFile = (entry, rel) => {
        // Counted as written (or refused) once its content is on disk.
        const fd = openFile(rel, typeof entry.mode === 'number' ? entry.mode & 0o777 : 0o666);
        let pending = [];
        let pendingBytes = 0;
        let failed = false;
        const flush = () => {
            if (pending.length)
                writeAll(fd, pending);
            pending = [];
            pendingBytes = 0;
        };
        const close = (err) => {
            failed = true;
            try {
                node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
            }
            catch (closeErr) {
                err ??= closeErr;
            }
            if (err)
                fail(entry, err);
            else
                written++;
        };
        entry.on('data', (chunk) => {
            if (failed)
                return;
            pending.push(chunk);
            pendingBytes += chunk.length;
            try {
                if (pendingBytes >= FLUSH_BYTES)
                    flush();
            }
            catch (err) {
                close(err);
            }
        });
        entry.on('end', () => {
            if (failed)
                return;
            try {
                flush();
                if (entry.mtime)
                    node_fs__WEBPACK_IMPORTED_MODULE_0__.futimesSync(fd, entry.atime ?? new Date(), entry.mtime);
            }
            catch (err) {
                return close(err);
            }
            close();
        });
    };
    const onEntry = (entry) => {
        const parts = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .segmentsOf */ .OD)(entry.path);
        if (entry.type === 'SymbolicLink')
            archiveLinks.add((0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .fold */ .AU)(parts?.join('/') ?? entry.path));
        const why = verdict(entry, parts);
        if (why) {
            refused.push({ name: entry.path, reason: why });
            entry.resume();
            return;
        }
        const rel = parts.join('/');
        try {
            makeParents(parts);
            if (entry.type === 'Directory')
                writeDirectory(entry, rel);
            else if (entry.type === 'SymbolicLink')
                writeSymlink(entry, rel);
            else
                return writeFile(entry, rel);
            written++;
        }
        catch (err) {
            fail(entry, err);
        }
        entry.resume();
    };
    const unpack = new ArchiveParser({
        onReadEntry: onEntry,
        // What the parser skips or finds damaged (a bad checksum, an unknown entry type).
        onwarn: (code, message, data) => {
            if (code === 'TAR_ENTRY_INFO')
                return;
            const d = data;
            const name = d?.entry?.path ?? d?.header?.path ?? d?.path ?? '';
            refused.push({ name, reason: (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(`${code}: ${typeof message === 'string' ? message : message.message}`) });
        }
    });
    unpack.on('ignoredEntry', (entry) => {
        if (!entry.meta)
            refused.push({ name: entry.path, reason: `unsupported entry type ${entry.type}` });
    });
    const finish = () => {
        written -= (0,_extract_policy__WEBPACK_IMPORTED_MODULE_3__/* .dropEscapingLinks */ .Z)(cwd, roots, gitAllowed, createdLinks, refused);
        // Only directories still known (none was replaced since): their parents are real directories.
        for (const { rel, atime, mtime } of dirTimes) {
            if (!dirs.has(rel))
                continue;
            try {
                node_fs__WEBPACK_IMPORTED_MODULE_0__.lutimesSync(abs(rel), atime, mtime);
            }
            catch {
                // A directory's time is not worth failing the download over.
            }
        }
        return { written, refused };
    };
    return { unpack, finish };
}
/** The in-process writer as an Extraction: the archive through the decoder (createDecoder) into safeExtract. */
function extractInProcess(opts) {
    const { unpack, finish } = safeExtract(opts);
    return {
        run: source => (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_4__.pipeline)(source, opts.decoder.stream, unpack),
        finish: () => finish(),
        abort: () => opts.decoder.kill()
    };
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


/***/ })

};
;