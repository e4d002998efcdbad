"use strict";
exports.id = 214;
exports.ids = [214,292,911];
exports.modules = {

/***/ 84414:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FL: () => (/* binding */ envScript),
/* harmony export */   US: () => (/* binding */ shQuote),
/* harmony export */   q9: () => (/* binding */ shJoin)
/* harmony export */ });
/** POSIX single-quoting: safe for sh, bash, dash and busybox ash. */
function shQuote(s) {
    if (s !== '' && /^[A-Za-z0-9_\-+=.,/:@%]+$/.test(s))
        return s;
    return `'${s.replace(/'/g, `'\\''`)}'`;
}
/** One command string from argv, for transports (SSH) that take a string, not argv. */
function shJoin(argv) {
    return argv.map(shQuote).join(' ');
}
/** `export K='v'` lines, sourced by the run wrapper; values travel on stdin, never argv. */
function envScript(env) {
    return Object.entries(env)
        .map(([k, v]) => `export ${k}=${shQuote(v)}\n`)
        .join('');
}


/***/ }),

/***/ 8738:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ez: () => (/* binding */ SYNC_COMMIT_SCRIPT),
/* harmony export */   My: () => (/* binding */ CODEC_PROBE_SCRIPT),
/* harmony export */   Qf: () => (/* binding */ RUN_SCRIPT),
/* harmony export */   Wg: () => (/* binding */ SYNC_STAGING),
/* harmony export */   Ze: () => (/* binding */ DOWNLOAD_SCRIPT),
/* harmony export */   h2: () => (/* binding */ KILL_SCRIPT),
/* harmony export */   iq: () => (/* binding */ SYNC_SCRIPT)
/* harmony export */ });
/**
 * The POSIX sh programs Offload runs on a remote shell. Kept to sh, find, tar, mkdir, cat, kill,
 * sleep and setsid (util-linux or busybox) so they work in slim images.
 */
/** Prints the archive codec this remote can extract: zstd when the zstd program is there, else gzip. */
const CODEC_PROBE_SCRIPT = `if command -v zstd >/dev/null 2>&1; then echo zstd; else echo gzip; fi`;
/**
 * A shell function that prints the SHA-256 (64 lowercase hex digits) of its stdin, with whichever
 * tool the remote has: openssl, sha256sum (coreutils, busybox), busybox's applet, or perl's shasum.
 * Prints `none` (after reading all of stdin) when there is none: the transfer is then checked by
 * its byte count only. openssl first: it uses the CPU's SHA extensions where coreutils' sha256sum
 * does not (the bench's 158 MiB archive: 0.16 s against 0.66 s of CPU, which on the remote competes
 * with the extraction).
 */
const HASH_FUNCTION = `ofl_hash() {
  if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256
  elif command -v sha256sum >/dev/null 2>&1; then sha256sum
  elif command -v busybox >/dev/null 2>&1 && busybox sha256sum </dev/null >/dev/null 2>&1; then busybox sha256sum
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256
  else cat >/dev/null; echo none
  fi | sed -n -e 's/^.*\\([0-9a-fA-F]\\{64\\}\\).*$/\\1/p' -e '/^none$/p' | tr A-F a-f
}`;
/** The staging directory of a sync, inside the target directory (same file system: the swap is a rename). */
const SYNC_STAGING = '.offload-sync-staging';
/**
 * $1 = dir, $2 = codec (zstd or gzip). Extracts the tar on stdin into a staging directory inside
 * the target and counts and hashes the bytes as they arrive (tee into two FIFOs), then prints
 * `offload-received <bytes> <sha256|none>` whatever the extraction did: the runner compares it
 * with what it sent, and SYNC_COMMIT_SCRIPT swaps the staged tree in only when they match, so a
 * stream cut short never replaces the workspace. Shell tests and `read` instead of programs where
 * they do (each process costs 1-5 ms on a busy remote: a one-file re-sync started eight). zstd goes through the zstd program so that any
 * tar, not only one that knows --zstd, can take it. SIGPIPE is ignored so that tee keeps counting
 * and hashing when the extraction fails early (its error is the one then reported).
 */
const SYNC_SCRIPT = `${HASH_FUNCTION}
d=$1; st=$1/${SYNC_STAGING}
[ -d "$d" ] || mkdir -p -- "$d" || exit 1
{ [ ! -e "$st" ] && [ ! -h "$st" ] || rm -rf -- "$st"; } && mkdir -- "$st" "$st/tree" && mkfifo -- "$st/h" "$st/n" || exit 1
ofl_hash < "$st/h" > "$st/sum" &
wc -c < "$st/n" | tr -d ' ' > "$st/count" &
trap '' PIPE
if [ "$2" = zstd ]; then
  tee -- "$st/h" "$st/n" | { zstd -dcq | tar -xof - -C "$st/tree"; }
else
  tee -- "$st/h" "$st/n" | tar -xzof - -C "$st/tree"
fi
rc=$?
wait
n=; s=
read -r n < "$st/count"; read -r s < "$st/sum"
echo "offload-received $n $s"
exit $rc`;
/**
 * $1 = dir, $2 = expected byte count, $3 = expected SHA-256, $4 = replace (the staged tree
 * becomes the directory's whole content) or merge (it is copied over what is there), or abort;
 * then, optionally, a command to run once the tree is swapped in. Swaps in the tree SYNC_SCRIPT
 * staged only when what it received matches what the runner sent (the hash is skipped when the
 * remote had no tool for it); exit 3 and the staging removed when it does not. The staged entries
 * move in with as few mv processes as find's argument batches (one per entry took 0.15-0.8 s for
 * the bench tree's 102 top-level entries on a busy machine). The command (a re-sync's listing of
 * what it wrote: one exec fewer) prints on this exec's stdout, then `offload-then <status>` goes
 * to stderr; this exec's own status stays the swap's.
 */
const SYNC_COMMIT_SCRIPT = `d=$1; st=$1/${SYNC_STAGING}
if [ "$4" = abort ]; then rm -rf -- "$st"; exit 0; fi
[ -d "$st/tree" ] && [ ! -h "$st" ] && [ -f "$st/count" ] || { echo "offload: no staged sync in $st" >&2; exit 3; }
n=; s=
read -r n < "$st/count"; read -r s < "$st/sum"
if [ "$n" != "$2" ] || { [ "$s" != none ] && [ "$s" != "$3" ]; }; then
  echo "offload-mismatch $n \${s:-none}"; rm -rf -- "$st"; exit 3
fi
set -e
if [ "$4" = merge ]; then
  (cd "$st/tree" && tar -cf - .) | tar -xof - -C "$d"
else
  find "$d" -mindepth 1 -maxdepth 1 ! -name ${SYNC_STAGING} -exec rm -rf -- {} +
  find "$st/tree" -mindepth 1 -maxdepth 1 -exec sh -c 'mv -- "$@" "$0"/' "$d" {} +
fi
rm -rf -- "$st"
[ $# -gt 4 ] || exit 0
shift 4
set +e
"$@"
echo "offload-then $?" >&2
exit 0`;
/**
 * $1 = control dir, $2 = working directory, $3 = timeout in seconds, then the command's argv.
 * Reads from stdin the `export` lines of the command's environment and the script itself (as the
 * variable OFFLOAD_SCRIPT), so env values never touch argv and one exec does it all. They are
 * evaluated from memory, never written to a file, so no exit path (a bad line, a kill) can leave
 * the values behind on the remote. Starts the
 * command in its own session (so the whole process group can be killed), records its pid for
 * cancellation, and runs a watchdog that kills the group when the timeout expires (exit 124). The
 * watchdog polls once a second so it ends with the command and leaves no sleeping process behind.
 * The wrapper's own variables carry an __ofl_ prefix: the sourced environment cannot clobber them.
 * The control dir (src/remote/control.ts: <lease dir>/step-<random>) sits in a shared /tmp
 * (raw_exec, a Vast host) under a lease directory whose name others may learn (the lease ID is in
 * the job's Meta), so both are made with mkdir, not mkdir -p, under umask 077: the lease directory
 * may exist only as a real directory of this user (an earlier step of the lease made it), the
 * step directory not at all. Anything planted there first is refused before anything is written.
 * The step directory is removed on every exit of the wrapper, and the lease directory with it once
 * no other step's directory is left in it.
 */
const RUN_SCRIPT = `__ofl_ctl=$1; __ofl_wd=$2; __ofl_t=$3; shift 3
umask 077
# stdin first (into memory): a refusal below must not leave the runner writing into a closed pipe.
__ofl_env=$(cat) || exit 1
case $__ofl_t in ''|*[!0-9]*) echo "offload: bad timeout '$__ofl_t'" >&2; exit 1;; esac
__ofl_root=\${__ofl_ctl%/*}
[ -d "$__ofl_root" ] || mkdir -- "$__ofl_root" 2>/dev/null
[ ! -h "$__ofl_root" ] && [ -d "$__ofl_root" ] && [ -O "$__ofl_root" ] &&
  mkdir -- "$__ofl_ctl" 2>/dev/null && [ ! -h "$__ofl_ctl" ] && [ -O "$__ofl_ctl" ] || {
  echo "offload: the control directory $__ofl_ctl (or the lease directory above it) already exists or is not this user's: refusing to use it" >&2; exit 1; }
trap 'rm -rf -- "$__ofl_ctl"; rmdir -- "$__ofl_root" 2>/dev/null' EXIT
eval "$__ofl_env" || exit 1
unset __ofl_env
printf '%s' "$OFFLOAD_SCRIPT" > "$__ofl_ctl/script" || exit 1
unset OFFLOAD_SCRIPT
umask 022
cd "$__ofl_wd" 2>/dev/null || { echo "offload: working directory $__ofl_wd does not exist on the remote" >&2; exit 1; }
if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null & else "$@" </dev/null & fi
__ofl_pid=$!
echo "$__ofl_pid" > "$__ofl_ctl/pid"
(
  __ofl_n=0
  while kill -0 "$__ofl_pid" 2>/dev/null; do
    if [ "$__ofl_n" -ge "$__ofl_t" ]; then
      : > "$__ofl_ctl/timedout"
      kill -TERM -"$__ofl_pid" 2>/dev/null || kill -TERM "$__ofl_pid" 2>/dev/null
      __ofl_i=0
      while kill -0 -"$__ofl_pid" 2>/dev/null && [ "$__ofl_i" -lt 5 ]; do sleep 1; __ofl_i=$((__ofl_i+1)); done
      kill -KILL -"$__ofl_pid" 2>/dev/null
      exit 0
    fi
    sleep 1; __ofl_n=$((__ofl_n+1))
  done
) </dev/null >/dev/null 2>&1 &
wait "$__ofl_pid"; __ofl_rc=$?
[ -e "$__ofl_ctl/timedout" ] && __ofl_rc=124
rm -rf -- "$__ofl_ctl"
exit "$__ofl_rc"`;
/** $1 = control dir. Kills the recorded process group: TERM, then KILL after up to 3 s. */
const KILL_SCRIPT = `ctl=$1
[ -d "$ctl" ] && [ ! -h "$ctl" ] && [ -O "$ctl" ] && [ -f "$ctl/pid" ] || exit 0
pid=$(cat "$ctl/pid")
[ -n "$pid" ] && [ "$pid" -gt 1 ] || exit 0
kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
i=0
while kill -0 -"$pid" 2>/dev/null && [ "$i" -lt 6 ]; do sleep 0.5 2>/dev/null || sleep 1; i=$((i+1)); done
kill -KILL -"$pid" 2>/dev/null
exit 0`;
/**
 * $1 = directory, $2 = codec (zstd or gzip), then paths relative to it. Streams them as a
 * compressed tar on stdout (zstd level 1 on all cores when the remote has zstd), then prints
 * `offload-sent <bytes> <sha256|none>` of what it wrote on stderr, for the runner to check what
 * arrived. Exits with tar's status.
 *
 * tee writes in pieces of 8 KiB (GNU coreutils' BUFSIZ) and sshd sends about one packet per
 * write, where every packet costs the runner's one thread a decrypt, a hash update and a write
 * into the decompressor. dd regroups the stream into 64 KiB writes (an ibs that differs from
 * obs makes GNU and busybox dd fill every output block), so that sshd sends full 32 KiB packets
 * (ssh2's maximum): on the bench's 200 MB download, 5048 packets instead of about 7200, and less
 * of the runner's CPU (README, Performance). A dd that refuses these operands (a busybox built
 * without them) leaves the stream as tee writes it. Where dd reports the bytes it copied (GNU dd,
 * busybox's third status line; the probe's `0 bytes` says so, in the remote's own language) that
 * report is the count, and tee feeds only the hash: one FIFO and one copy of the archive fewer
 * than a `wc -c` beside it, which the others still use.
 */
const DOWNLOAD_SCRIPT = `${HASH_FUNCTION}
d=$1; c=$2; shift 2
cd "$d" || exit 1
t=\${TMPDIR:-/tmp}/offload-download.$$
rm -rf -- "$t"; (umask 077 && mkdir -- "$t") && mkfifo -- "$t/h" || exit 1
ofl_hash < "$t/h" > "$t/sum" &
w=$(dd ibs=32768 obs=65536 count=0 </dev/null 2>&1 >/dev/null) && k=dd || k=
case $k$w in dd*'0 bytes'*) k=dd-count ;; esac
if [ "$k" = dd-count ]; then
  ofl_send() { tee -- "$t/h" | dd ibs=32768 obs=65536 2>"$t/dd"; }
else
  mkfifo -- "$t/n" || exit 1
  wc -c < "$t/n" | tr -d ' ' > "$t/count" &
  if [ "$k" = dd ]; then
    ofl_send() { tee -- "$t/h" "$t/n" | dd ibs=32768 obs=65536 2>/dev/null; }
  else
    ofl_send() { tee -- "$t/h" "$t/n"; }
  fi
fi
if [ "$c" = zstd ]; then
  { tar -cf - -- "$@"; echo $? > "$t/rc"; } | zstd -1 -T0 -qc | ofl_send
else
  { tar -czf - -- "$@"; echo $? > "$t/rc"; } | ofl_send
fi
wait
[ "$k" = dd-count ] && sed -n 's/^\\([0-9][0-9]*\\) bytes.*/\\1/p' "$t/dd" > "$t/count"
echo "offload-sent $(cat "$t/count") $(cat "$t/sum")" >&2
rc=$(cat "$t/rc" 2>/dev/null || echo 1)
rm -rf -- "$t"
exit "\${rc:-1}"`;


/***/ }),

