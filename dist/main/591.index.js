"use strict";
exports.id = 591;
exports.ids = [591,618];
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

/***/ 5591:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   canExtractNatively: () => (/* binding */ canExtractNatively),
/* harmony export */   nativeExtract: () => (/* binding */ nativeExtract)
/* harmony export */ });
/* unused harmony export DOWNLOAD_STAGING */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var _transfer_decode__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(40661);
/* harmony import */ var _extract_policy__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(46618);







/**
 * The download's extraction by the runner's own programs: `zstd -d` (or `gzip -d`) piped straight
 * into the system tar, so that Node only relays the compressed bytes and the 20k file creations
 * are done by C, as in the hand-typed pipeline (README, Performance). The archive comes from the
 * less trusted remote, so the system tar never writes where the user's files are: it extracts
 * into an empty staging directory of its own (made here, mode 0700, inside the workspace so that
 * what is kept moves with a rename). GNU tar and bsdtar both keep a hostile archive inside that
 * directory (they refuse '..', strip a leading '/', and never write through a symlink pointing
 * out: GNU tar makes such links only after everything else, bsdtar refuses to extract through any
 * link). Only then is the staged tree judged by the rules of src/remote/safe-extract.ts (inside the
 * requested paths, no `.git`, regular files, directories and symlinks that stay inside; no
 * setuid, setgid or sticky bit; owners never taken from the archive), what fails them is removed,
 * and what passes is moved into place without ever writing through something on disk: a rename
 * replaces a file or link, and a directory only when it is empty.
 *
 * Where this differs from the in-process writer: an archive the system tar itself objects to
 * (a '..' name, a device it may not make, a write through a link, a cut-short archive) fails
 * the download and nothing of it is moved in, where the in-process writer refuses that entry
 * and writes the rest; and a hard link between two names of the archive is kept. The writer
 * refuses hard links because it writes where the user's files are, and a link entry could name
 * one of them; in the empty staging directory both tars resolve a link's target inside it (no
 * '..', no leading '/', no link followed out), so it can only join two files the archive made.
 */
/** At most this many of the system tar's last stderr lines go into the error. */
const TAR_LINES = 12;
/** The staging directory's name in the target directory (with mkdtemp's random suffix). */
const DOWNLOAD_STAGING = '.offload-download-';
/** How the system tar extracts into a directory without taking owners, modes beyond the umask or metadata from the archive. */
function tarArgs(kind, into) {
    const common = ['-x', '-f', '-', '-C', into, '--no-same-owner', '--no-same-permissions'];
    return kind === 'bsd' ? [...common, '--no-xattrs', '--no-acls', '--no-fflags', '--no-mac-metadata'] : common;
}
/** The decoder before the tar: none for a plain tar (null), undefined when the runner has no program for the codec. */
function decoderFor(tools, codec) {
    return codec === 'tar' ? null : (0,_transfer_decode__WEBPACK_IMPORTED_MODULE_5__/* .decoderProgram */ .r)(tools, codec);
}
/** True when nativeExtract can take this codec on this runner. */
function canExtractNatively(tools, codec) {
    return tools.tar !== undefined && decoderFor(tools, codec) !== undefined;
}
/**
 * A child's exit, as a promise: its stderr's last lines when it did not end with 0. A decoder
 * killed by SIGPIPE (pipeOk) only means the tar had read a whole archive and stopped reading (bsdtar
 * does, at the end-of-archive blocks): the tar's own exit decides, and the remote's count and
 * SHA-256 still check the bytes (workspace-ops.ts).
 */
function exited(child, name, pipeOk = false) {
    let err = '';
    child.stderr?.on('data', (c) => (err = (err + c.toString('utf8')).slice(-8192)));
    return new Promise(resolve => {
        child.once('error', e => resolve(`${name} could not be started: ${e.message}`));
        child.once('close', (code, sig) => {
            if (code === 0 || (pipeOk && sig === 'SIGPIPE'))
                return resolve(undefined);
            const lines = err
                .split('\n')
                .filter(l => l.trim())
                .slice(-TAR_LINES)
                .map(_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .printable */ .g$);
            resolve(`${name} failed (${sig ?? `exit ${code}`})${lines.length ? `: ${lines.join('; ')}` : ''}`);
        });
    });
}
/**
 * A Writable into a child's stdin that waits for each write to reach the pipe (so at most one
 * chunk waits in Node) and, once the child has gone, takes and drops the rest: the remote keeps
 * sending until it is done, and its end must not stall on a closed pipe (the child's exit says why).
 */
