"use strict";
exports.id = 672;
exports.ids = [672];
exports.modules = {

/***/ 15672:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  planArchive: () => (/* binding */ planArchive)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(37484);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
// EXTERNAL MODULE: ./src/util/units.ts
var units = __webpack_require__(46127);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
// EXTERNAL MODULE: ./node_modules/ignore/index.js
var ignore = __webpack_require__(70298);
var ignore_default = /*#__PURE__*/__webpack_require__.n(ignore);
;// CONCATENATED MODULE: ./src/workspace/files.ts





const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/**
 * What git would see: tracked plus untracked-not-ignored files, relative to `root` and in a stable
 * order. Outside a git work tree every file is taken. Directories are expanded (a submodule is a
 * directory entry in git's list) so every path returned is a file or a symlink.
 */
async function listWorkspaceFiles(root, opts) {
    const listed = (await gitList(root)) ?? walk(root, '', true);
    const paths = [];
    for (const rel of listed) {
        let st;
        try {
            st = external_node_fs_.lstatSync(external_node_path_.join(root, rel));
        }
        catch {
            continue; // tracked but deleted in the work tree
        }
        if (st.isDirectory())
            paths.push(...walk(root, rel, true));
        else
            paths.push(rel);
    }
    if (opts.includeGit)
        paths.push(...walkIfThere(root, '.git'));
    const ig = ignore_default()({ allowRelativePaths: true }).add(opts.exclude);
    const unique = [...new Set(paths)].filter(p => !ig.ignores(p));
    return unique.sort();
}
async function gitList(root) {
    try {
        const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
            cwd: root,
            maxBuffer: 1024 * 1024 * 1024,
            encoding: 'buffer'
        });
        return stdout.toString('utf8').split('\0').filter(Boolean);
    }
    catch {
        return undefined;
    }
}
/**
 * File system calls here are synchronous on purpose: each awaited call is a thread-pool round trip
 * (~40 µs on the bench VM against ~2 µs for a synchronous lstat), and a workspace has tens of
 * thousands of files (bench/: 20,000 files listed and measured in 0.1 s instead of 1.5 s).
 */