/***/ 37214:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  downloadPaths: () => (/* binding */ downloadPaths),
  killRemote: () => (/* binding */ killRemote),
  remoteCodec: () => (/* binding */ remoteCodec),
  runScript: () => (/* binding */ runScript),
  syncArchive: () => (/* binding */ syncArchive)
});

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(37484);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
// EXTERNAL MODULE: ./src/util/redact.ts
var redact = __webpack_require__(50767);
// EXTERNAL MODULE: ./src/util/timers.ts
var timers = __webpack_require__(63472);
// EXTERNAL MODULE: ./src/remote/quote.ts
var quote = __webpack_require__(84414);
// EXTERNAL MODULE: ./src/remote/scripts.ts
var scripts = __webpack_require__(8738);
// EXTERNAL MODULE: ./src/util/units.ts
var units = __webpack_require__(46127);
;// CONCATENATED MODULE: ./src/report/progress.ts



/**
 * Progress lines for long transfers (sync, download): one every few seconds while bytes move,
 * none for a transfer that ends before the first interval. The pace is the timer's, so a stalled
 * transfer still says so.
 */
const DEFAULT_PROGRESS_INTERVAL_MS = 5000;
/**
 * Said when no byte moved since the last line. The count is what the transport took (several MiB
 * can be in flight in socket buffers), so near the end this is the remote catching up.
 */
