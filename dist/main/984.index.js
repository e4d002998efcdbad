"use strict";
exports.id = 984;
exports.ids = [984];
exports.modules = {

/***/ 11045:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   WQ: () => (/* binding */ noteStreamed),
/* harmony export */   dI: () => (/* binding */ tightenCollections)
/* harmony export */ });
/* unused harmony exports RELIEF_BYTES, GARBAGE_ABOVE, MAJOR_ABOVE */
/**
 * Streaming a workspace or a command's output allocates short-lived Buffers, several copies deep
 * (socket reads, frames, compressed blocks). V8 frees that external memory only after about 64 MB
 * of it has piled up, which alone would take the action past its memory budget (bench/: peak
 * RSS). So every RELIEF_BYTES streamed a young-generation collection (under a millisecond) hands
 * the chunks back. Chunks that sat in a queue through two young collections are promoted and wait
 * for a full collection; when the ArrayBuffer memory held passes MAJOR_ABOVE (or, while a
 * stream that asked for it with tightenCollections() runs, passes what the last full collection
 * left, the live set, by more than GARBAGE_ABOVE), the relief is a full collection instead. Full collections cost ~20 ms each here, so they are not run on a
 * fixed cadence: that doubled the time of a 200 MB relay that never needed one.
 *
 * Measured on the 1 GiB Nomad sync: young collections every 8 MiB alone, 152 MiB peak; this
 * policy (then MAJOR_ABOVE alone), 130-135 MiB. On the 1 GiB SSH sync, the promoted Buffers' memory
 * is what the peak is made of (it stays in malloc's heap once touched): at 24 MiB, malloc's heap
 * grew by 24 MiB before V8's own first full collection; with ~1 MiB live and GARBAGE_ABOVE, by 11
 * MiB (peak RSS 100-111 → 93-97 MiB with ssh.ts's CHANNEL_QUEUE_BYTES, which keeps the full
 * collections to about ten a sync). Not for every stream: a 200 MB download promotes far more
 * (its chunks wait in the SSH channel's 2 MiB receive buffer), and 8 MiB over the live set made 27-32 full
 * collections of it instead of 13-18 (+0.2 s); a fixed 8 MiB, ~70 (+1 s).
 *
 * node:v8 and node:vm are fetched on the first relief, not imported: node:v8 alone took ~6 ms of
 * every start (bench/: cold start), and runs that stream little never need either.
 */
const RELIEF_BYTES = 4 * 1024 * 1024;
const GARBAGE_ABOVE = 8 * 1024 * 1024;
const MAJOR_ABOVE = 24 * 1024 * 1024;
let streamed = 0;
/** ArrayBuffer memory right after the last full collection run here: what was live then. */
let liveAfterMajor = 0;
let tightStreams = 0;
/** Full collections at GARBAGE_ABOVE over the live set until the returned function is called. */
function tightenCollections() {
    tightStreams++;
    let done = false;
    return () => {
        if (!done)
            tightStreams--;
        done = true;
    };
}
let collect;
function noteStreamed(bytes) {
    streamed += bytes;
    if (streamed < RELIEF_BYTES)
        return;
    streamed = 0;
    if (!collect) {
        const v8 = process.getBuiltinModule('node:v8');
        const vm = process.getBuiltinModule('node:vm');
        // The young generation grows (doubling, up to 64 MiB here) whenever enough survives its
        // collections, and a long stream always gets there; it never shrinks back while busy. V8 reads
        // this factor when it grows the space, so setting it now keeps the size reached at start-up.
        v8.setFlagsFromString('--semi-space-growth-factor=1');
        v8.setFlagsFromString('--expose-gc');
        collect = vm.runInNewContext('gc');
    }
    const major = process.memoryUsage().arrayBuffers > (tightStreams > 0 ? Math.min(MAJOR_ABOVE, liveAfterMajor + GARBAGE_ABOVE) : MAJOR_ABOVE);
    collect({ type: major ? 'major' : 'minor' });
    if (major)
        liveAfterMajor = process.memoryUsage().arrayBuffers;
}


/***/ }),

/***/ 19984:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GZIP_LEVEL: () => (/* binding */ GZIP_LEVEL),
  createArchive: () => (/* binding */ createArchive)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(78474);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
// EXTERNAL MODULE: ./node_modules/tar/dist/esm/index.min.js
var index_min = __webpack_require__(98697);
// EXTERNAL MODULE: ./src/util/memory.ts
var memory = __webpack_require__(11045);
// EXTERNAL MODULE: ./src/transfer/tools.ts
var transfer_tools = __webpack_require__(60292);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./src/workspace/native-pack.ts