function childInput(stdin) {
    let gone = false;
    stdin.on('error', () => (gone = true));
    return new node_stream__WEBPACK_IMPORTED_MODULE_3__.Writable({
        highWaterMark: 64 * 1024,
        write(chunk, _enc, done) {
            if (gone)
                return done();
            stdin.write(chunk, err => {
                if (err)
                    gone = true;
                done();
            });
        },
        final(done) {
            if (!gone)
                stdin.end();
            done();
        }
    });
}
function nativeExtract(opts) {
    const cwd = node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(opts.cwd);
    const roots = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .requestedRoots */ .Si)(opts.paths);
    if (!node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync(cwd, { throwIfNoEntry: false })?.isDirectory())
        throw new Error(`download target ${cwd} is not a directory`);
    const kind = opts.tools.tar;
    const decoder = decoderFor(opts.tools, opts.codec);
    if (!kind || decoder === undefined)
        throw new Error(`the runner has no tar and ${opts.codec} program to extract with`);
    const gitAllowed = roots.some(r => (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .hasGitSegment */ .oW)(r.split('/')));
    const staging = node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdtempSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(cwd, DOWNLOAD_STAGING));
    const children = [];
    const refused = [];
    let written = 0;
    const run = async (source) => {
        // process.env as it is now, as runnerTools probed it (src/transfer/tools.ts).
        const tar = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)('tar', tarArgs(kind, staging), { stdio: ['pipe', 'ignore', 'pipe'], env: process.env });
        children.push(tar);
        const waits = [exited(tar, `the runner's tar (${kind === 'gnu' ? 'GNU tar' : 'bsdtar'}, extracting into ${DOWNLOAD_STAGING}…)`)];
        let first = tar;
        if (decoder) {
            // The decoder writes straight into tar's stdin: the plain tar never passes through Node.
            first = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(decoder[0], decoder.slice(1), { stdio: ['pipe', tar.stdin, 'pipe'], env: process.env });
            children.push(first);
            tar.stdin.destroy();
            waits.unshift(exited(first, `${decoder[0]} -d`, true));
        }
        const fed = (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_4__.pipeline)(source, childInput(first.stdin)).then(() => undefined, (err) => `the archive could not be passed on: ${err.message}`);
        const reasons = await Promise.all([fed, ...waits]);
        // The decoder's reason first: the tar's ("unexpected EOF") follows from it.
        const why = reasons.slice(1).find(r => r) ?? reasons[0];
        if (why)
            throw new Error(`${why}; nothing of the archive was moved into ${cwd}`);
    };
    const abs = (rel) => `${cwd}/${rel}`;
    const staged = (rel) => `${staging}/${rel}`;
    const isAncestorOfRoot = (rel) => roots.some(r => r.startsWith(`${rel}/`));
    /** What the staged tree holds that may move in: directories with their times, and every kept entry by name. */
    const keptDirs = new Map();
    const keptLinks = [];
    const kept = [];
    const refuseStaged = (rel, reason, isDir) => {
        refused.push({ name: rel, reason });
        // Only what is inside a requested path could move in; the rest goes with the staging directory.
        if ((0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .isInside */ .FK)(rel, roots))
            node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync(staged(rel), { recursive: isDir, force: true });
    };
    /**
     * Judges one staged entry inside a requested path (its parents passed already, so only its own
     * name is looked at); returns true when it is a directory to descend into.
     */
    const judge = (rel, d, depth) => {
        const isDir = d.isDirectory();
        if (d.name.includes('\\'))
            return (refuseStaged(rel, "name with '..', a backslash or NUL", isDir), false);
        if (depth > _extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .MAX_SEGMENTS */ ._Y)
            return (refuseStaged(rel, `name deeper than ${_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .MAX_SEGMENTS */ ._Y} segments`, isDir), false);
        if (!gitAllowed && (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .isGitName */ .M$)(d.name))
            return (refuseStaged(rel, 'inside a .git directory', isDir), false);
        if (d.isSymbolicLink()) {
            const target = node_fs__WEBPACK_IMPORTED_MODULE_1__.readlinkSync(staged(rel));
            const why = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .symlinkVerdict */ .$F)(cwd, rel, target, roots, gitAllowed);
            if (why)
                return (refuseStaged(rel, why, false), false);
            keptLinks.push(rel);
            kept.push(rel);
            return false;
        }
        if (!isDir && !d.isFile())
            return (refuseStaged(rel, `unsupported entry type ${direntType(d)}`, false), false);
        kept.push(rel);
        // A file needs no look of its own (20k lstat calls were a tenth of the download): the tar was
        // told --no-same-permissions, so it wrote no setuid, setgid or sticky bit and no owner
        // (test/unit/native-extract.test.ts holds both tars to that).
        if (!isDir)
            return false;
        // The writer's rule (safe-extract.ts): a directory is always usable by its owner.
        const st = node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync(staged(rel));
        const mode = st.mode & 0o7777;
        const wanted = (mode & 0o777) | 0o700;
        if (wanted !== mode)
            node_fs__WEBPACK_IMPORTED_MODULE_1__.chmodSync(staged(rel), wanted);
        keptDirs.set(rel, { atime: st.atime, mtime: st.mtime });
        return true;
    };
    /** Walks the staged tree (never following a link), judging everything inside the requested paths. */
    const judgeStaged = () => {
        // A '.' entry of the archive may have set the staging directory's own mode.
        node_fs__WEBPACK_IMPORTED_MODULE_1__.chmodSync(staging, 0o700);
        const pending = [{ dir: '', depth: 0, inside: false }];
        while (pending.length) {
            const { dir, depth, inside } = pending.pop();
            for (const d of node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync(dir ? staged(dir) : staging, { withFileTypes: true })) {
                const rel = dir ? `${dir}/${d.name}` : d.name;
                if (inside || (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .isInside */ .FK)(rel, roots)) {
                    if (judge(rel, d, depth + 1))
                        pending.push({ dir: rel, depth: depth + 1, inside: true });
                }
                else if (isAncestorOfRoot(rel) && d.isDirectory())
                    pending.push({ dir: rel, depth: depth + 1, inside: false });
                else
                    refused.push({ name: rel, reason: 'outside the requested paths' });
            }
        }
    };
    /** Why the runner's parents of a requested path may not be written below, after making the missing ones. */
    const prepareParents = (root) => {
        const parts = root.split('/');
        let parent = '';
        for (let i = 0; i < parts.length - 1; i++) {
            parent = i ? `${parent}/${parts[i]}` : parts[i];
            const st = node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync(abs(parent), { throwIfNoEntry: false });
            if (!st)
                node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync(abs(parent), 0o777);
            else {
                const why = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .runnerParentVerdict */ .Ev)(st, parent);
                if (why)
                    return why;
            }
        }
        return undefined;
    };
    /** Kept names whose move failed (or whose requested path could not be written): what is there now is the runner's. */
    const notMoved = [];
    const moved = (rel) => !notMoved.some(n => rel === n || rel.startsWith(`${n}/`));
    /** Kept entries at or below rel (what a failed move did not write after all). */
    const keptBelow = (rel) => kept.filter(k => k === rel || k.startsWith(`${rel}/`)).length;
    /** Moves a staged entry into place: into a real directory entry by entry, anywhere else with one rename. */
    const moveIn = (rel) => {
        const to = node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync(abs(rel), { throwIfNoEntry: false });
        const isDir = keptDirs.has(rel);
        if (to?.isDirectory() && isDir) {
            for (const name of node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync(staged(rel)))
                moveIn(`${rel}/${name}`);
            return;
        }
        try {
            // A directory gives way only when empty (rmdir); a file or link where a directory goes is removed first.
            if (to?.isDirectory())
                node_fs__WEBPACK_IMPORTED_MODULE_1__.rmdirSync(abs(rel));
            else if (to && isDir)
                node_fs__WEBPACK_IMPORTED_MODULE_1__.unlinkSync(abs(rel));
            node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync(staged(rel), abs(rel));
        }
        catch (err) {
            notMoved.push(rel);
            written -= keptBelow(rel);
            refused.push({ name: rel, reason: (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .printable */ .g$)(`could not be written: ${err.message}`) });
        }
    };
    const finish = (complete) => {
        try {
            if (!complete)
                return { written: 0, refused };
            judgeStaged();
            written = kept.length;
            // A requested path inside another is moved with it.
            const outer = roots.filter(r => !roots.some(o => o !== r && r.startsWith(`${o}/`)));
            const keptNames = new Set(kept);
            for (const root of [...new Set(outer)]) {
                // Only what the walk reached and kept: a staged path looked up by name could lead through a
                // staged link (one the walk refused) to anywhere, and a rename would move that in.
                if (!keptNames.has(root))
                    continue;
                let why;
                try {
                    why = prepareParents(root);
                }
                catch (err) {
                    why = (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .printable */ .g$)(`could not be written: ${err.message}`);
                }
                if (why) {
                    notMoved.push(root);
                    written -= keptBelow(root);
                    refused.push({ name: root, reason: why });
                    continue;
                }
                moveIn(root);
            }
            written -= (0,_extract_policy__WEBPACK_IMPORTED_MODULE_6__/* .dropEscapingLinks */ .Z)(cwd, roots, gitAllowed, keptLinks.filter(moved), refused);
            for (const [rel, { atime, mtime }] of keptDirs) {
                if (!moved(rel))
                    continue;
                try {
                    node_fs__WEBPACK_IMPORTED_MODULE_1__.lutimesSync(abs(rel), atime, mtime);
                }
                catch {
                    // A directory's time is not worth failing the download over (or it did not move in).
                }
            }
            return { written, refused };
        }
        finally {
            discard();
        }
    };
    const discard = () => {
        node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync(staging, { recursive: true, force: true, maxRetries: 3 });
    };
    const abort = () => {
        for (const c of children)
            if (c.exitCode === null && c.signalCode === null)
                c.kill('SIGKILL');
    };
    return { run, finish, abort };
}
function direntType(d) {
    if (d.isFIFO())
        return 'FIFO';
    if (d.isCharacterDevice())
        return 'CharacterDevice';
    if (d.isBlockDevice())
        return 'BlockDevice';
    if (d.isSocket())
        return 'Socket';
    return 'unknown';
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