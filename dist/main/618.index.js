"use strict";
exports.id = 618;
exports.ids = [618];
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