/** A file of the plan changed or vanished while it was packed; names it (tar's own words). */
class WorkspaceChangedError extends Error {
    constructor(details) {
        super(`the workspace changed while it was being packed: ${details.join('; ')}. Nothing was started with it: run the step again once nothing writes into the workspace, or leave the file out with sync-exclude`);
        this.name = 'WorkspaceChangedError';
    }
}
/** GNU tar's and bsdtar's words for a file that changed or went away under it (GNU src/create.c, src/misc.c; bsdtar "Cannot stat"). */
const CHANGED = /file changed as we read it|No such file or directory|File shrank by|File removed before we read it/i;
/** tar's records are BLOCKING_FACTOR × 512 bytes; a checkpoint line every CHECKPOINT_RECORDS of them (1000 KiB). */
const BLOCKING_FACTOR = 20;
const CHECKPOINT_RECORDS = 100;
const CHECKPOINT_BYTES = CHECKPOINT_RECORDS * BLOCKING_FACTOR * 512;
/** Whether a file's size, mtime or ctime moved since `before` (or it is gone): both packers' check that it did not change while it was read. */
function changedSince(absolute, before) {
    try {
        const now = external_node_fs_.lstatSync(absolute);
        return now.size !== before.size || now.mtimeMs !== before.mtimeMs || now.ctimeMs !== before.ctimeMs;
    }
    catch {
        return true;
    }
}
/**
 * How the runner's tar packs this plan with this codec, or undefined when it cannot (no tar that
 * takes a NUL-separated list, no program for the codec, contents to substitute, or hard links
 * bsdtar would keep as links).
 */
function nativePacker(tools, codec, plan) {
    // Files shipped with other content than on disk (sync-git's filtered config) need the in-process packer.
    if (plan.contents?.size)
        return undefined;
    if (!(codec === 'zstd' ? tools.zstd : tools.gzip || tools.pigz))
        return undefined;
    if (tools.tar === 'gnu')
        return gnuTar();
    if (tools.tar === 'bsd')
        return bsdTar(plan);
    return undefined;
}
function gnuTar() {
    return {
        args: [
            '--create',
            '--file=-',
            '--format=gnu',
            '--owner=0',
            '--group=0',
            '--numeric-owner',
            '--hard-dereference',
            `--blocking-factor=${BLOCKING_FACTOR}`,
            `--checkpoint=${CHECKPOINT_RECORDS}`,
            '--checkpoint-action=echo=%u',
            '--no-recursion',
            '--null',
            '--files-from=-'
        ],
        // "tar: N" every CHECKPOINT_RECORDS records.
        progress: line => (/^tar: \d+$/.test(line) ? CHECKPOINT_BYTES : undefined),
        // GNU tar refuses a file whose size or ctime moved while it read it (exit 1).
        verify: () => undefined
    };
}
/**
 * bsdtar (libarchive: macOS runners). It has no checkpoints, so its verbose line per entry ("a
 * <name>", in plan order) counts that entry's tar bytes; it has no --hard-dereference, so a plan
 * with hard links is packed in process (which stores them as regular files, as GNU tar does here);
 * and it archives a file that changes under it without a word, so every planned file's lstat is
 * taken before and compared after, as the in-process packer does per file. Without metadata GNU
 * tar does not write either (xattrs, ACLs, file flags, macOS AppleDouble files).
 */
function bsdTar(plan) {
    const before = [];
    for (const f of plan.files) {
        let st;
        try {
            st = external_node_fs_.lstatSync(`${plan.root}/${f}`);
        }
        catch {
            st = undefined; // bsdtar names it ("Cannot stat")
        }
        if (st?.isFile() && st.nlink > 1)
            return undefined;
        before.push(st);
    }
    let next = 0;
    return {
        args: [
            '-c',
            '-f',
            '-',
            '-v',
            '-n',
            '--null',
            '-T',
            '-',
            '-b',
            String(BLOCKING_FACTOR),
            '--uid',
            '0',
            '--gid',
            '0',
            '--numeric-owner',
            '--no-xattrs',
            '--no-acls',
            '--no-fflags',
            '--no-mac-metadata'
        ],
        progress: line => {
            if (!line.startsWith('a '))
                return undefined;
            const st = before[next++];
            return 512 + (st?.isFile() ? Math.ceil(st.size / 512) * 512 : 0);
        },
        verify: () => {
            const changed = plan.files
                .filter((f, i) => before[i]?.isFile() && changedSince(`${plan.root}/${f}`, before[i]))
                .map(f => `${f}: file changed as we read it`);
            if (changed.length)
                throw new WorkspaceChangedError(changed);
        }
    };
}
/**
 * The runner's tar (GNU tar or bsdtar, as `invocation` says) fed exactly the plan's names
 * (NUL-separated on stdin, no recursion: nothing is walked again, so nothing outside the plan can
 * slip in), piped straight into `zstd -1 -T0` (all cores) or pigz/gzip -1, whose output goes to
 * `out`; tar's stderr lines count the tar bytes for the progress lines. Owners are written as 0,
 * hard links as regular files, as the in-process packer does. `out` ends only after both programs
 * exited 0 (and the invocation's own checks passed), so a remote never sees a complete-looking
 * archive from a failed pack; tar's exit 1 ("file changed as we read it") is a failure here.
 */