const STALLED = 'waiting for the remote';
/** Never more than one line a second, whatever the environment asks for. */
const MIN_PROGRESS_INTERVAL_MS = 1000;
/** OFFLOAD_PROGRESS_INTERVAL_MS (tests shorten it), at least 1 s; the default otherwise. */
function progressIntervalMs(env = process.env) {
    const asked = Number(env.OFFLOAD_PROGRESS_INTERVAL_MS);
    if (!env.OFFLOAD_PROGRESS_INTERVAL_MS || !Number.isFinite(asked))
        return DEFAULT_PROGRESS_INTERVAL_MS;
    return Math.max(MIN_PROGRESS_INTERVAL_MS, Math.round(asked));
}
class TransferProgress {
    o;
    now;
    started;
    last;
    timer;
    intervalMs;
    constructor(o) {
        this.o = o;
        this.now = o.now ?? Date.now;
        this.intervalMs = o.intervalMs ?? progressIntervalMs();
        this.started = this.now();
        this.last = { at: this.started, bytes: 0 };
    }
    /** The progress line for this moment; rate and ETA use the bytes since the previous line. */
    line() {
        const at = this.now();
        const bytes = this.o.done();
        const sinceMs = Math.max(1, at - this.last.at);
        const rate = ((bytes - this.last.bytes) * 1000) / sinceMs;
        const averageRate = (bytes * 1000) / Math.max(1, at - this.started);
        this.last = { at, bytes };
        const parts = [`${this.o.label}: ${(0,units/* formatBytes */.z3)(bytes)}`];
        const total = this.o.totalBytes;
        if (total && total > 0) {
            // The plan is an estimate (tar headers, padding): never claim 100% before the end.
            const percent = Math.min(99, Math.floor((bytes / total) * 100));
            parts[0] += ` of ${(0,units/* formatBytes */.z3)(total)}${this.o.unit ? ` ${this.o.unit}` : ''} (${percent}%)`;
            parts.push(rate > 0 ? `${(0,units/* formatBytes */.z3)(Math.round(rate))}/s` : STALLED);
            // At the current rate; the average (which counts the first burst into socket buffers) only when stalled.
            const etaRate = rate > 0 ? rate : averageRate;
            if (etaRate > 0 && bytes < total)
                parts.push(`ETA ${(0,units/* formatMs */._V)(Math.round(((total - bytes) * 1000) / etaRate))}`);
        }
        else {
            if (this.o.unit)
                parts[0] += ` ${this.o.unit}`;
            parts.push(rate > 0 ? `${(0,units/* formatBytes */.z3)(Math.round(rate))}/s` : STALLED);
        }
        return `${parts.join(', ')}, ${(0,units/* formatMs */._V)(at - this.started)} elapsed`;
    }
    /** Logs a line every interval until stop(); the first one after a full interval. */
    start() {
        const log = this.o.log ?? ((l) => core.info(l));
        this.timer = setInterval(() => log(this.line()), this.intervalMs);
        this.timer.unref();
        return this;
    }
    stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
    }
}
/**
 * Runs `transfer` with progress lines while it lasts. The counter is read only when a line is
 * due, so the transfer's own path is untouched.
 */