function walk(root, rel, skipGit) {
    const out = [];
    const entries = external_node_fs_.readdirSync(external_node_path_.join(root, rel), { withFileTypes: true });
    for (const e of entries) {
        if (skipGit && e.name === '.git')
            continue;
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory())
            out.push(...walk(root, child, skipGit));
        else
            out.push(child);
    }
    return out;
}
function walkIfThere(root, rel) {
    try {
        return walk(root, rel, false);
    }
    catch {
        return [];
    }
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
;// CONCATENATED MODULE: ./src/workspace/git-credentials.ts





const git_credentials_run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/**
 * `sync-git: true` ships `.git`, and the checkout's git config holds its credential:
 * actions/checkout stores the job token as `http.<url>.extraheader` (an Authorization header), and
 * people put tokens in remote URLs. The remote is less trusted than the runner, so the archive gets
 * a copy of each git config file with credentials taken out; the checkout itself is never touched.
 * git itself edits the copy (`git config --file`), so quoting, continuation lines and subsections
 * are read exactly as git reads them.
 */
/** Git config files inside `.git`: the repository's, each submodule's and each worktree's. */
function isGitConfigFile(rel) {
    if (!rel.startsWith('.git/'))
        return false;
    const base = external_node_path_.posix.basename(rel);
    const dir = external_node_path_.posix.dirname(rel);
    if (base === 'config.worktree')
        return true;
    return base === 'config' && (dir === '.git' || /^\.git\/(modules|worktrees)\/.+/.test(dir));
}
/** `scheme://userinfo@` at the start of a URL: the userinfo group is a credential. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;
const SSH_SCHEMES = /^(ssh|git\+ssh|ssh\+git):\/\//i;
/**
 * Whether a URL carries a credential. Over HTTP(S) and the like any userinfo is one (a token works
 * as the user name); over SSH a bare user name (`ssh://git@host/`) is not, a password is.
 */
function urlHasCredential(url) {
    const m = USERINFO.exec(url.trim());
    if (!m || !m[2])
        return false;
    return !SSH_SCHEMES.test(m[1]) || m[2].includes(':');
}
function withoutUserinfo(url) {
    return url.trim().replace(USERINFO, '$1');
}
/** `git config --list -z`: `key\nvalue\0`, or `key\0` for a key without a value. */
function parseList(out) {
    return out
        .split('\0')
        .filter(Boolean)
        .map(item => {
        const nl = item.indexOf('\n');
        const key = nl < 0 ? item : item.slice(0, nl);
        const value = nl < 0 ? undefined : item.slice(nl + 1);
        const first = key.indexOf('.');
        const last = key.lastIndexOf('.');
        return {
            key,
            section: key.slice(0, first).toLowerCase(),
            subsection: last > first ? key.slice(first + 1, last) : undefined,
            name: key.slice(last + 1).toLowerCase(),
            value
        };
    });
}
/** What to do with one key given all its values; undefined keeps it as it is. */
function decide(entries) {
    const { section, subsection, name } = entries[0];
    const values = entries.map(e => e.value ?? '');
    if (section === 'credential')
        return { drop: true };
    if (section === 'http' && name === 'extraheader')
        return { drop: true };
    if (section === 'url' && (name === 'insteadof' || name === 'pushinsteadof')) {
        if ((subsection !== undefined && urlHasCredential(subsection)) || values.some(urlHasCredential))
            return { drop: true };
        return undefined;
    }
    if (values.some(urlHasCredential))
        return { drop: false, values: values.map(v => (urlHasCredential(v) ? withoutUserinfo(v) : v)) };
    return undefined;
}
function describe(e, action) {
    const shown = `${e.section}${e.subsection !== undefined ? '.<…>' : ''}.${e.name}`;
    return action.drop ? shown : `${shown} (credential removed from the URL)`;
}
/** The content of the git config file at `file` with every credential entry taken out. */
async function credentialFreeConfig(file, tmpRoot = external_node_os_.tmpdir()) {
    const dir = external_node_fs_.mkdtempSync(external_node_path_.join(tmpRoot, 'offload-gitconfig-'));
    const copy = external_node_path_.join(dir, 'config');
    const git = (...args) => git_credentials_run('git', ['config', '--file', copy, ...args], {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
        maxBuffer: 64 * 1024 * 1024
    });
    try {
        external_node_fs_.copyFileSync(file, copy);
        external_node_fs_.chmodSync(copy, 0o600);
        const byKey = new Map();
        for (const e of parseList((await git('--list', '-z')).stdout)) {
            const list = byKey.get(e.key) ?? [];
            list.push(e);
            byKey.set(e.key, list);
        }
        const removed = [];
        for (const [key, entries] of byKey) {
            const action = decide(entries);
            if (!action)
                continue;
            await git('--unset-all', key);
            if (!action.drop)
                for (const v of action.values)
                    await git('--add', key, v);
            removed.push(describe(entries[0], action));
        }
        return { content: external_node_fs_.readFileSync(copy), removed };
    }
    finally {
        external_node_fs_.rmSync(dir, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/workspace/plan.ts







/** Lists and measures the workspace before any remote is touched; refuses one over the limit. */
async function planArchive(root, opts) {
    let files = await listWorkspaceFiles(root, { exclude: opts.exclude, includeGit: opts.includeGit });
    const contents = opts.includeGit ? await credentialFreeConfigs(root, files) : new Map();
    files = files.filter(f => !isGitConfigFile(f) || contents.has(f));
    let bytes = 0;
    const stats = opts.keepStats ? [] : undefined;
    for (const f of files) {
        const st = external_node_fs_.lstatSync(external_node_path_.join(root, f)); // synchronous: see walk() in files.ts
        if (st.isFile())
            bytes += contents.get(f)?.length ?? st.size;
        stats?.push(st);
    }
    if (bytes > opts.maxBytes) {
        throw new errors/* InputError */.dz('sync-max-size', `the workspace holds ${files.length} files, ${(0,units/* formatBytes */.z3)(bytes)}, over the limit of ${(0,units/* formatBytes */.z3)(opts.maxBytes)}: leave files out with sync-exclude, or raise sync-max-size`);
    }
    return { root, files, bytes, contents, stats };
}
/**
 * The git config files of a `sync-git` archive without their credentials (src/workspace/git-credentials.ts).
 * One that cannot be read that way is left out of the archive: never shipped unfiltered.
 */
async function credentialFreeConfigs(root, files) {
    const out = new Map();
    for (const rel of files.filter(isGitConfigFile)) {
        try {
            const { content, removed } = await credentialFreeConfig(external_node_path_.join(root, rel), process.env.RUNNER_TEMP || undefined);
            out.set(rel, content);
            if (removed.length)
                core.info(`sync-git: ${rel} is shipped without ${removed.join(', ')}; the local file is unchanged`);
        }
        catch (err) {
            core.warning(`sync-git: ${rel} is left out of the archive: its credentials could not be filtered out (${(0,errors/* errorMessage */.gJ)(err)})`);
        }
    }
    return out;
}


/***/ })

};
;