function packNatively(plan, codec, tools, invocation, out, onTarBytes, onBytes) {
    // COPYFILE_DISABLE: macOS's bsdtar would add AppleDouble `._` entries for extended attributes.
    const tar = (0,external_node_child_process_.spawn)('tar', invocation.args, { cwd: plan.root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, COPYFILE_DISABLE: '1' } });
    const compressor = codec === 'zstd' ? ['zstd', '-1', '-T0', '-q', '-c'] : tools.pigz ? ['pigz', '-1', '-c'] : ['gzip', '-1', '-c'];
    // tar writes straight into the compressor: the uncompressed stream never passes through Node
    // (on the 1 GiB tree that is 1 GiB of Buffers the main thread no longer reads, writes and collects).
    const comp = (0,external_node_child_process_.spawn)(compressor[0], compressor.slice(1), { stdio: [tar.stdout, 'pipe', 'pipe'] });
    tar.stdout.destroy();
    const children = [tar, comp];
    const stderrOf = new Map([
        [tar, ''],
        [comp, '']
    ]);
    const keep = (c, text) => void stderrOf.set(c, (stderrOf.get(c) + text).slice(-16384));
    comp.stderr.on('data', (d) => keep(comp, d.toString('utf8')));
    // tar's progress lines count its output for the progress lines; everything else it says is kept for the error.
    let partial = '';
    tar.stderr.on('data', (d) => {
        const lines = (partial + d.toString('utf8')).split('\n');
        partial = lines.pop();
        for (const line of lines) {
            const bytes = invocation.progress(line);
            if (bytes !== undefined)
                onTarBytes(bytes);
            else
                keep(tar, `${line}\n`);
        }
    });
    tar.stderr.once('end', () => partial && keep(tar, partial));
    const counted = new external_node_stream_.Transform({
        transform(chunk, _enc, done) {
            onBytes(chunk.length);
            (0,memory/* noteStreamed */.WQ)(chunk.length);
            done(null, chunk);
        }
    });
    // The consumer failed (or finished reading a failed archive): stop both programs.
    const stop = () => children.forEach(c => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
    out.once('close', stop);
    // EPIPE after tar died: its exit status says why.
    tar.stdin.on('error', () => undefined);
    comp.stdout.pipe(counted).pipe(out, { end: false });
    const exited = (c) => new Promise((resolve, reject) => {
        c.once('error', reject);
        c.once('close', (code, signal) => resolve({ code, signal }));
    });
    const tarDone = exited(tar);
    const compDone = exited(comp);
    const names = Buffer.from(plan.files.map(f => `${f}\0`).join(''), 'utf8');
    tar.stdin.end(names);
    return (async () => {
        const [t, z] = await Promise.all([tarDone, compDone]);
        if (t.code !== 0) {
            const lines = stderrOf
                .get(tar)
                .split('\n')
                .map(l => l.replace(/^(?:bs)?tar: /, '').trim())
                .filter(l => l && !/^Exiting with failure status|^Error exit delayed/.test(l));
            if (lines.some(l => CHANGED.test(l)))
                throw new WorkspaceChangedError(lines);
            throw new Error(`packing the workspace with tar failed (${t.signal ?? `exit ${t.code}`}): ${lines.join('; ') || 'no output'}`);
        }
        if (z.code !== 0)
            throw new Error(`compressing the workspace with ${compressor[0]} failed (${z.signal ?? `exit ${z.code}`}): ${stderrOf.get(comp).trim() || 'no output'}`);
        invocation.verify();
        // Everything the compressor wrote has been handed on before `out` ends.
        if (!counted.writableFinished)
            await new Promise(r => counted.once('finish', r));
        await new Promise(r => (counted.readableEnded ? r() : counted.once('end', () => r())));
        out.end();
    })();
}

;// CONCATENATED MODULE: ./src/workspace/archive.ts