async function withProgress(o, transfer) {
    const progress = new TransferProgress(o).start();
    try {
        return await transfer();
    }
    finally {
        progress.stop();
    }
}
/**
 * A sink that counts the bytes written through it and hands each chunk on to `target` at once,
 * with target's backpressure ('drain' is target's): it wraps a byte stream without touching
 * what consumes it.
 */
class CountingSink extends external_node_stream_.Writable {
    target;
    bytes = 0;
    constructor(target) {
        super();
        this.target = target;
        target.on('drain', () => this.emit('drain'));
    }
    write(chunk, encoding, cb) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? encoding : 'utf8');
        this.bytes += buf.length;
        const done = typeof encoding === 'function' ? encoding : cb;
        return this.target.write(buf, done);
    }
}

// EXTERNAL MODULE: ./src/remote/sink.ts
var sink = __webpack_require__(90187);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/transfer/checksum.ts


/** A pass-through that counts and hashes what flows through it; digest() once it has ended. */
class DigestStream extends external_node_stream_.Transform {
    hash = (0,external_node_crypto_.createHash)('sha256');
    count = 0;
    final;
    _transform(chunk, _enc, done) {
        this.count += chunk.length;
        this.hash.update(chunk);
        done(null, chunk);
    }
    _flush(done) {
        this.final = this.hash.digest('hex');
        done();
    }
    /** True once everything has passed (the source ended): a digest of the whole transfer. */
    get complete() {
        return this.final !== undefined;
    }
    /** Bytes so far. */
    get bytes() {
        return this.count;
    }
    /** The digest of everything that passed, once the stream has flushed. */
    digest() {
        return { bytes: this.count, sha256: this.final ?? this.hash.copy().digest('hex') };
    }
}
/**
 * The last `<marker> <bytes> <sha256|none>` line a remote program printed (scripts.ts), or
 * undefined when there is none (the line itself was cut off, or the program did not get there).
 */
