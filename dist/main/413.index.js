"use strict";
exports.id = 413;
exports.ids = [413];
exports.modules = {

/***/ 58413:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g$: () => (/* binding */ printable),
/* harmony export */   printableName: () => (/* binding */ printableName),
/* harmony export */   safeExtract: () => (/* binding */ safeExtract)
/* harmony export */ });
/* unused harmony exports resolveOnDisk, requestedRoots */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var tar__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98697);
/* harmony import */ var _report_inert__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(51822);




const WRITABLE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink']);
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
function hasGitSegment(parts) {
    return parts.some(p => fold(p) === '.git');
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
function safeExtract(opts) {
    const cwd = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(opts.cwd);
    const roots = requestedRoots(opts.paths);
    const gitAllowed = roots.some(r => hasGitSegment(r.split('/')));
    /** Every symlink name the archive carried (kept or not), folded: nothing is written below one. */
    const archiveLinks = new Set();
    const createdLinks = [];
    const refused = [];
    const accepted = new WeakSet();
    let written = 0;
    const linkOnDisk = (rel) => {
        try {
            return node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(node_path__WEBPACK_IMPORTED_MODULE_1__.join(cwd, rel)).isSymbolicLink();
        }
        catch {
            return false;
        }
    };
    /** Why the entry may not be written, or undefined when it may. */
    const verdict = (entry) => {
        if (entry.path.startsWith('/') || (process.platform === 'win32' && /^[a-zA-Z]:/.test(entry.path)))
            return 'absolute name';
        const parts = segmentsOf(entry.path);
        if (!parts)
            return "name with '..', a backslash or NUL";
        const rel = parts.join('/');
        if (!rel || !isInside(rel, roots))
            return 'outside the requested paths';
        if (hasGitSegment(parts) && !gitAllowed)
            return 'inside a .git directory';
        if (!WRITABLE_TYPES.has(entry.type))
            return entry.type === 'Link' ? 'hard link' : `unsupported entry type ${entry.type}`;
        for (let i = 1; i < parts.length; i++) {
            const parent = parts.slice(0, i).join('/');
            if (archiveLinks.has(fold(parent)))
                return `would be written through the symlink ${printableName(parent)} from the archive`;
            if (linkOnDisk(parent))
                return `would be written through the symlink ${printableName(parent)} on the runner`;
        }
        if (entry.type === 'SymbolicLink') {
            const target = String(entry.linkpath ?? '');
            if (!target || target.includes('\0'))
                return 'symlink without a target';
            const resolved = node_path__WEBPACK_IMPORTED_MODULE_1__.posix.relative(cwd, node_path__WEBPACK_IMPORTED_MODULE_1__.posix.resolve(cwd, node_path__WEBPACK_IMPORTED_MODULE_1__.posix.dirname(rel), target));
            if (node_path__WEBPACK_IMPORTED_MODULE_1__.posix.isAbsolute(resolved) || !isInside(resolved, roots))
                return `symlink to ${printableName(target)}, outside the requested paths`;
            if (hasGitSegment(resolved.split('/')) && !gitAllowed)
                return `symlink to ${printableName(target)}, inside a .git directory`;
        }
        return undefined;
    };
    const unpack = new tar__WEBPACK_IMPORTED_MODULE_2__/* .Unpack */ .dX({
        cwd,
        preservePaths: false,
        preserveOwner: false,
        unlink: false,
        filter: (_name, entry) => {
            const e = entry;
            if (e.type === 'SymbolicLink')
                archiveLinks.add(fold(segmentsOf(e.path)?.join('/') ?? e.path));
            const why = verdict(e);
            if (why) {
                refused.push({ name: e.path, reason: why });
                return false;
            }
            if (typeof e.mode === 'number')
                e.mode &= 0o777;
            accepted.add(e);
            written++;
            if (e.type === 'SymbolicLink')
                createdLinks.push(segmentsOf(e.path).join('/'));
            return true;
        },
        // What node-tar itself refuses or fails to write (its checks run after this filter).
        onwarn: (code, message, data) => {
            if (code === 'TAR_ENTRY_INFO')
                return;
            const entry = data?.entry;
            if (entry && accepted.delete(entry))
                written--;
            const name = entry?.path ?? data?.path ?? '';
            refused.push({ name, reason: printable(`${code}: ${typeof message === 'string' ? message : message.message}`) });
        }
    });
    const finish = () => {
        const realCwd = node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync(cwd);
        const allowed = roots.map(r => `${realCwd}/${r}`);
        for (const rel of createdLinks) {
            const abs = node_path__WEBPACK_IMPORTED_MODULE_1__.join(cwd, rel);
            let st;
            try {
                st = node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(abs);
            }
            catch {
                continue;
            }
            if (!st.isSymbolicLink())
                continue;
            let why;
            try {
                const real = resolveOnDisk(abs);
                const inside = allowed.some(a => real === a || real.startsWith(`${a}/`));
                if (!inside)
                    why = `symlink to ${printableName(node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync(abs))} leads outside the requested paths through other links; removed`;
                else if (!gitAllowed && hasGitSegment(node_path__WEBPACK_IMPORTED_MODULE_1__.relative(realCwd, real).split('/')))
                    why = 'symlink leads into a .git directory; removed';
            }
            catch (err) {
                why = printable(`symlink could not be resolved (${err.message}); removed`);
            }
            if (why) {
                node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync(abs);
                written--;
                refused.push({ name: rel, reason: why });
            }
        }
        return { written, refused };
    };
    return { unpack, finish };
}
const HIDING = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/**
 * Remote text for a log line: one line that cannot read as a workflow command (src/report/inert.ts),
 * with bidirectional controls escaped too so that a name cannot hide what it is.
 */
function printable(text) {
    return (0,_report_inert__WEBPACK_IMPORTED_MODULE_3__/* .inert */ .t)(text).replace(HIDING, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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


/***/ })

};
;