const GZIP_LEVEL = 1;
const ZSTD_LEVEL = 1;
/**
 * A link cache that never remembers, so every hard link is archived as a regular file: node-tar
 * 7.5's Pack wrote after the end of an archive holding a hard link beside a symlink, and waited
 * forever on a link whose partner it had not packed yet. Copies cost bytes, not correctness.
 */
const NO_HARDLINKS = {
    get: () => undefined,
    set() {
        return this;
    },
    has: () => false
};
/** File reads of at most 256 KiB: node-tar's default (16 MiB) costs memory, not speed. */
const READ_SIZE = 256 * 1024;
/**
 * Files up to this size are packed with node-tar's synchronous entry writer, larger ones with its
 * streaming one. Each asynchronous file operation costs the main thread a thread-pool round trip
 * (~25 µs on the bench VM, where a synchronous lstat/open/read/close takes 2-5 µs), four per file:
 * node-tar's Pack spent 1.8-3.8 s of main-thread time on the 20,000 files of the bench's 200 MB
 * tree, this loop 0.4 s. A synchronous entry holds at most this much at once.
 */
const SYNC_ENTRY_MAX = 1024 * 1024;
/** The end of a tar archive: two zero blocks (as node-tar's Pack writes it). */
const TAR_EOF = Buffer.alloc(1024);
/**
 * The tar stream reaches the compressor in blocks of this size. node-tar would gzip in its own
 * synchronous zlib on the main thread, and Node's zlib fed many small writes makes a thread-pool
 * round trip for each; in blocks, compression runs on another core while the main thread packs
 * and sends.
 */
const COMPRESS_BLOCK = 1024 * 1024;
const COMPRESSED_CHUNK = 64 * 1024;
/**
 * Gathers small writes into COMPRESS_BLOCK-sized buffers (the last one shorter). A chunk that is a
 * block's worth on its own (a big file's reads) goes on as it is, after what was gathered: no copy.
 */
function blocks(onTarBytes) {
    let parts = [];
    let size = 0;
    const take = () => {
        const block = Buffer.concat(parts, size);
        parts = [];
        size = 0;
        return block;
    };
    return new external_node_stream_.Transform({
        transform(chunk, _enc, done) {
            onTarBytes(chunk.length);
            if (chunk.length >= COMPRESS_BLOCK / 4) {
                if (size > 0)
                    this.push(take());
                return done(null, chunk);
            }
            parts.push(chunk);
            size += chunk.length;
            done(null, size >= COMPRESS_BLOCK ? take() : undefined);
        },
        flush(done) {
            done(null, size > 0 ? take() : undefined);
        }
    });
}
/**
 * The plan's files as a compressed tar stream, produced as the consumer reads (an empty plan is a
 * valid empty archive). Symlinks stay links (never followed), modes are kept, owner names and ids
 * are left out, directories in the plan are entries of their own (never walked). Packed by GNU tar
 * (or bsdtar) and the zstd (or pigz/gzip) program when the runner has them, by node-tar and zlib otherwise:
 * both give the remote the same tree (test/unit/native-pack.test.ts).
 */