function parseReceipt(text, marker) {
    let found;
    const re = new RegExp(`^${marker} (\\d+) ([0-9a-f]{64}|none)\\s*$`, 'gm');
    for (let m = re.exec(text); m; m = re.exec(text))
        found = { bytes: Number(m[1]), sha256: m[2] === 'none' ? undefined : m[2] };
    return found;
}
function describeDigest(d) {
    return `${d.bytes} bytes, sha256 ${d.sha256 ? d.sha256.slice(0, 16) + '…' : 'not computed'}`;
}
/** True when the receiver's digest matches the sender's (the hash only when both have one). */
function digestsMatch(sent, received) {
    return sent.bytes === received.bytes && (!sent.sha256 || !received.sha256 || sent.sha256 === received.sha256);
}

// EXTERNAL MODULE: ./src/transfer/decode.ts
var decode = __webpack_require__(40661);
// EXTERNAL MODULE: ./src/transfer/tools.ts
var transfer_tools = __webpack_require__(60292);
;// CONCATENATED MODULE: ./src/remote/workspace-ops.ts












/** Sync, run and cancel, written once for every RemoteShell (Nomad exec, Vast SSH). */
/** Which codec the remote can extract (one short exec); gzip when the probe says anything else. */
async function remoteCodec(shell, signal) {
    const stdout = new sink/* TailBuffer */.v();
    const { exitCode } = await shell.exec({ argv: ['sh', '-c', scripts/* CODEC_PROBE_SCRIPT */.My], stdout, stderr: new sink/* TailBuffer */.v(), signal });
    return exitCode === 0 && stdout.text().trim() === 'zstd' ? 'zstd' : 'gzip';
}
/**
 * Streams the compressed tar into the remote directory, replacing (or merging into) its contents.
 * Checked: the remote extracts into a staging directory and reports the byte count and SHA-256 of
 * what it received; only when they equal what was sent does a second short exec swap the staged
 * tree in (src/remote/scripts.ts). Otherwise the directory is left as it was and this throws,
 * naming the transfer, before any command runs. Given the ArchiveStream (not just its stream), it
 * logs progress against the planned size while it runs and reports a packing failure (a file that
 * changed or vanished) as such.
 */
async function syncArchive(shell, archive, remoteDir, codec, signal, opts = {}) {
    const label = opts.label ?? 'sync';
    const stdout = new sink/* TailBuffer */.v();
    const stderr = new sink/* TailBuffer */.v();
    const source = archive instanceof external_node_stream_.Readable ? archive : archive.stream;
    const sent = new DigestStream();
    // A packing failure ends what the remote reads instead of breaking it: the exec then runs to its
    // end, so the abort below cannot clean the staging directory while the remote's tar still
    // writes into it (the packer's own error is the one reported).
    source.once('error', () => sent.end());
    source.pipe(sent);
    const extract = () => shell.exec({ argv: ['sh', '-c', scripts/* SYNC_SCRIPT */.iq, 'offload-sync', remoteDir, codec], stdin: sent, stdout, stderr, signal });
    const packed = archive instanceof external_node_stream_.Readable ? Promise.resolve() : archive.done;
    // A packing failure also breaks the exec's stdin: report the packer's reason, not the transport's.
    packed.catch(() => undefined);
    const abort = () => commit(shell, remoteDir, 'abort', undefined, signal).catch(() => undefined);
    let exitCode;
    try {
        ;
        ({ exitCode } =
            archive instanceof external_node_stream_.Readable
                ? await extract()
                : await withProgress({ label: 'Sync', done: archive.tarBytes, totalBytes: archive.plannedTarBytes, unit: 'uncompressed' }, extract));
        // A remote that exited before reading the whole archive leaves the packer blocked on a full
        // pipe: stop it (the receipt check below reports the short transfer) instead of waiting on it.
        if (sent.complete)
            await packed;
        else
            source.destroy();
    }
    catch (err) {
        const packError = await packed.then(() => undefined, (e) => e);
        if (!signal?.aborted)
            await abort();
        throw packError ?? err;
    }
    const received = parseReceipt(stdout.text(), 'offload-received');
    const what = `the ${label} archive (tar, ${codec}) for ${remoteDir}`;
    // A remote that exits before the end of the archive never saw all of it, whatever it counted.
    const mismatch = received && (!sent.complete || !digestsMatch(sent.digest(), received));
    if (exitCode !== 0 || !received || mismatch) {
        await abort();
        const remoteSays = (0,redact/* redact */.E$)(stderr.text().trim() ||
            stdout
                .text()
                .replace(/^offload-received .*$/m, '')
                .trim());
        if (mismatch)
            throw new errors/* ProviderError */.mZ(`${transferBroken(what, sent.digest(), received)}; ${remoteDir} was left as it was${remoteSays ? `. The remote said: ${remoteSays}` : ''}`);
        if (exitCode !== 0)
            throw new errors/* ProviderError */.mZ(`extracting the ${label} archive (tar, ${codec}) into ${remoteDir} failed (exit ${exitCode}): ${remoteSays || 'no output'}. The remote needs sh, find, tar, tee, mkfifo, wc and gzip (or zstd).`);
        throw new errors/* ProviderError */.mZ(`${what}: the remote did not report what it received (its output was cut short?); ${remoteDir} was left as it was`);
    }
    if (!received.sha256)
        core.info(`${label}: the remote has no sha256sum, openssl, busybox or shasum: the transfer was checked by its byte count only`);
    const done = await commit(shell, remoteDir, opts.mode ?? 'replace', sent.digest(), signal, opts.then);
    if (done.exitCode !== 0) {
        const again = parseReceipt(done.output.replace(/^offload-mismatch/m, 'offload-received'), 'offload-received');
        throw new errors/* ProviderError */.mZ(again
            ? `${transferBroken(what, sent.digest(), again)}; ${remoteDir} was left as it was`
            : `swapping the synced tree into ${remoteDir} failed (exit ${done.exitCode}): ${(0,redact/* redact */.E$)(done.output) || 'no output'}`);
    }
    return done.thenExitCode;
}
function transferBroken(what, sent, received) {
    return `${what} did not arrive intact: the runner sent ${describeDigest(sent)}, the remote received ${describeDigest(received)} (cut short or altered on the way)`;
}
/**
 * The second exec of a sync: checks the staged receipt against `sent` and swaps the tree in (or
 * only cleans up, for abort), then runs `then` (SyncOptions.then).
 */