function createArchive(plan, opts = {}) {
    const codec = opts.codec ?? 'gzip';
    let count = 0;
    let tarCount = 0;
    let packer;
    const out = new external_node_stream_.PassThrough();
    const choice = opts.packer && opts.packer !== 'auto' ? opts.packer : (0,transfer_tools.packerChoice)();
    const done = (async () => {
        const tools = choice === 'in-process' || opts.level !== undefined ? undefined : await (0,transfer_tools.runnerTools)();
        const native = tools && nativePacker(tools, codec, plan);
        if (choice === 'native' && !native)
            throw new Error(`OFFLOAD_ARCHIVE_PACKER=native, but the runner has no GNU tar or bsdtar and ${codec} program that can pack this archive`);
        packer = native ? 'native' : 'in-process';
        if (native)
            await packNatively(plan, codec, tools, native, out, n => (tarCount += n), n => (count += n));
        else
            await packInProcess(plan, codec, opts.level, out, n => (tarCount += n), n => (count += n));
    })();
    done.catch((err) => out.destroy(err));
    const plannedTarBytes = plan.bytes + plan.files.length * (512 + 256) + TAR_EOF.length;
    return { stream: out, bytes: () => count, tarBytes: () => tarCount, plannedTarBytes, done, packer: () => packer };
}
/** node-tar entries and Node's zlib (on the thread pool, in blocks) into `out`. */
function packInProcess(plan, codec, level, out, onTarBytes, onBytes) {
    const counter = new external_node_stream_.Transform({
        transform(chunk, _enc, done) {
            onBytes(chunk.length);
            (0,memory/* noteStreamed */.WQ)(chunk.length);
            done(null, chunk);
        }
    });
    const compress = codec === 'zstd'
        ? (0,external_node_zlib_.createZstdCompress)({ chunkSize: COMPRESSED_CHUNK, params: { [external_node_zlib_.constants.ZSTD_c_compressionLevel]: level ?? ZSTD_LEVEL } })
        : (0,external_node_zlib_.createGzip)({ level: level ?? GZIP_LEVEL, chunkSize: COMPRESSED_CHUNK });
    const block = blocks(onTarBytes);
    return new Promise((resolve, reject) => {
        for (const s of [block, compress, counter])
            s.on('error', reject);
        // A consumer that fails destroys `out`: stop packing (packFiles waits on `block`).
        out.once('close', () => block.destroy());
        counter.once('end', () => resolve());
        block.pipe(compress).pipe(counter).pipe(out);
        packFiles(plan, block).then(() => block.end(), reject);
    });
}
/** A regular-file tar entry holding `content` under `name`, with the on-disk file's mode and mtime. */
function fileEntry(name, content, stat) {
    const fields = { path: name, mode: stat.mode & 0o7777, size: content.length, mtime: stat.mtime, type: 'File' };
    const header = new index_min/* Header */.Y9(fields);
    // encode() is true when the name does not fit the ustar header: a PAX header carries it first.
    const pax = header.encode() ? [new index_min/* Pax */.un(fields).encode()] : [];
    return Buffer.concat([...pax, header.block, content, Buffer.alloc((512 - (content.length % 512)) % 512)]);
}
/**
 * Writes each file's tar entry (node-tar's WriteEntry: header, PAX for long names, mode, symlink
 * target) into `to`, waiting whenever `to` is full, then the end-of-archive blocks. Stops as soon
 * as `to` is destroyed (the consumer failed).
 */
async function packFiles(plan, to) {
    const statCache = new Map();
    const opts = { cwd: plan.root, portable: true, maxReadSize: READ_SIZE, linkCache: NO_HARDLINKS, statCache };
    const closed = new Promise(resolve => to.once('close', resolve));
    const write = (chunk) => void to.write(chunk);
    for (const file of plan.files) {
        if (to.destroyed)
            return;
        const absolute = external_node_path_.resolve(plan.root, file);
        let stat;
        try {
            stat = external_node_fs_.lstatSync(absolute);
        }
        catch (err) {
            throw new WorkspaceChangedError([`${file}: Cannot stat: ${reasonOf(err)}`]);
        }
        // The Date of the realm that loaded node-tar: its PAX writer (long or non-ASCII names) tests
        // `instanceof Date`, and under a test runner's sandbox fs's Dates come from another realm.
        Object.defineProperty(stat, 'mtime', { value: new Date(stat.mtimeMs) });
        const content = plan.contents?.get(file);
        // Handed to the entry so that it does not stat the file again; read in its constructor.
        if (!content)
            statCache.set(absolute, stat);
        try {
            if (content) {
                to.write(fileEntry(file, content, stat));
            }
            else if (stat.isFile() && stat.size > SYNC_ENTRY_MAX) {
                const entry = new index_min/* WriteEntry */.EJ(file, opts);
                statCache.delete(absolute);
                const ended = (0,external_node_events_.once)(entry, 'end');
                entry.pipe(to, { end: false });
                await Promise.race([ended, closed]);
            }
            else {
                const entry = new index_min/* WriteEntrySync */.XO(file, opts);
                statCache.delete(absolute);
                entry.on('data', write);
            }
        }
        catch (err) {
            // node-tar's words for a file whose size moved under it (write-entry.js).
            const changed = /did not encounter expected EOF|encountered unexpected EOF/.test(reasonOf(err));
            throw new WorkspaceChangedError([`${file}: ${changed ? 'file changed as we read it' : reasonOf(err)}`]);
        }
        // As GNU tar does: a file whose size or change time moved while it was read is refused.
        if (!content && stat.isFile() && changedSince(absolute, stat))
            throw new WorkspaceChangedError([`${file}: file changed as we read it`]);
        if (to.writableNeedDrain)
            await Promise.race([(0,external_node_events_.once)(to, 'drain'), closed]);
    }
    if (!to.destroyed)
        to.write(TAR_EOF);
}
/** An fs error as GNU tar words it ("No such file or directory"), else its message. */
function reasonOf(err) {
    const e = err;
    if (e?.code === 'ENOENT')
        return 'No such file or directory';
    if (e?.code === 'EACCES')
        return 'Permission denied';
    return e?.message ?? String(err);
}


/***/ })

};
;