async function commit(shell, remoteDir, mode, sent, signal, then) {
    const out = new sink/* TailBuffer */.v();
    const err = then ? new sink/* TailBuffer */.v() : out;
    const { exitCode } = await shell.exec({
        argv: ['sh', '-c', scripts/* SYNC_COMMIT_SCRIPT */.Ez, 'offload-sync-commit', remoteDir, String(sent?.bytes ?? 0), sent?.sha256 ?? 'none', mode, ...(then?.argv ?? [])],
        stdout: then ? teeInto(out, then.stdout) : out,
        stderr: err,
        signal
    });
    // Only its last line: what the command itself printed on stderr comes before it.
    const status = then && /(?:^|\n)offload-then (\d{1,3})\n?$/.exec(err.text());
    const output = then ? `${out.text().trim()}\n${err.text().trim()}`.trim() : out.text().trim();
    return { exitCode, output, thenExitCode: status ? Number(status[1]) : undefined };
}
/** Writes every chunk into both sinks, with the second one's backpressure. */
function teeInto(first, second) {
    return new external_node_stream_.Writable({
        write(chunk, _enc, done) {
            first.write(chunk);
            if (second.write(chunk))
                done();
            else
                second.once('drain', () => done());
        }
    });
}
/**
 * Runs the script under the watchdog wrapper; script and env travel on stdin in the same exec.
 * Cancellation (signal) kills the
 * remote process group through a second exec before the transport is closed, because closing an
 * exec stream does not by itself stop a remote process.
 */
async function runScript(shell, spec) {
    const scriptPath = `${spec.controlDir}/script`;
    const argv = spec.shell.map(a => a.split('{0}').join(scriptPath));
    const timeoutSec = Math.max(1, Math.ceil(spec.timeoutMs / 1000));
    const transport = new AbortController();
    let canceled = false;
    let localTimeout = false;
    let stopping;
    const stop = () => (stopping ??= (async () => {
        try {
            await killRemote(shell, spec.controlDir);
        }
        finally {
            transport.abort();
        }
    })());
    const onAbort = () => {
        canceled = true;
        void stop().catch(() => undefined);
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    // The remote watchdog enforces the timeout; this local timer only covers a transport that hangs.
    const fallback = (0,timers/* longTimeout */.mD)(() => {
        localTimeout = true;
        void stop().catch(() => undefined);
    }, spec.timeoutMs + 30_000);
    try {
        const { exitCode } = await shell.exec({
            argv: ['sh', '-c', scripts/* RUN_SCRIPT */.Qf, 'offload-run', spec.controlDir, spec.cwd, String(timeoutSec), ...argv],
            stdin: external_node_stream_.Readable.from([Buffer.from(`${(0,quote/* envScript */.FL)(spec.env)}OFFLOAD_SCRIPT=${(0,quote/* shQuote */.US)(spec.script)}\n`)]),
            stdout: spec.stdout,
            stderr: spec.stderr,
            signal: transport.signal
        });
        return { exitCode, timedOut: exitCode === 124 || localTimeout, canceled };
    }
    catch (err) {
        if (canceled)
            return { exitCode: 130, timedOut: false, canceled: true };
        if (localTimeout)
            return { exitCode: 124, timedOut: true, canceled: false };
        throw err;
    }
    finally {
        fallback.clear();
        spec.signal?.removeEventListener('abort', onAbort);
        // The kill exec runs beside the command's: wait for it (bounded, killRemote), so a canceled
        // run returns only once the process group is gone and no exec is left running.
        await stopping?.catch(() => undefined);
    }
}
/** Kills the process group recorded by the run wrapper. Bounded: gives up after 15 s. */
async function killRemote(shell, controlDir) {
    const guard = AbortSignal.timeout(15_000);
    await shell.exec({ argv: ['sh', '-c', scripts/* KILL_SCRIPT */.h2, 'offload-kill', controlDir], stdout: new sink/* TailBuffer */.v(), stderr: new sink/* TailBuffer */.v(), signal: guard });
}
/**
 * How this runner takes a downloaded archive: with its own tar and decoder when it has both
 * (src/remote/native-extract.ts: C does the file creation, the plain tar never passes through
 * Node), else in process (src/remote/safe-extract.ts). Each is loaded only by runs that download.
 */
async function extractionFor(codec, cwd, paths) {
    const tools = await (0,transfer_tools.runnerTools)();
    if (tools.tar) {
        const { canExtractNatively, nativeExtract } = await __webpack_require__.e(/* import() */ 591).then(__webpack_require__.bind(__webpack_require__, 5591));
        if (canExtractNatively(tools, codec))
            return nativeExtract({ cwd, paths, codec, tools });
    }
    if ((0,transfer_tools.packerChoice)() === 'native')
        throw new Error(`OFFLOAD_ARCHIVE_PACKER=native, but the runner has no tar and ${codec} program to extract with`);
    const { extractInProcess } = await Promise.all(/* import() */[__webpack_require__.e(697), __webpack_require__.e(413)]).then(__webpack_require__.bind(__webpack_require__, 58413));
    return extractInProcess({ cwd, paths, decoder: await (0,decode/* createDecoder */.$)(codec) });
}
/** At most this many refused entries are named one by one; the rest are counted. */
const REFUSALS_NAMED = 20;
/**
 * Copies paths (relative to the remote workspace) back into localDir as one streamed tar. The
 * remote's archive is untrusted: only what lies inside the requested paths is written
 * (src/remote/extract-policy.ts), and every entry refused is a warning naming it. Checked: the
 * remote prints the byte count and SHA-256 of what it sent after the archive, and a mismatch with
 * what arrived fails the download; with the runner's own tar (extractionFor) nothing moves in
 * then. Returns how many entries were written.
 */
async function downloadPaths(shell, remoteDir, paths, localDir, signal, opts = {}) {
    const codec = opts.codec ?? 'gzip';
    const label = opts.label ?? 'download';
    const stderr = new sink/* TailBuffer */.v();
    const { printableName } = await __webpack_require__.e(/* import() */ 618).then(__webpack_require__.bind(__webpack_require__, 46618));
    const extraction = await extractionFor(codec, localDir, paths);
    const received = new DigestStream();
    const extracted = extraction.run(received);
    // Progress counts the archive as it arrives (compressed: the remote does not say its size first).
    const counted = new CountingSink(received);
    let exitCode = -1;
    let execError;
    try {
        ;
        ({ exitCode } = await withProgress({ label: 'Download', done: () => counted.bytes, unit: `received (${codec})` }, () => shell.exec({ argv: ['sh', '-c', scripts/* DOWNLOAD_SCRIPT */.Ze, 'offload-download', remoteDir, codec, ...paths], stdout: counted, stderr, signal })));
    }
    catch (err) {
        execError = err;
        extraction.abort();
    }
    received.end();
    const extractError = await extracted.then(() => undefined, (err) => err);
    const sent = parseReceipt(stderr.text(), 'offload-sent');
    const report = extraction.finish(!execError && !extractError && sent !== undefined && digestsMatch(sent, received.digest()));
    if (execError)
        throw execError;
    report.refused.slice(0, REFUSALS_NAMED).forEach(r => core.warning(`${label}: refused ${printableName(r.name)}: ${r.reason}`));
    if (report.refused.length > REFUSALS_NAMED)
        core.warning(`${label}: ${report.refused.length - REFUSALS_NAMED} more entries refused`);
    const what = `the ${label} archive of ${paths.join(', ')} (tar, ${codec})`;
    if (sent && !digestsMatch(sent, received.digest()))
        throw new errors/* ProviderError */.mZ(`${what} did not arrive intact: the remote sent ${describeDigest(sent)}, the runner received ${describeDigest(received.digest())} (cut short or altered on the way); the ${report.written} entries written may be incomplete`);
    if (exitCode !== 0 || extractError) {
        const why = (0,redact/* redact */.E$)(stderr
            .text()
            .replace(/^offload-sent .*$/m, '')
            .trim()) ||
            extractError?.message ||
            'no output';
        throw new errors/* ProviderError */.mZ(`downloading ${paths.join(', ')} from ${remoteDir} failed (exit ${exitCode}, ${report.written} entries written): ${why}`);
    }
    if (!sent)
        throw new errors/* ProviderError */.mZ(`${what}: the remote did not report what it sent (its output was cut short?); the ${report.written} entries written may be incomplete`);
    if (!sent.sha256)
        core.info(`${label}: the remote has no sha256sum, openssl, busybox or shasum: the transfer was checked by its byte count only`);
    return report.written;
}


/***/ }),

/***/ 40661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ createDecoder),
/* harmony export */   r: () => (/* binding */ decoderProgram)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(38522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _tools__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(60292);




/** The runner's program (argv) that decodes the codec to stdout, or undefined when it has none. */
function decoderProgram(tools, codec) {
    if (codec === 'zstd')
        return tools.zstd ? ['zstd', '-dcq'] : undefined;
    return tools.gzip ? ['gzip', '-dc'] : undefined;
}
/**
 * Decompresses a received archive: with the zstd or gzip program when the runner has it (it
 * runs on another core and Node only relays bytes), in process otherwise. Only decompression is
 * handed to a program: the tar itself is read by src/remote/safe-extract.ts, never by the system
 * tar, because it comes from the less trusted remote.
 *
 * zlib's zstd (Node 24, on the thread pool) was measured against the program for the 200 MB
 * download and is not the default: fed the 8-32 KiB pieces ssh2 delivers it costs more CPU than
 * the program and its pipe together (0.5-0.8 s against 0.5 s for the 158 MiB archive, decoding
 * alone), and the bench's download row took 4.0-4.2 s against 2.9 s with the program (six
 * alternating rounds, README Performance).
 */
async function createDecoder(codec) {
    const native = decoderProgram(await (0,_tools__WEBPACK_IMPORTED_MODULE_3__.runnerTools)(), codec);
    if (!native) {
        if ((0,_tools__WEBPACK_IMPORTED_MODULE_3__.packerChoice)() === 'native')
            throw new Error(`OFFLOAD_ARCHIVE_PACKER=native, but the runner has no ${codec} program`);
        const stream = codec === 'zstd' ? (0,node_zlib__WEBPACK_IMPORTED_MODULE_2__.createZstdDecompress)() : (0,node_zlib__WEBPACK_IMPORTED_MODULE_2__.createGunzip)();
        // zlib's own messages ("Restored data doesn't match checksum") do not say what failed.
        stream.once('error', err => (err.message = `${codec} decompression (in process) failed: ${err.message}`));
        return { stream, kill: () => stream.destroy() };
    }
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(native[0], native.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = new node_stream__WEBPACK_IMPORTED_MODULE_1__.PassThrough();
    let why = '';
    child.stderr.on('data', (c) => (why = (why + c.toString('utf8')).slice(-2000)));
    child.stdout.pipe(out, { end: false });
    let closed = false;
    child.once('error', err => out.destroy(err));
    child.once('close', (code, sig) => {
        closed = true;
        if (code === 0)
            out.end();
        else
            out.destroy(new Error(`${native[0]} -d failed (${sig ?? `exit ${code}`}): ${why.trim() || 'no output'}`));
    });
    // A write after the decoder died (bad data) is EPIPE: the close handler reports the reason.
    child.stdin.on('error', () => undefined);
    const stream = node_stream__WEBPACK_IMPORTED_MODULE_1__.Duplex.from({ writable: child.stdin, readable: out });
    return {
        stream,
        kill: () => {
            if (!closed)
                child.kill('SIGKILL');
        }
    };
}


/***/ }),

/***/ 60292:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   forgetRunnerTools: () => (/* binding */ forgetRunnerTools),
/* harmony export */   packerChoice: () => (/* binding */ packerChoice),
/* harmony export */   runnerTools: () => (/* binding */ runnerTools)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);

function packerChoice(env = process.env) {
    const v = (env.OFFLOAD_ARCHIVE_PACKER ?? '').trim();
    if (v === 'native' || v === 'in-process')
        return v;
    return 'auto';
}
let found;
/** What `prog args` prints (stdout and stderr), or undefined when it cannot be run or fails. */
function versionOf(prog, args) {
    return new Promise(resolve => {
        // process.env as it is now (a test's PATH, say), as the packer's own spawn sees it.
        (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)(prog, args, { timeout: 5000, env: process.env }, (err, stdout, stderr) => resolve(err ? undefined : `${stdout}${stderr}`));
    });
}
function runnerTools() {
    if (packerChoice() === 'in-process')
        return Promise.resolve({ zstd: false, gzip: false, pigz: false });
    return (found ??= (async () => {
        const [tar, zstd, gzip, pigz] = await Promise.all([
            versionOf('tar', ['--version']),
            versionOf('zstd', ['-V']),
            versionOf('gzip', ['--version']),
            versionOf('pigz', ['--version'])
        ]);
        const kind = tar === undefined ? undefined : /GNU tar/.test(tar) ? 'gnu' : /bsdtar/.test(tar) ? 'bsd' : undefined;
        return { tar: kind, zstd: zstd !== undefined, gzip: gzip !== undefined, pigz: pigz !== undefined };
    })());
}
/** Forgets what was found (tests change PATH between cases). */
function forgetRunnerTools() {
    found = undefined;
}


/***/ }),

/***/ 63472:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   mD: () => (/* binding */ longTimeout)
/* harmony export */ });
/* unused harmony exports MAX_TIMER_MS, sleepLong */
/**
 * Node's setTimeout holds at most 2^31-1 ms (about 24.8 days): a longer delay fires after 1 ms.
 * Durations here go up to the inputs' bound (30 days), so every timer made from an input goes
 * through these, which chain timers of at most MAX_TIMER_MS.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Calls fn once after ms (any finite length). */
function longTimeout(fn, ms) {
    const due = Date.now() + Math.max(0, ms);
    let timer;
    const arm = () => {
        const left = due - Date.now();
        if (left <= 0)
            return fn();
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    timer = setTimeout(arm, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    return { clear: () => clearTimeout(timer) };
}
/** Resolves after ms (any finite length); rejects with the signal's reason when it aborts first. */
function sleepLong(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const onAbort = () => {
            timer.clear();
            reject(signal.reason);
        };
        const timer = longTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}


/***/ })

};
;