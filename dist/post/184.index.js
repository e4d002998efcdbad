"use strict";
exports.id = 184;
exports.ids = [184];
exports.modules = {

/***/ 4667:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S9: () => (/* binding */ NomadApiError),
/* harmony export */   fi: () => (/* binding */ NomadClient),
/* harmony export */   fm: () => (/* binding */ permissionHint)
/* harmony export */ });
/* unused harmony export defaultRetry */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _util_errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(17);
/* harmony import */ var _util_http__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4098);
/* harmony import */ var _util_redact__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(767);
/* harmony import */ var _util_retry__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4266);





/** A Nomad HTTP answer that was not 2xx. `body` is Nomad's plain-text error, already redacted. */
class NomadApiError extends _util_errors__WEBPACK_IMPORTED_MODULE_1__/* .ProviderError */ .mZ {
    call;
    status;
    body;
    retryAfterMs;
    constructor(call, status, body, hint, retryAfterMs) {
        super(`Nomad ${call} failed: HTTP ${status}${body ? `: ${body}` : ''}${hint ? ` (${hint})` : ''}`);
        this.call = call;
        this.status = status;
        this.body = body;
        this.retryAfterMs = retryAfterMs;
        this.name = 'NomadApiError';
    }
}
const MAX_REDIRECTS = 10;
/** As undici's default, which this client used before. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Capped backoff for idempotent calls; overridable in tests. */
const defaultRetry = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8000 };
function permissionHint(token, capability, authMethod) {
    const cap = capability ?? 'the capability this call needs';
    if (authMethod) {
        return `Nomad refused the token it issued at login with nomad-auth-method '${authMethod}': check that the policies its binding rules grant include ${cap} in the job's namespace`;
    }
    return token
        ? `Nomad refused the token given in nomad-token: check that it exists, has not expired, and that its ACL policy grants ${cap} in the job's namespace`
        : `no nomad-token was given (nor $NOMAD_TOKEN), so the anonymous policy applied; set nomad-token to a token whose ACL policy grants ${cap} in the job's namespace`;
}
/**
 * A small Nomad HTTP API client over node:http / node:https (src/util/http.ts says why not fetch
 * or undici): X-Nomad-Token header (never a query parameter), region/namespace parameters, TLS
 * (CA, client cert, server name, skip-verify) through an https.Agent of its own, unix sockets
 * through socketPath, same-origin redirects only, and retries with capped, jittered backoff for
 * idempotent calls. Calls without custom TLS or a socket path share Node's global agents.
 */
class NomadClient {
    config;
    retry;
    origin;
    socketPath;
    /** Custom TLS material or a unix socket: an agent of this client's own (keep-alive), made on first use. */
    agent;
    needsAgent;
    tlsOptions;
    minted;
    constructor(config, retry = defaultRetry) {
        this.config = config;
        this.retry = retry;
        if (config.addr.startsWith('unix://')) {
            this.socketPath = config.addr.slice('unix://'.length);
            // As the Go client does: dial the socket, speak HTTP to a loopback origin.
            this.origin = 'http://127.0.0.1';
        }
        else {
            this.origin = config.addr.replace(/\/+$/, '');
        }
        const tls = config.tls;
        if (this.origin.startsWith('https:')) {
            this.tlsOptions = {
                ca: tls.caCert,
                cert: tls.clientCert,
                key: tls.clientKey,
                servername: tls.serverName,
                rejectUnauthorized: !tls.skipVerify,
                minVersion: 'TLSv1.2',
                ALPNProtocols: ['http/1.1']
            };
        }
        const customTls = this.origin.startsWith('https:') && Boolean(tls.caCert || tls.clientCert || tls.clientKey || tls.serverName || tls.skipVerify);
        this.needsAgent = this.socketPath !== undefined || customTls;
    }
    ownAgent() {
        this.agent ??= this.tlsOptions
            ? new (process.getBuiltinModule('node:https').Agent)({ keepAlive: true, ...this.tlsOptions })
            : new node_http__WEBPACK_IMPORTED_MODULE_0__.Agent({ keepAlive: true });
        return this.agent;
    }
    send(url, req) {
        // It never follows a redirect, so the 3xx comes back to callOnce to judge.
        return (0,_util_http__WEBPACK_IMPORTED_MODULE_2__/* .httpRequest */ .a)(url, {
            ...req,
            connectTimeoutMs: CONNECT_TIMEOUT_MS,
            ...(this.needsAgent ? { agent: this.ownAgent(), socketPath: this.socketPath } : {})
        });
    }
    /** A client whose token comes from `mint` (a login), minted now and again shortly before it expires. */
    static async withMintedToken(config, mint, retry, signal) {
        const client = new NomadClient({ ...config, token: '' }, retry);
        client.minted = { mint };
        await client.renewToken(signal);
        return client;
    }
    async renewToken(signal) {
        const m = this.minted;
        const loggedInAt = Date.now();
        const t = await m.mint(signal);
        this.config.token = t.secret;
        // Renew with a quarter of the lifetime (at most a minute) to spare, so no call carries a token
        // that expires on the way.
        m.renewAt = t.expiresAt === undefined ? undefined : t.expiresAt - Math.min(60_000, (t.expiresAt - loggedInAt) / 4);
    }
    get hasMintedToken() {
        return this.minted !== undefined;
    }
    /** Before a call or an exec: a minted token that is about to expire is minted again. */
    async freshToken(signal) {
        const m = this.minted;
        if (!m || m.renewAt === undefined || Date.now() < m.renewAt)
            return;
        m.pending ??= this.renewToken(signal).finally(() => {
            m.pending = undefined;
        });
        await m.pending;
    }
    /** How the exec WebSocket (websocket.ts) reaches the agent: the same socket path, TLS material and connect timeout as every call. */
    webSocketTransport() {
        return { socketPath: this.socketPath, connectTimeoutMs: CONNECT_TIMEOUT_MS, tls: this.tlsOptions };
    }
    /** The ws:// or wss:// URL for a path, with region added. */
    webSocketUrl(path, query) {
        const u = new URL(this.origin + path);
        u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
        for (const [k, v] of Object.entries(query))
            u.searchParams.set(k, v);
        if (this.config.region)
            u.searchParams.set('region', this.config.region);
        return u.toString();
    }
    authHeaders() {
        return this.config.token ? { 'X-Nomad-Token': this.config.token } : {};
    }
    url(path, query) {
        const u = new URL(this.origin + path);
        if (this.config.region)
            u.searchParams.set('region', this.config.region);
        if (this.config.namespace)
            u.searchParams.set('namespace', this.config.namespace);
        for (const [k, v] of Object.entries(query ?? {}))
            if (v !== undefined)
                u.searchParams.set(k, String(v));
        return u;
    }
    /** A call description for error messages: method and path, never the query values of secrets (there are none). */
    describe(method, path) {
        return `${method} ${path}`;
    }
    async call(method, path, opts = {}) {
        const what = this.describe(method, path);
        const once = () => this.callOnce(method, path, what, opts);
        if (!opts.idempotent)
            return once();
        return (0,_util_retry__WEBPACK_IMPORTED_MODULE_4__/* .withRetry */ .bD)(once, {
            ...this.retry,
            signal: opts.signal,
            retryable: err => {
                if (err instanceof NomadApiError) {
                    if (err.status === 429 || err.status >= 500)
                        return err.retryAfterMs !== undefined ? { afterMs: err.retryAfterMs } : true;
                    return false;
                }
                return (0,_util_retry__WEBPACK_IMPORTED_MODULE_4__/* .isConnectionError */ .Rk)(err) || (0,_util_retry__WEBPACK_IMPORTED_MODULE_4__/* .isConnectionError */ .Rk)(err?.cause);
            }
        });
    }
    async callOnce(method, path, what, opts) {
        if (this.minted)
            await this.freshToken(opts.signal);
        let url = this.url(path, opts.query);
        const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
        for (let hop = 0;; hop++) {
            let res;
            try {
                res = await this.send(url, {
                    method,
                    headers: { ...this.authHeaders(), Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
                    body,
                    signal: opts.signal
                });
            }
            catch (err) {
                if (opts.signal?.aborted)
                    throw err;
                const e = new _util_errors__WEBPACK_IMPORTED_MODULE_1__/* .ProviderError */ .mZ(`Nomad ${what} at ${this.config.addr} failed: ${(0,_util_redact__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(err.message)}${describeCause(err)}`, { cause: err });
                e.code = err.code ?? err.cause?.code;
                throw e;
            }
            const index = Number(res.header('x-nomad-index') ?? 0) || 0;
            if ([301, 302, 303, 307, 308].includes(res.status)) {
                await res.discard();
                const loc = res.header('location');
                const next = typeof loc === 'string' ? safeUrl(loc, url) : undefined;
                // Only follow to the same origin; never echo the Location (it may be attacker-chosen).
                if (!next || next.origin !== url.origin || hop >= MAX_REDIRECTS) {
                    throw new NomadApiError(what, res.status, '', 'redirect to another origin (or too many redirects) refused; point nomad-addr at the agent itself');
                }
                if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== 'GET')) {
                    throw new NomadApiError(what, res.status, '', 'redirect would change the request method; point nomad-addr at the agent itself');
                }
                url = next;
                continue;
            }
            const text = await res.text();
            if (res.status >= 200 && res.status < 300) {
                let data;
                try {
                    data = (text ? JSON.parse(text) : undefined);
                }
                catch {
                    throw new NomadApiError(what, res.status, (0,_util_redact__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(text.slice(0, 300)), 'the answer is not JSON; is nomad-addr a Nomad agent?');
                }
                return { status: res.status, data, index };
            }
            if (opts.accept?.includes(res.status))
                return { status: res.status, data: undefined, index };
            const msg = (opts.errorBodyHasNoUnregisteredSecret ? _util_redact__WEBPACK_IMPORTED_MODULE_3__/* .redactRegistered */ .uM : _util_redact__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(text.trim().slice(0, 2000));
            let hint;
            if (res.status === 403 || res.status === 401)
                hint = permissionHint(this.config.token, opts.capability, this.config.authMethod);
            const ra = res.header('retry-after');
            const retryAfterMs = typeof ra === 'string' && /^\d+$/.test(ra) ? Number(ra) * 1000 : undefined;
            throw new NomadApiError(what, res.status, msg, hint, retryAfterMs);
        }
    }
    async close() {
        this.agent?.destroy();
        this.agent = undefined;
    }
}
function safeUrl(loc, base) {
    try {
        return new URL(loc, base);
    }
    catch {
        return undefined;
    }
}
function describeCause(err) {
    const c = err.cause;
    if (!c)
        return '';
    const msg = c.message ? (0,_util_redact__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(c.message) : '';
    const code = c.code ? ` [${c.code}]` : '';
    return msg || code ? ` (${msg}${code})` : '';
}


/***/ }),

/***/ 9184:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  nomadClientFor: () => (/* binding */ nomadClientFor),
  nomadProvider: () => (/* binding */ nomadProvider),
  readNomadSettings: () => (/* reexport */ inputs/* readNomadSettings */.$$)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(17);
// EXTERNAL MODULE: ./src/util/retry.ts
var retry = __webpack_require__(4266);
// EXTERNAL MODULE: ./src/providers/nomad/client.ts
var client = __webpack_require__(4667);
// EXTERNAL MODULE: ./src/remote/shell.ts
var shell = __webpack_require__(648);
// EXTERNAL MODULE: ./src/util/memory.ts
var memory = __webpack_require__(1045);
// EXTERNAL MODULE: ./src/util/redact.ts
var redact = __webpack_require__(767);
;// CONCATENATED MODULE: ./src/providers/nomad/frames.ts

/** Mask keys, drawn 2048 at a time as undici does; RFC 6455 §5.3 wants each one unpredictable. */
const keys = Buffer.allocUnsafeSlow(8192);
let keyAt = keys.length;
/**
 * A complete masked client frame (RFC 6455 §5.2, FIN set) whose `length`-byte payload `fill`
 * writes in place. undici's WebSocket masks byte by byte in JavaScript, which was the largest
 * CPU cost of a Nomad sync (bench/: 4.4 s of a 1 GiB sync's 7 s of client CPU); here the
 * payload is XORed 32 bits at a time. The buffer is laid out so that the payload starts on a
 * 4-byte boundary of its own ArrayBuffer.
 */
function clientFrame(opcode, length, fill) {
    const head = 2 + (length > 0xffff ? 8 : length > 125 ? 2 : 0) + 4;
    const pad = (4 - (head % 4)) % 4;
    const whole = Buffer.allocUnsafeSlow(pad + head + length);
    const frame = whole.subarray(pad);
    frame[0] = 0x80 | opcode;
    if (length > 0xffff) {
        frame[1] = 0x80 | 127;
        frame.writeBigUInt64BE(BigInt(length), 2);
    }
    else if (length > 125) {
        frame[1] = 0x80 | 126;
        frame.writeUInt16BE(length, 2);
    }
    else
        frame[1] = 0x80 | length;
    if (keyAt === keys.length) {
        (0,external_node_crypto_.randomFillSync)(keys);
        keyAt = 0;
    }
    keys.copy(frame, head - 4, keyAt, keyAt + 4);
    // The key in native byte order, so that word i of the payload XORs with bytes 4i..4i+3 of it.
    const key = new Uint32Array(keys.buffer, keyAt, 1)[0];
    keyAt += 4;
    const payload = frame.subarray(head);
    fill(payload);
    const words = new Uint32Array(whole.buffer, pad + head, length >>> 2);
    for (let i = 0; i < words.length; i++)
        words[i] ^= key;
    for (let i = words.length * 4; i < length; i++)
        payload[i] ^= frame[head - 4 + (i & 3)];
    return frame;
}
const TEXT = 0x1;
const STDIN_HEAD = Buffer.from('{"stdin":{"data":"', 'latin1');
const STDIN_TAIL = Buffer.from('"}}', 'latin1');
/**
 * `{"stdin":{"data":"<base64>"}}` as a masked text frame, ready for the socket. The base64 is
 * Node's own (native; a JavaScript encoder was 7 times slower) and written straight into the frame.
 */
function stdinFrame(chunk) {
    const b64 = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('base64');
    return clientFrame(TEXT, STDIN_HEAD.length + b64.length + STDIN_TAIL.length, payload => {
        STDIN_HEAD.copy(payload, 0);
        payload.write(b64, STDIN_HEAD.length, 'latin1');
        STDIN_TAIL.copy(payload, STDIN_HEAD.length + b64.length);
    });
}
/** Any other client frame (`{}`, `{"stdin":{"close":true}}`) as a masked text frame. */
function jsonFrame(value) {
    const text = Buffer.from(JSON.stringify(value), 'utf8');
    return clientFrame(TEXT, text.length, payload => text.copy(payload));
}
const DATA_TAIL = '"}}';
const STDOUT_HEAD = Buffer.from('{"stdout":{"data":"', 'latin1');
const STDERR_HEAD = Buffer.from('{"stderr":{"data":"', 'latin1');
const HEAD_LEN = STDOUT_HEAD.length;
const QUOTE = 0x22;
const BRACE = 0x7d;
const EQUALS = 0x3d;
/**
 * The receive fast path: which stream an output frame's payload bytes are for, when they have
 * exactly the shape Nomad sends (`{"stdout":{"data":"…"}}` or stderr, no other quote before the
 * tail); undefined for anything else. OutputBatcher.addEncoded then proves the base64 itself.
 */
function outputFrameStream(payload) {
    const end = payload.length - DATA_TAIL.length;
    if (end < HEAD_LEN || payload[end] !== QUOTE || payload[end + 1] !== BRACE || payload[end + 2] !== BRACE)
        return undefined;
    if (payload.indexOf(QUOTE, HEAD_LEN) !== end)
        return undefined;
    if (STDOUT_HEAD.compare(payload, 0, HEAD_LEN) === 0)
        return 'stdout';
    if (STDERR_HEAD.compare(payload, 0, HEAD_LEN) === 0)
        return 'stderr';
    return undefined;
}
/** Decoded output is gathered into blocks of this size: one write per ~16 Nomad frames (≤4 KiB each) instead of one per frame. */
const BLOCK = 64 * 1024;
/**
 * Decodes base64 output straight into a block and writes whole blocks. A block goes out when it
 * is full, when the output switches stream (so stdout/stderr keep their order), and on flush(),
 * which the caller schedules after each burst of frames and before it reports the exit.
 */
class OutputBatcher {
    write;
    block = Buffer.allocUnsafe(BLOCK);
    used = 0;
    target;
    constructor(write) {
        this.write = write;
    }
    add(w, base64) {
        // An upper bound of the decoded size (exact for padded base64): Buffer#write would cut a
        // payload that does not fit short without a word.
        const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
        const most = Math.ceil(base64.length / 4) * 3 - pad;
        if (this.used > 0 && (w !== this.target || this.used + most > BLOCK))
            this.flush();
        if (most > BLOCK)
            return this.write(w, Buffer.from(base64, 'base64'));
        this.target = w;
        this.used += this.block.write(base64, this.used, 'base64');
    }
    /**
     * The fast path's decode of `payload[start, end)`, base64 as bytes: true when it decoded to
     * exactly the size its length promises, which only the base64 alphabet (padding at the end)
     * does: Node's decoder skips any other byte, so a quote escape, a non-ASCII or control byte,
     * or misplaced padding decodes short. Then nothing is kept and false sends the caller down the
     * JSON path, whose result for such a frame is the reference (test/unit/nomad-frames.test.ts
     * checks both give the same bytes). The latin1 string is a byte-for-byte copy: no UTF-8 decode.
     */
    addEncoded(w, payload, start, end) {
        const n = end - start;
        if (n % 4 !== 0)
            return false;
        const pad = n === 0 || payload[end - 1] !== EQUALS ? 0 : payload[end - 2] === EQUALS ? 2 : 1;
        const size = (n / 4) * 3 - pad;
        if (size === 0)
            return n === 0;
        if (size > BLOCK)
            return false;
        if (this.used > 0 && (w !== this.target || this.used + size > BLOCK))
            this.flush();
        const wrote = this.block.write(payload.toString('latin1', start, end), this.used, 'base64');
        if (wrote !== size)
            return false;
        this.target = w;
        this.used += wrote;
        return true;
    }
    flush() {
        if (this.used === 0 || !this.target)
            return;
        const out = this.block.subarray(0, this.used);
        this.block = Buffer.allocUnsafe(BLOCK);
        this.used = 0;
        this.write(this.target, out);
    }
}
/** The JSON path's decoder: a text frame that is not UTF-8 is a broken frame. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * One server message: its output goes into `out` for `stdout` / `stderr`. Returns null when the
 * fast path took it (an output frame of exactly Nomad's shape), else the parsed frame (for
 * `exited`). Throws for a frame that is not UTF-8 JSON of an object.
 */
function receiveFrame(data, out, stdout, stderr) {
    const stream = outputFrameStream(data);
    if (stream && out.addEncoded(stream === 'stdout' ? stdout : stderr, data, HEAD_LEN, data.length - DATA_TAIL.length))
        return null;
    const frame = JSON.parse(utf8.decode(data));
    if (frame === null || typeof frame !== 'object')
        throw new TypeError('not a JSON object');
    if (typeof frame.stdout?.data === 'string' && frame.stdout.data)
        out.add(stdout, frame.stdout.data);
    if (typeof frame.stderr?.data === 'string' && frame.stderr.data)
        out.add(stderr, frame.stderr.data);
    return frame;
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
;// CONCATENATED MODULE: ./src/providers/nomad/websocket.ts



/**
 * The client side of RFC 6455 that Nomad's exec stream needs (nomad-api.md §6), on node:http /
 * node:https `request()` and its 'upgrade' event. exec.ts says why this is not undici's
 * WebSocket. Sending is the caller's: it writes complete frames built by frames.ts; this reads
 * the server's frames (in place when a frame lies inside one socket read), answers pings and
 * close frames, and refuses what a server must not send (masked frames, reserved bits, unknown
 * opcodes, long or fragmented control frames, messages over `maxMessageBytes`) by closing with
 * 1002/1009 and reporting why, never by buffering without bound.
 */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The remote is less trusted than the runner: a message larger than this ends the stream. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** How much of a refused upgrade's body is kept for the error message. */
const REFUSED_BODY_BYTES = 4096;
/** After our close frame (or the server's), wait this long for the server to end TCP: Nomad may not (nomad-api.md §10.6). */
const CLOSE_GRACE_MS = 250;
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
/** Opens a WebSocket; everything after (open, messages, the end) arrives through `handlers`. */
function openWebSocket(opts, handlers) {
    return new WebSocketConnection(opts, handlers);
}
/** A WebSocket from its upgrade request on: close() works in every state. */
class WebSocketConnection {
    handlers;
    ended = false;
    ws;
    request;
    constructor(opts, handlers) {
        this.handlers = handlers;
        const u = new URL(opts.url);
        const secure = u.protocol === 'wss:';
        if (!secure && u.protocol !== 'ws:')
            throw new Error(`not a WebSocket URL: ${u.protocol}`);
        const key = (0,external_node_crypto_.randomBytes)(16).toString('base64');
        const transport = secure ? process.getBuiltinModule('node:https') : external_node_http_;
        const req = transport.request({
            protocol: secure ? 'https:' : 'http:',
            hostname: u.hostname.replace(/^\[|\]$/g, ''),
            port: u.port || undefined,
            path: u.pathname + u.search,
            method: 'GET',
            // One connection of its own, never pooled (it becomes the WebSocket).
            agent: false,
            ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
            ...(secure ? opts.tls : {}),
            headers: {
                ...opts.headers,
                Connection: 'Upgrade',
                Upgrade: 'websocket',
                'Sec-WebSocket-Key': key,
                'Sec-WebSocket-Version': '13'
            }
        });
        this.request = req;
        const connectMs = opts.connectTimeoutMs ?? 10_000;
        const answerMs = opts.answerTimeoutMs ?? 300_000;
        let timer = setTimeout(() => this.fail(new Error(`connecting to ${u.host} timed out after ${connectMs} ms`)), connectMs);
        const answerWait = () => {
            clearTimeout(timer);
            timer = setTimeout(() => this.fail(new Error(`no answer to the WebSocket upgrade from ${u.host} for ${answerMs} ms`)), answerMs);
        };
        req.on('socket', socket => {
            socket.setNoDelay(true);
            if (!socket.connecting)
                answerWait();
            else
                socket.once(secure ? 'secureConnect' : 'connect', answerWait);
        });
        req.on('error', err => {
            clearTimeout(timer);
            this.fail(err);
        });
        req.on('response', res => {
            clearTimeout(timer);
            const body = [];
            let kept = 0;
            const done = () => {
                res.removeAllListeners('data');
                this.finish({ kind: 'refused', status: res.statusCode ?? 0, body: Buffer.concat(body) });
                res.destroy();
                req.destroy();
            };
            res.on('data', (chunk) => {
                body.push(chunk.subarray(0, REFUSED_BODY_BYTES - kept));
                kept += Math.min(chunk.length, REFUSED_BODY_BYTES - kept);
                if (kept >= REFUSED_BODY_BYTES)
                    done();
            });
            res.on('end', done);
            res.on('error', done);
            res.on('close', done);
        });
        req.on('upgrade', (res, socket, head) => {
            clearTimeout(timer);
            if (this.ended)
                return socket.destroy();
            const problem = handshakeProblem(res, key);
            if (problem) {
                socket.destroy();
                return this.fail(new Error(`the WebSocket handshake answer ${problem}`));
            }
            this.ws = new ClientWebSocket(socket, opts.maxMessageBytes ?? MAX_MESSAGE_BYTES, end => this.finish(end), handlers);
            handlers.onOpen(this.ws);
            this.ws.start(head);
        });
        req.end();
    }
    /** Sends a close frame when open (then ends TCP after a grace period); aborts the upgrade when not. */
    close(code, reason) {
        if (this.ws)
            return this.ws.close(code, reason);
        if (!this.ended)
            this.fail(new Error('closed before the WebSocket opened'));
    }
    fail(error) {
        if (this.ws)
            return this.ws.destroy();
        this.finish({ kind: 'failed', error });
        this.request.destroy();
    }
    finish(end) {
        if (this.ended)
            return;
        this.ended = true;
        this.handlers.onEnd(end);
    }
}
function headerLength(b1) {
    const len = b1 & 0x7f;
    return len === 126 ? 4 : len === 127 ? 10 : 2;
}
function handshakeProblem(res, key) {
    const want = (0,external_node_crypto_.createHash)('sha1')
        .update(key + GUID)
        .digest('base64');
    if (String(res.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        return 'has no "Upgrade: websocket" header';
    if (!String(res.headers.connection ?? '')
        .toLowerCase()
        .split(/\s*,\s*/)
        .includes('upgrade'))
        return 'has no "Connection: Upgrade" header';
    if (res.headers['sec-websocket-accept'] !== want)
        return 'has a Sec-WebSocket-Accept that does not match the key sent';
    // We offered no extension (no permessage-deflate) and no subprotocol.
    if (res.headers['sec-websocket-extensions'])
        return 'names an extension that was not offered';
    if (res.headers['sec-websocket-protocol'])
        return 'names a subprotocol that was not offered';
    return undefined;
}
/** An open WebSocket: reads and checks the server's frames, answers control frames. */
class ClientWebSocket {
    socket;
    maxMessage;
    finish;
    handlers;
    /** Bytes of a frame that came in pieces (header included), until it is whole. */
    parts = [];
    partBytes = 0;
    /** Header and payload bytes of the frame in `parts`, once its header is known; -1 before. */
    partTotal = -1;
    /** A fragmented message being gathered. */
    fragments = [];
    fragmentBytes = 0;
    fragmentText = false;
    fragmented = false;
    closeSent = false;
    /** Paused by the caller (receive backpressure). */
    held = false;
    closing;
    ended = false;
    /** What the server's close frame said, reported when it comes. */
    closeInfo;
    constructor(socket, maxMessage, finish, handlers) {
        this.socket = socket;
        this.maxMessage = maxMessage;
        this.finish = finish;
        this.handlers = handlers;
    }
    start(head) {
        const s = this.socket;
        s.setTimeout(0);
        s.on('data', (chunk) => this.read(chunk));
        s.on('error', () => s.destroy());
        s.on('close', () => {
            if (this.closing)
                clearTimeout(this.closing);
            const info = this.closeInfo;
            this.end({ kind: 'closed', code: info?.code ?? 1006, reason: info?.reason ?? '' });
        });
        if (head.length)
            this.read(head);
        // The head's messages may have paused us already.
        if (!this.held)
            s.resume();
    }
    /** Writes one complete frame (frames.ts clientFrame); false when it cannot be sent any more. */
    send(frame) {
        if (this.closeSent || this.ended || this.socket.destroyed)
            return false;
        this.socket.write(frame);
        return true;
    }
    get writableLength() {
        return this.socket.writableLength;
    }
    get isOpen() {
        return !this.closeSent && !this.ended && !this.socket.destroyed;
    }
    /** Receive backpressure: no reads while paused (a frame already read is still delivered). */
    pause() {
        this.held = true;
        this.socket.pause();
    }
    resume() {
        this.held = false;
        if (!this.ended)
            this.socket.resume();
    }
    close(code, reason) {
        if (this.ended)
            return;
        this.sendClose(code, reason);
        this.closing ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    }
    destroy() {
        this.socket.destroy();
    }
    sendClose(code, reason) {
        if (this.closeSent || this.socket.destroyed)
            return;
        this.closeSent = true;
        const r = Buffer.from(reason, 'utf8').subarray(0, 123);
        this.socket.write(clientFrame(OP_CLOSE, 2 + r.length, p => {
            p.writeUInt16BE(code, 0);
            r.copy(p, 2);
        }));
    }
    end(end) {
        if (this.ended)
            return;
        this.ended = true;
        this.parts = [];
        this.fragments = [];
        this.finish(end);
    }
    /** The server broke the protocol: close with `code`, report why, read nothing more. */
    refuse(code, why) {
        if (this.ended)
            return;
        this.sendClose(code, '');
        this.socket.pause();
        this.end({ kind: 'closed', code, reason: '', protocolError: why });
        this.socket.end();
        this.closing ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    }
    read(chunk) {
        let at = 0;
        if (this.partBytes > 0) {
            if (this.partTotal < 0) {
                // The header itself was cut (it is at most 10 bytes): join just enough of it to read it.
                const joined = Buffer.concat([...this.parts, chunk.subarray(0, 10 - this.partBytes)]);
                const head = this.header(joined, 0, joined.length);
                if (head === null)
                    return;
                if (head === undefined) {
                    this.parts = [joined];
                    this.partBytes = joined.length;
                    return;
                }
                this.partTotal = head[0] + head[1];
            }
            const need = this.partTotal - this.partBytes;
            if (chunk.length < need) {
                this.parts.push(chunk);
                this.partBytes += chunk.length;
                return;
            }
            this.parts.push(chunk.subarray(0, need));
            const frame = Buffer.concat(this.parts, this.partTotal);
            this.parts = [];
            this.partBytes = 0;
            this.partTotal = -1;
            this.frame(frame[0], frame.subarray(headerLength(frame[1])));
            at = need;
        }
        while (at < chunk.length && !this.ended) {
            const avail = chunk.length - at;
            const head = this.header(chunk, at, avail);
            if (head === null)
                return;
            if (head === undefined || avail < head[0] + head[1]) {
                // The rest waits for the next read; its header, when all there, is checked now.
                this.parts = [chunk.subarray(at)];
                this.partBytes = avail;
                this.partTotal = head ? head[0] + head[1] : -1;
                return;
            }
            this.frame(chunk[at], chunk.subarray(at + head[0], at + head[0] + head[1]));
            at += head[0] + head[1];
        }
    }
    /**
     * [header length, payload length] of the frame at `at`, checked against the rules a server
     * must follow before any payload is waited for; undefined when the header is not all there,
     * null when the frame is refused.
     */
    header(b, at, avail) {
        if (avail < 2)
            return undefined;
        const b0 = b[at];
        const b1 = b[at + 1];
        const opcode = b0 & 0x0f;
        let len = b1 & 0x7f;
        let headerLen = 2;
        if (len === 126) {
            if (avail < 4)
                return undefined;
            len = b.readUInt16BE(at + 2);
            headerLen = 4;
        }
        else if (len === 127) {
            if (avail < 10)
                return undefined;
            const high = b.readUInt32BE(at + 2);
            // Anything past 2^32 is over every cap; keep the arithmetic exact below it.
            len = high > 0 ? Number.MAX_SAFE_INTEGER : b.readUInt32BE(at + 6);
            headerLen = 10;
        }
        const refused = this.frameProblem(b0, b1, opcode, len);
        if (refused) {
            this.refuse(refused[0], refused[1]);
            return null;
        }
        return [headerLen, len];
    }
    frameProblem(b0, b1, opcode, len) {
        if (b1 & 0x80)
            return [1002, 'the server sent a masked frame (RFC 6455 §5.1 forbids it)'];
        if (b0 & 0x70)
            return [1002, 'the server set reserved bits in a frame (no extension was negotiated)'];
        const fin = (b0 & 0x80) !== 0;
        if (opcode >= 0x8) {
            if (opcode !== OP_CLOSE && opcode !== OP_PING && opcode !== OP_PONG)
                return [1002, `the server sent a frame with unknown opcode ${opcode}`];
            if (len > 125)
                return [1002, `the server sent a control frame of ${len} bytes (at most 125 allowed)`];
            if (!fin)
                return [1002, 'the server sent a fragmented control frame'];
            return undefined;
        }
        if (opcode !== OP_CONTINUATION && opcode !== OP_TEXT && opcode !== OP_BINARY)
            return [1002, `the server sent a frame with unknown opcode ${opcode}`];
        if (opcode === OP_CONTINUATION && !this.fragmented)
            return [1002, 'the server sent a continuation frame with no message to continue'];
        if (opcode !== OP_CONTINUATION && this.fragmented)
            return [1002, 'the server started a new message inside a fragmented one'];
        const size = (opcode === OP_CONTINUATION ? this.fragmentBytes : 0) + len;
        if (size > this.maxMessage)
            return [1009, `the server sent a message of more than ${this.maxMessage} bytes (${size > 2 ** 32 ? 'over 4 GiB' : `${size} bytes`})`];
        return undefined;
    }
    frame(b0, payload) {
        if (this.ended)
            return;
        const opcode = b0 & 0x0f;
        const fin = (b0 & 0x80) !== 0;
        switch (opcode) {
            case OP_PING:
                if (!this.closeSent)
                    this.socket.write(clientFrame(OP_PONG, payload.length, p => payload.copy(p)));
                return;
            case OP_PONG:
                return;
            case OP_CLOSE:
                return this.serverClose(payload);
            case OP_CONTINUATION:
                this.fragments.push(Buffer.from(payload));
                this.fragmentBytes += payload.length;
                if (fin) {
                    const whole = Buffer.concat(this.fragments, this.fragmentBytes);
                    const text = this.fragmentText;
                    this.fragments = [];
                    this.fragmentBytes = 0;
                    this.fragmented = false;
                    this.handlers.onMessage(whole, text);
                }
                return;
            default:
                if (fin)
                    return this.handlers.onMessage(payload, opcode === OP_TEXT);
                this.fragmented = true;
                this.fragmentText = opcode === OP_TEXT;
                this.fragments = [Buffer.from(payload)];
                this.fragmentBytes = payload.length;
        }
    }
    serverClose(payload) {
        if (payload.length === 1)
            return this.refuse(1002, 'the server sent a close frame with a 1-byte payload');
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reason = payload.subarray(2).toString('utf8');
        this.closeInfo = { code, reason };
        // Echo the code (RFC 6455 §5.5.1), then end our side: Nomad may keep TCP open (nomad-api.md §10.6).
        this.sendClose(code === 1005 ? 1000 : code, '');
        this.socket.end();
        this.closing ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
        this.end({ kind: 'closed', code, reason });
    }
}

;// CONCATENATED MODULE: ./src/providers/nomad/exec.ts






/** stdin bytes per frame (base64 in JSON); Nomad's own executor reads 4 KiB at a time, any size decodes. */
const STDIN_CHUNK = 48 * 1024;
/** Stop reading stdin while this much is queued on the socket (its writableLength). */
const SEND_HIGH_WATER = 1024 * 1024;
/**
 * What each frame allocates besides the bytes the packer or the output sink already count for
 * util/memory.ts: a stdin frame is its buffer and its base64 string; an output frame the socket
 * read it came in and the latin1 string its base64 is decoded from. Counting only the archive or the decoded
 * output let ~15 MiB of garbage pile up between collections (bench/: Nomad relay of 200 MB peaked
 * at 117-123 MiB, 100-104 MiB when collected four times as often).
 */
const FRAME_COPIES = 2;
/** As the Go client and the UI do (api/allocations_exec.go heartbeatInterval). */
const HEARTBEAT_MS = 10_000;
/**
 * RemoteShell over Nomad's exec WebSocket (nomad-api.md §6): the argv goes as a JSON array in the
 * query, tty=false so stdout and stderr stay apart, stdin as base64 frames then always a close,
 * a `{}` heartbeat every 10 s. `exited` is authoritative (a missing exit_code is 0); a close
 * before it is a TransportError, whatever the code.
 *
 * The WebSocket is our own client (websocket.ts), not undici's, which the developer guide would
 * otherwise have us use: undici parsed every 4 KiB frame, UTF-8-decoded it into a string for us
 * to JSON.parse, and loading it cost every Nomad run ~15 MiB. Measured with the bench rig on the
 * dist/ before and after, alternating (2 loaded cores, medians): relaying 200 MB took 846 → 576
 * ms of the action's CPU, syncing the 200 MB tree 1464 → 1227 ms, and a run that transfers
 * nothing peaks at 57 MiB RSS instead of 72 (README, Performance).
 */
class NomadExecShell {
    client;
    allocId;
    task;
    opts;
    running = new Set();
    constructor(client, allocId, task, opts) {
        this.client = client;
        this.allocId = allocId;
        this.task = task;
        this.opts = opts;
    }
    async exec(req) {
        if (req.signal?.aborted)
            throw new shell/* TransportError */.w('exec canceled before it started', { cause: req.signal.reason });
        if (this.client.hasMintedToken)
            await this.client.freshToken(req.signal);
        return this.open(req);
    }
    async open(req) {
        const url = this.client.webSocketUrl(`/v1/client/allocation/${encodeURIComponent(this.allocId)}/exec`, {
            task: this.task,
            command: JSON.stringify(req.argv),
            tty: 'false'
        });
        const what = `exec ${JSON.stringify(req.argv[0] ?? '')} in allocation ${this.allocId.slice(0, 8)} task ${this.task}`;
        return new Promise((resolve, reject) => {
            let settled = false;
            let exitCode;
            let heartbeat;
            const held = new Map();
            let ws;
            const settle = (err) => {
                if (settled)
                    return;
                // Output that came before a failure still belongs in the log.
                output.flush();
                settled = true;
                if (heartbeat)
                    clearInterval(heartbeat);
                req.signal?.removeEventListener('abort', onAbort);
                this.running.delete(abortFromShell);
                for (const [w, release] of held) {
                    w.removeListener('drain', release);
                    w.removeListener('close', release);
                }
                held.clear();
                ws?.resume();
                if (err)
                    reject(err);
                else
                    resolve({ exitCode: exitCode ?? 0 });
            };
            const onAbort = () => {
                conn.close(1000, 'canceled');
                settle(new shell/* TransportError */.w(`${what}: canceled`, { cause: req.signal?.reason }));
            };
            const abortFromShell = (reason) => {
                conn.close(1001, 'shell closed');
                settle(reason);
            };
            // Receive backpressure: while a sink is full, the socket is paused (nothing else resumes it).
            const write = (w, buf) => {
                (0,memory/* noteStreamed */.WQ)(buf.length);
                if (!w.write(buf) && !held.has(w)) {
                    const release = () => {
                        w.removeListener('drain', release);
                        w.removeListener('close', release);
                        held.delete(w);
                        if (held.size === 0 && !settled)
                            ws?.resume();
                    };
                    held.set(w, release);
                    w.on('drain', release);
                    w.on('close', release);
                    ws?.pause();
                }
            };
            const output = new OutputBatcher(write);
            let flushQueued = false;
            const flushSoon = () => {
                if (flushQueued)
                    return;
                flushQueued = true;
                setImmediate(() => {
                    flushQueued = false;
                    output.flush();
                });
            };
            // Our frames go to the socket whole, masked by frames.ts; each write is one complete frame,
            // so they never interleave with a pong or close frame websocket.ts writes.
            const send = (frame) => !settled && ws !== undefined && ws.send(frame);
            const waitForRoom = async () => {
                while (!settled && ws?.isOpen && ws.writableLength > SEND_HIGH_WATER) {
                    const s = ws.socket;
                    await new Promise(r => {
                        const t = setTimeout(done, 25);
                        function done() {
                            clearTimeout(t);
                            s.removeListener('drain', done);
                            r();
                        }
                        s.once('drain', done);
                    });
                }
            };
            const pumpStdin = async () => {
                try {
                    if (req.stdin) {
                        for await (const chunk of req.stdin) {
                            if (settled)
                                return;
                            const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
                            for (let off = 0; off < buf.length; off += STDIN_CHUNK) {
                                const frame = stdinFrame(buf.subarray(off, off + STDIN_CHUNK));
                                (0,memory/* noteStreamed */.WQ)(FRAME_COPIES * frame.length);
                                if (!send(frame))
                                    return;
                                await waitForRoom();
                            }
                        }
                    }
                }
                catch (err) {
                    conn.close(1000, 'stdin failed');
                    settle(new shell/* TransportError */.w(`${what}: reading the local stdin stream failed: ${err.message}`, { cause: err }));
                    return;
                }
                // Always close stdin: Nomad sends `exited` only after it (reference §6.3).
                send(jsonFrame({ stdin: { close: true } }));
            };
            const badFrame = (data) => {
                conn.close(1002, 'bad frame');
                settle(new shell/* TransportError */.w(`${what}: Nomad sent a frame that is not JSON: ${(0,redact/* redact */.E$)(data.subarray(0, 120).toString('utf8'))}`));
            };
            const onMessage = (data) => {
                if (settled)
                    return;
                // The socket read and the base64 string (or the decoded text) each frame makes.
                (0,memory/* noteStreamed */.WQ)(FRAME_COPIES * data.length);
                let frame;
                try {
                    frame = receiveFrame(data, output, req.stdout, req.stderr);
                }
                catch {
                    return badFrame(data);
                }
                flushSoon();
                if (frame?.exited) {
                    output.flush();
                    // Exit 0 arrives as result:{} (omitempty), reference §6.4.
                    const code = frame.result?.exit_code;
                    exitCode = typeof code === 'number' ? code : 0;
                    if (exitCode < 0)
                        exitCode = 1;
                    conn.close(1000, '');
                    settle(undefined);
                }
            };
            const onEnd = (end) => {
                if (settled)
                    return;
                if (exitCode !== undefined)
                    return settle(undefined);
                if (end.kind === 'refused') {
                    const status = end.status;
                    const body = (0,redact/* redact */.E$)(end.body.toString('utf8').trim().slice(0, 500));
                    let hint = '';
                    if (status === 403)
                        hint = ` (${(0,client/* permissionHint */.fm)(this.client.config.token, this.opts.capability, this.client.config.authMethod)}; a 403 on the upgrade also means an Origin header that does not match Host)`;
                    if (status === 400 && /upgrade/i.test(body))
                        hint = ' (a proxy in front of Nomad dropped the Upgrade/Connection headers)';
                    return settle(new shell/* TransportError */.w(`${what}: Nomad refused the exec WebSocket: HTTP ${status}${body ? `: ${body}` : ''}${hint}`));
                }
                if (end.kind === 'failed') {
                    return settle(new shell/* TransportError */.w(`${what}: could not open the exec WebSocket to ${this.client.config.addr}: ${(0,redact/* redact */.E$)(end.error.message)}`, { cause: end.error }));
                }
                if (end.protocolError) {
                    return settle(new shell/* TransportError */.w(`${what}: the exec WebSocket broke off: ${end.protocolError}; the remote command may still be running`));
                }
                const reason = (0,redact/* redact */.E$)(end.reason);
                if (end.code === 1008 || end.code === 1011) {
                    let hint = '';
                    if (/permission denied/i.test(reason))
                        hint = ` (${(0,client/* permissionHint */.fm)(this.client.config.token, this.opts.capability, this.client.config.authMethod)})`;
                    if (/not started yet|is not running|unknown task name/i.test(reason))
                        hint = ' (the task is not running; it may have been stopped or failed)';
                    return settle(new shell/* TransportError */.w(`${what}: Nomad ended the exec session before the exit status (close ${end.code}): ${reason || '(no reason given; Nomad drops reasons over 123 bytes)'}${hint}`));
                }
                if (end.code === 1006) {
                    return settle(new shell/* TransportError */.w(`${what}: the exec connection dropped before the command's exit status arrived (no close frame, code 1006); the remote command may still be running`));
                }
                return settle(new shell/* TransportError */.w(`${what}: the exec WebSocket closed with code ${end.code}${reason ? ` (${reason})` : ''} before the command's exit status arrived`));
            };
            // No Origin header (gorilla would demand it match Host); the token only as a header.
            const conn = openWebSocket({ url, headers: this.client.authHeaders(), ...this.client.webSocketTransport() }, {
                onOpen: open => {
                    ws = open;
                    heartbeat = setInterval(() => send(jsonFrame({})), this.opts.heartbeatMs ?? HEARTBEAT_MS);
                    void pumpStdin();
                },
                onMessage,
                onEnd
            });
            req.signal?.addEventListener('abort', onAbort, { once: true });
            this.running.add(abortFromShell);
        });
    }
    async close() {
        for (const abort of [...this.running])
            abort(new shell/* TransportError */.w('the Nomad shell was closed while a command ran'));
    }
}

;// CONCATENATED MODULE: ./src/remote/control.ts

/**
 * Where the run wrapper (src/remote/scripts.ts RUN_SCRIPT) keeps a step's script, env and pid on
 * the remote. One root per lease, one directory per step under it: steps sharing a lease never
 * share files, and the remote-ttl reaper (Nomad keep-alive, src/providers/nomad/job.ts) finds the
 * process group of every step that ran on the lease, and only of this lease.
 */
function controlRoot(leaseId) {
    return `/tmp/offload-${leaseId}`;
}
function stepControlDir(leaseId, stepId = randomBytes(4).toString('hex')) {
    return `${controlRoot(leaseId)}/step-${stepId}`;
}

;// CONCATENATED MODULE: ./src/providers/nomad/job.ts


/** The task Offload execs into (and the group holding it in the default job). */
const TASK_NAME = 'offload';
const GROUP_NAME = 'offload';
/**
 * Keeps the allocation alive until the lease's remote-ttl deadline, then ends the task, so the
 * allocation completes and stops holding resources with no runner involved. $1 = deadline (epoch
 * s), $2 = the TTL in seconds (a cap when the node's clock is off or `date` is missing), $3 = the
 * lease's control root (src/remote/control.ts). No GNU `sleep infinity` (busybox lacks it).
 * Ending the task does not end what `alloc exec` started under raw_exec (those processes are not
 * in the task's cgroup), so on the deadline and on Nomad's kill signal alike it first kills the
 * process group of every step recorded under the control root: TERM, then KILL to what is left
 * after 2 s, inside the 5 s KillTimeout. The trap works even as PID 1 in a container.
 */
const KEEPALIVE_SCRIPT = [
    'd=$1; t=$2; c=$3',
    'r() { k=1; for f in "$c"/*/pid; do [ -f "$f" ] && read -r p < "$f" && [ "$p" -gt 1 ] 2>/dev/null && kill -"$1" -"$p" 2>/dev/null && k=0; done; return $k; }',
    'e() { kill $! 2>/dev/null; if r TERM; then i=0; while r 0 && [ $i -lt 20 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done; r KILL; fi; exit 0; }',
    'trap e INT TERM',
    'n=$(date +%s 2>/dev/null) && [ $((d - n)) -lt "$t" ] && t=$((d - n))',
    '[ "$t" -gt 0 ] && { sleep "$t" & wait $!; }',
    'e'
].join('\n');
const KEEPALIVE_COMMAND = '/bin/sh';
/** The keep-alive's argv after the command, for this owner's deadline. */
function keepAliveArgs(owner, now = Date.now()) {
    const deadline = Math.floor(Date.parse(owner.expiresAt) / 1000);
    return ['-c', KEEPALIVE_SCRIPT, 'offload-keepalive', String(deadline), String(ttlSeconds(owner, now)), controlRoot(owner.leaseId)];
}
function ttlSeconds(owner, now) {
    return Math.max(1, Math.ceil((Date.parse(owner.expiresAt) - now) / 1000));
}
/**
 * Nomad's own limit for batch allocations (TaskGroup.MaxRunDuration, nanoseconds, Nomad >= 2.0.3;
 * older agents ignore the unknown field). It starts when the allocation does, so it lands a little
 * after the keep-alive's deadline: a backstop for a keep-alive that cannot run its timer.
 */
function maxRunDurationNs(owner, now = Date.now()) {
    return ttlSeconds(owner, now) * 1_000_000_000;
}
/** Job Meta keys that mark a job as ours; release checks them before purging. */
function ownershipMeta(o) {
    return {
        'offload.managed': o.managed,
        'offload.lease_id': o.leaseId,
        'offload.repository': o.repository,
        'offload.run_id': o.runId,
        'offload.run_attempt': o.runAttempt,
        'offload.job': o.job,
        'offload.expires_at': o.expiresAt
    };
}
/** The default job: batch, one group, one task running the keep-alive, no restarts, no reschedule. */
function buildJob(s, jobId, owner) {
    const meta = ownershipMeta(owner);
    const config = { command: KEEPALIVE_COMMAND, args: keepAliveArgs(owner) };
    if (s.driver === 'docker' || s.driver === 'podman')
        config.image = s.image;
    return {
        ID: jobId,
        Name: jobId,
        Type: 'batch',
        ...(s.namespace ? { Namespace: s.namespace } : {}),
        ...(s.region ? { Region: s.region } : {}),
        Datacenters: s.datacenters,
        ...(s.nodePool ? { NodePool: s.nodePool } : {}),
        Meta: meta,
        TaskGroups: [
            {
                Name: GROUP_NAME,
                Count: 1,
                // "never restart" needs Mode fail with Attempts 0; Attempts 0 + Unlimited false disables rescheduling.
                RestartPolicy: { Attempts: 0, Mode: 'fail' },
                ReschedulePolicy: { Attempts: 0, Unlimited: false },
                EphemeralDisk: { SizeMB: s.diskMB },
                MaxRunDuration: maxRunDurationNs(owner),
                Tasks: [
                    {
                        Name: TASK_NAME,
                        Driver: s.driver,
                        Config: config,
                        Resources: { CPU: s.cpu, MemoryMB: s.memoryMB },
                        RestartPolicy: { Attempts: 0, Mode: 'fail' },
                        KillTimeout: 5_000_000_000,
                        Meta: { 'offload.lease_id': owner.leaseId }
                    }
                ]
            }
        ]
    };
}
/** Placeholders a `nomad-jobspec` template may use, as `{{Name}}` (or crabbox-style `{{.Name}}`). */
function templateVars(s, jobId, owner) {
    return {
        JobID: jobId,
        LeaseID: owner.leaseId,
        Task: TASK_NAME,
        Group: GROUP_NAME,
        Driver: s.driver,
        Image: s.image,
        Namespace: s.namespace || 'default',
        Region: s.region || 'global',
        Datacenters: s.datacenters,
        NodePool: s.nodePool,
        CPU: s.cpu,
        MemoryMB: s.memoryMB,
        DiskMB: s.diskMB,
        KeepAliveCommand: KEEPALIVE_COMMAND,
        KeepAliveArgs: keepAliveArgs(owner),
        KeepAliveScript: KEEPALIVE_SCRIPT,
        MaxRunDuration: maxRunDurationNs(owner),
        OwnershipMeta: ownershipMeta(owner),
        ExpiresAt: owner.expiresAt
    };
}
const PLACEHOLDER = /\{\{\s*\.?([A-Za-z]+)\s*\}\}/g;
/**
 * Renders a JSON job template. A string that is exactly one placeholder takes the value's JSON
 * type (`"CPU": "{{CPU}}"` becomes a number, `"Meta": "{{OwnershipMeta}}"` an object); inside a
 * longer string the value is substituted as text. The result must keep the minted job ID, carry
 * every ownership Meta key, and contain the task Offload execs into.
 */
function renderJobTemplate(text, s, jobId, owner) {
    const vars = templateVars(s, jobId, owner);
    const fail = (msg) => {
        throw new errors/* InputError */.dz('nomad-jobspec', msg);
    };
    let tree;
    try {
        tree = JSON.parse(text);
    }
    catch (err) {
        return fail(`not valid JSON (${err.message})`);
    }
    const subst = (v) => {
        if (typeof v === 'string') {
            const whole = /^\{\{\s*\.?([A-Za-z]+)\s*\}\}$/.exec(v);
            if (whole) {
                if (!(whole[1] in vars))
                    fail(`unknown placeholder {{${whole[1]}}}; known: ${Object.keys(vars).join(', ')}`);
                return vars[whole[1]];
            }
            return v.replace(PLACEHOLDER, (_m, name) => {
                if (!(name in vars))
                    fail(`unknown placeholder {{${name}}}; known: ${Object.keys(vars).join(', ')}`);
                const val = vars[name];
                return typeof val === 'string' || typeof val === 'number' ? String(val) : JSON.stringify(val);
            });
        }
        if (Array.isArray(v))
            return v.map(subst);
        if (v && typeof v === 'object') {
            const out = {};
            for (const [k, x] of Object.entries(v))
                out[k] = subst(x);
            return out;
        }
        return v;
    };
    const rendered = subst(tree);
    const job = (rendered && typeof rendered === 'object' && 'Job' in rendered ? rendered.Job : rendered);
    if (!job || typeof job !== 'object' || Array.isArray(job))
        return fail('the template must be a JSON job object (or {"Job": {...}})');
    if (job.ID !== jobId)
        fail(`the job ID must be "{{JobID}}" (rendered: ${JSON.stringify(job.ID)}, expected ${JSON.stringify(jobId)}) so release can find it`);
    const meta = ownershipMeta(owner);
    const missing = Object.entries(meta).filter(([k, v]) => job.Meta?.[k] !== v);
    if (missing.length)
        fail(`the job Meta must carry Offload's ownership keys (put "Meta": "{{OwnershipMeta}}" in the job); missing or different: ${missing.map(([k]) => k).join(', ')}`);
    const wantNs = s.namespace || 'default';
    if (job.Namespace && job.Namespace !== wantNs)
        fail(`the job namespace "${job.Namespace}" differs from nomad-namespace "${wantNs}"`);
    if (!Array.isArray(job.TaskGroups) || job.TaskGroups.length === 0)
        fail('the job has no TaskGroups');
    if (!findTask(job))
        fail(`no task named "${TASK_NAME}" (use "Name": "{{Task}}") in any task group: Offload execs into that task`);
    return job;
}
function findTask(job) {
    for (const g of job.TaskGroups ?? []) {
        const t = (g.Tasks ?? []).find(x => x.Name === TASK_NAME);
        if (t)
            return { group: g.Name, task: t };
    }
    return undefined;
}

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(7484);
// EXTERNAL MODULE: ./src/util/timers.ts
var timers = __webpack_require__(3472);
// EXTERNAL MODULE: ./src/report/inert.ts
var inert = __webpack_require__(1822);
;// CONCATENATED MODULE: ./src/providers/nomad/ready.ts




/** Nomad's placement metrics as one readable line: "missing drivers: 1 node; ...". */
function describePlacement(failed) {
    const parts = [];
    for (const [group, m] of Object.entries(failed)) {
        const reasons = [];
        for (const [k, v] of Object.entries({ ...(m.ConstraintFiltered ?? {}), ...(m.ClassFiltered ?? {}), ...(m.DimensionExhausted ?? {}) })) {
            reasons.push(`${k}: ${v} node${v === 1 ? '' : 's'}`);
        }
        if (m.QuotaExhausted?.length)
            reasons.push(`quota exhausted: ${m.QuotaExhausted.join(', ')}`);
        if (m.NodesExhausted)
            reasons.push(`${m.NodesExhausted} node(s) out of resources`);
        if (!m.NodesEvaluated && !reasons.length)
            reasons.push('no nodes in the selected datacenters / node pool');
        parts.push(`group ${group}: ${reasons.join('; ') || 'no node fits'} (nodes evaluated ${m.NodesEvaluated ?? 0}, filtered ${m.NodesFiltered ?? 0})`);
    }
    return parts.join(' | ');
}
function lastEvent(alloc, task) {
    const evs = alloc?.TaskStates?.[task]?.Events ?? [];
    const e = evs[evs.length - 1];
    if (!e)
        return '';
    return (0,inert/* inert */.t)(`${e.Type ?? 'event'}: ${e.DisplayMessage || e.Message || ''}`.trim());
}
function describeAlloc(alloc, task) {
    if (!alloc)
        return 'no allocation yet';
    const ts = alloc.TaskStates?.[task];
    const ev = lastEvent(alloc, task);
    return `allocation ${alloc.ID.slice(0, 8)} client=${alloc.ClientStatus} desired=${alloc.DesiredStatus} task=${ts?.State ?? 'unknown'}${ev ? `, last event ${ev}` : ''}${alloc.ClientDescription ? ` (${(0,inert/* inert */.t)(alloc.ClientDescription)})` : ''}`;
}
const TERMINAL_CLIENT = ['failed', 'complete', 'lost'];
/**
 * Waits until the job's allocation and its task both run (reference §5). Blocking queries on the
 * allocation list, the register evaluation watched alongside: placement failures create no
 * allocation, so `FailedTGAllocs` fails fast with Nomad's reasons. Terminal states fail fast;
 * the timeout reports the last task event.
 */
async function waitForRunningAlloc(client, o) {
    const ac = new AbortController();
    const onAbort = () => ac.abort(o.signal.reason);
    o.signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = (0,timers/* longTimeout */.mD)(() => {
        timedOut = true;
        ac.abort(new Error('timeout'));
    }, o.timeoutMs);
    let last;
    let lastEval;
    const wait = o.wait ?? '30s';
    const path = `/v1/job/${encodeURIComponent(o.jobId)}`;
    const report = o.report ?? ((line) => core.info(line));
    let reported = '';
    const allocLoop = async () => {
        let index = 0;
        for (;;) {
            const res = await client.call('GET', `${path}/allocations`, {
                query: { all: false, index: index > 0 ? index : undefined, wait: index > 0 ? wait : undefined },
                idempotent: true,
                signal: ac.signal,
                capability: 'read-job'
            });
            // Index going backwards (leader change, restore): start over, as Nomad's own client does.
            index = res.index < index ? 0 : res.index;
            const allocs = (res.data ?? []).filter(a => a.JobID === o.jobId && a.TaskGroup === o.group);
            allocs.sort((a, b) => b.CreateIndex - a.CreateIndex);
            const current = allocs.find(a => a.DesiredStatus === 'run') ?? allocs[0];
            if (current) {
                last = current;
                // As Vast provisioning does: one line per change, Nomad's text made inert for the log.
                const seen = describeAlloc(current, o.task);
                if (seen !== reported)
                    report((0,inert/* inert */.t)(`Nomad job ${o.jobId}: ${seen}`));
                reported = seen;
                const ts = current.TaskStates?.[o.task];
                if (current.DesiredStatus !== 'run' || TERMINAL_CLIENT.includes(current.ClientStatus) || ts?.State === 'dead' || ts?.Failed) {
                    throw new errors/* ProviderError */.mZ(`Nomad job ${o.jobId} did not start: ${describeAlloc(current, o.task)}`);
                }
                if (current.ClientStatus === 'running' && ts?.State === 'running')
                    return current;
            }
            if (index === 0)
                index = Math.max(1, o.index);
        }
    };
    const evalLoop = async () => {
        if (!o.evalId)
            return new Promise(() => undefined);
        let index = 0;
        for (;;) {
            const res = await client.call('GET', `/v1/evaluation/${encodeURIComponent(o.evalId)}`, {
                query: { index: index > 0 ? index : undefined, wait: index > 0 ? wait : undefined },
                idempotent: true,
                signal: ac.signal,
                capability: 'read-job'
            });
            lastEval = res.data;
            const failed = res.data.FailedTGAllocs;
            if (failed && Object.keys(failed).length > 0) {
                throw new errors/* ProviderError */.mZ(`Nomad could not place job ${o.jobId}: ${describePlacement(failed)}. Check nomad-driver, nomad-datacenters, nomad-node-pool and the cpu/memory/disk inputs against the cluster's nodes.`);
            }
            if (res.data.Status === 'failed' || res.data.Status === 'canceled') {
                throw new errors/* ProviderError */.mZ(`Nomad evaluation ${o.evalId.slice(0, 8)} for job ${o.jobId} ended ${res.data.Status}${res.data.StatusDescription ? `: ${res.data.StatusDescription}` : ''}`);
            }
            // complete without failures: placement done, the alloc loop takes it from here.
            if (res.data.Status === 'complete')
                return new Promise(() => undefined);
            index = res.index < index ? 0 : Math.max(res.index, 1);
        }
    };
    try {
        return await Promise.race([allocLoop(), evalLoop()]);
    }
    catch (err) {
        if (o.signal.aborted)
            throw new errors/* ProviderError */.mZ(`waiting for Nomad job ${o.jobId} was canceled (${describeAlloc(last, o.task)})`, { cause: err });
        if (timedOut) {
            const ev = lastEval ? `; evaluation ${lastEval.Status}` : '';
            throw new errors/* ProviderError */.mZ(`Nomad job ${o.jobId} was not running after ${Math.round(o.timeoutMs / 1000)} s (nomad-ready-timeout): ${describeAlloc(last, o.task)}${ev}`, { cause: err });
        }
        throw err;
    }
    finally {
        timer.clear();
        o.signal.removeEventListener('abort', onAbort);
        ac.abort();
    }
}

;// CONCATENATED MODULE: ./src/providers/nomad/purge.ts

/**
 * Purges a job and looks until it is gone (GET → 404): release and the sweep remove a job the
 * same way. Throws what the DELETE or a GET threw; false when the job is still there at the end.
 */
async function purgeAndVerify(client, jobPath, timeoutMs) {
    await client.call('DELETE', jobPath, { query: { purge: true }, idempotent: true, capability: 'submit-job (or purge-job)' });
    const gone = await (0,retry/* pollUntil */.g3)(async () => ((await client.call('GET', jobPath, { idempotent: true, accept: [404], capability: 'read-job' })).status === 404 ? true : undefined), { delayMs: 100, factor: 2, maxDelayMs: 2000, timeoutMs });
    return gone === true;
}

// EXTERNAL MODULE: ./src/providers/nomad/settings.ts
var settings = __webpack_require__(677);
// EXTERNAL MODULE: ./src/providers/nomad/inputs.ts
var inputs = __webpack_require__(7509);
;// CONCATENATED MODULE: ./src/providers/nomad/index.ts












/**
 * The Nomad client for acquire, release and `lease:` steps. With nomad-auth-method the token is
 * minted by logging in with the job's GitHub OIDC token (each step logs in afresh: no token is
 * ever kept in state or on disk), and logged in again shortly before it expires; the OIDC code is
 * its own chunk, loaded only then.
 */
async function nomadClientFor(s, data, signal) {
    const at = {
        // Release talks to where the job was made; TLS material and token come from the inputs.
        addr: data?.addr ?? s.addr,
        region: data?.region ?? s.region,
        namespace: data?.namespace ?? s.namespace,
        tls: s.tls
    };
    const login = s.login;
    const retry = (0,settings/* nomadRetryOf */.PC)(s);
    if (!login)
        return new client/* NomadClient */.fi({ ...at, token: s.token }, retry);
    const { loginWithGitHubOidc } = await __webpack_require__.e(/* import() */ 497).then(__webpack_require__.bind(__webpack_require__, 5497));
    return client/* NomadClient */.fi.withMintedToken({ ...at, authMethod: login.authMethod }, sig => loginWithGitHubOidc(at, login, retry, sig), retry, signal);
}
function execCapability(driver) {
    return driver === 'raw_exec' ? 'alloc-exec and alloc-node-exec (raw_exec has no filesystem isolation)' : 'alloc-exec';
}
function cliFlags(data) {
    return `${data.namespace ? ` -namespace=${data.namespace}` : ''}${data.region ? ` -region=${data.region}` : ''}`;
}
function leaseData(lease, s) {
    const d = lease.data;
    return {
        addr: d.addr ?? s.addr,
        region: d.region ?? s.region,
        namespace: d.namespace ?? s.namespace,
        jobId: d.jobId ?? lease.resourceId ?? lease.remoteName,
        driver: d.driver ?? '',
        remoteDir: d.remoteDir,
        allocId: d.allocId,
        nodeName: d.nodeName
    };
}
/**
 * Register create-only (EnforceIndex with index 0). A create is never blindly retried: after a
 * 5xx/429/connection error we look the job up by its ID first and adopt it if it carries our
 * lease; only when it is not there is the register sent again.
 */
async function register(client, job, leaseId, signal) {
    let final = false;
    return (0,retry/* withRetry */.bD)(async () => {
        try {
            const res = await client.call('PUT', '/v1/jobs', {
                body: { Job: job, EnforceIndex: true, JobModifyIndex: 0 },
                signal,
                capability: 'submit-job'
            });
            return { evalId: res.data?.EvalID || undefined, index: res.index };
        }
        catch (err) {
            if (!transientRegisterError(err) || signal.aborted)
                throw err;
            const adopted = await adoptRegistered(client, job.ID, leaseId, signal).catch(() => 'unknown');
            if (adopted === 'absent')
                throw err;
            final = true;
            if (adopted === 'unknown' || adopted === 'foreign')
                throw err;
            return adopted;
        }
    }, 
    // 500 ms, 1 s, 2 s (capped at 4 s), full jitter.
    { attempts: 4, baseDelayMs: 500, maxDelayMs: 4000, signal, retryable: err => !final && transientRegisterError(err) });
}
/** A 429, a 5xx Nomad did not explain (a validation failure is 500 too) or a dropped connection. */
function transientRegisterError(err) {
    if (!(err instanceof client/* NomadApiError */.S9))
        return (0,retry/* isConnectionError */.Rk)(err);
    if (err.status === 500 && /error|invalid|missing|must/i.test(err.body))
        return false;
    return err.status === 429 || err.status >= 500;
}
/** After a register whose outcome is unknown: the job if it is there and ours, else what was found. */
async function adoptRegistered(client, jobId, leaseId, signal) {
    const existing = await client.call('GET', `/v1/job/${encodeURIComponent(jobId)}`, {
        idempotent: true,
        signal,
        accept: [404],
        capability: 'read-job'
    });
    if (existing.status === 404)
        return 'absent';
    if (existing.data?.Meta?.['offload.lease_id'] !== leaseId)
        return 'foreign';
    const evals = await client.call('GET', `/v1/job/${encodeURIComponent(jobId)}/evaluations`, {
        idempotent: true,
        signal,
        capability: 'read-job'
    });
    const latest = [...(evals.data ?? [])].sort((a, b) => b.CreateIndex - a.CreateIndex)[0];
    return { evalId: latest?.ID, index: existing.index };
}
/**
 * Default workspace per driver. docker/podman: `/workspace` inside the container (its own
 * filesystem, gone with the container). exec: `/local/workspace` - the exec driver chroots the
 * task into its task directory, where `/local` is NOMAD_TASK_DIR: writable, counted against the
 * ephemeral disk and garbage-collected with the allocation. raw_exec has no isolation at all (the
 * task runs in the node's own filesystem, its task dir path depends on the client's data_dir), so
 * we pick a per-runner-job directory under /tmp that concurrent runs cannot share (hash of the
 * runner host and the workflow run/attempt/job/step); release removes it before purging.
 */
function defaultRemoteDir(settings) {
    const driver = settings.nomad.driver;
    if (driver === 'exec')
        return '/local/workspace';
    if (driver === 'raw_exec') {
        const e = process.env;
        const key = [external_node_os_.hostname(), e.GITHUB_REPOSITORY, e.GITHUB_RUN_ID, e.GITHUB_RUN_ATTEMPT, e.GITHUB_JOB, e.GITHUB_ACTION].join('|');
        return `/tmp/offload-${(0,external_node_crypto_.createHash)('sha256').update(key).digest('hex').slice(0, 12)}`;
    }
    return '/workspace';
}
async function acquire(ctx) {
    const s = ctx.settings.nomad;
    const jobId = ctx.lease.remoteName;
    const job = s.jobspec ? renderJobTemplate(s.jobspec.text, s, jobId, ctx.ownership) : buildJob(s, jobId, ctx.ownership);
    const placed = findTask(job);
    if (!placed)
        throw new errors/* ProviderError */.mZ(`the Nomad job has no task named ${TASK_NAME}`);
    const driver = placed.task.Driver;
    const client = await nomadClientFor(s, undefined, ctx.signal);
    let ok = false;
    try {
        // Preflight with a call the run needs anyway (read-job): an unreachable agent, a TLS mismatch
        // or a bad token fails here, provably before anything was registered, so post has nothing to
        // chase. From the moment the register is sent, post must look for the job.
        await client.call('GET', `/v1/job/${encodeURIComponent(jobId)}`, { idempotent: true, accept: [404], signal: ctx.signal, capability: 'read-job' });
        ctx.record({ data: { nomadRegisterSent: true } });
        const reg = await register(client, job, ctx.lease.leaseId, ctx.signal);
        const data = { addr: s.addr, region: s.region, namespace: s.namespace, jobId, driver, remoteDir: ctx.settings.remoteDir };
        ctx.record({ resourceId: jobId, data: { ...data } });
        const ready = waitForRunningAlloc(client, {
            jobId,
            evalId: reg.evalId,
            index: reg.index,
            group: placed.group,
            task: TASK_NAME,
            timeoutMs: s.readyTimeoutMs,
            signal: ctx.signal,
            wait: `${(0,settings/* nomadTuningOf */.kd)(s).blockingWaitMs}ms`
        });
        const alloc = await ready;
        ctx.record({ data: { ...data, allocId: alloc.ID, nodeName: alloc.NodeName ?? '' } });
        ok = true;
        return execShell(client, alloc.ID, driver, (0,settings/* nomadTuningOf */.kd)(s).heartbeatMs);
    }
    finally {
        if (!ok)
            await client.close();
    }
}
/** The allocation's exec shell; closing it closes the client too. */
function execShell(client, allocId, driver, heartbeatMs) {
    const shell = new NomadExecShell(client, allocId, TASK_NAME, { capability: execCapability(driver), heartbeatMs });
    const close = shell.close.bind(shell);
    shell.close = async () => {
        await close();
        await client.close();
    };
    return shell;
}
/** A `lease:` step: the owner's allocation, if it still runs (it ends itself at remote-ttl). */
async function attach(ctx) {
    const s = ctx.settings.nomad;
    const d = leaseData(ctx.lease, s);
    if (!d.allocId)
        throw new errors/* ProviderError */.mZ(`the owner recorded no allocation for Nomad job ${d.jobId}`);
    const client = await nomadClientFor(s, d, ctx.signal);
    try {
        const found = await client.call('GET', `/v1/allocation/${encodeURIComponent(d.allocId)}`, {
            idempotent: true,
            accept: [404],
            signal: ctx.signal,
            capability: 'read-job'
        });
        if (found.status === 404)
            throw new errors/* ProviderError */.mZ(`allocation ${d.allocId} of Nomad job ${d.jobId} is gone (404)`);
        if (found.data?.ClientStatus !== 'running') {
            throw new errors/* ProviderError */.mZ(`allocation ${d.allocId} of Nomad job ${d.jobId} is ${found.data?.ClientStatus ?? 'unknown'}${found.data?.ClientDescription ? ` (${found.data.ClientDescription})` : ''}`);
        }
        return execShell(client, d.allocId, d.driver, (0,settings/* nomadTuningOf */.kd)(s).heartbeatMs);
    }
    catch (err) {
        await client.close();
        throw err;
    }
}
/** raw_exec writes into the node's own filesystem: remove the workspace while the alloc still runs. */
async function removeRawExecWorkspace(client, d) {
    if (d.driver !== 'raw_exec' || !d.allocId || !d.remoteDir || !/^\/tmp\/|^\/var\/tmp\//.test(d.remoteDir + '/') || d.remoteDir.split('/').includes('..'))
        return '';
    const shell = new NomadExecShell(client, d.allocId, TASK_NAME, { capability: execCapability(d.driver) });
    const sink = new external_node_stream_.PassThrough();
    sink.resume();
    try {
        const r = await shell.exec({ argv: ['rm', '-rf', '--', d.remoteDir], stdout: sink, stderr: sink, signal: AbortSignal.timeout(15_000) });
        return r.exitCode === 0 ? `; removed ${d.remoteDir} from the node` : `; rm -rf ${d.remoteDir} exited ${r.exitCode}`;
    }
    catch (err) {
        return `; could not remove ${d.remoteDir} from the node (${(0,errors/* errorMessage */.gJ)(err)})`;
    }
}
async function release(ctx) {
    const s = ctx.settings;
    const d = leaseData(ctx.lease, s);
    if (!ctx.lease.resourceId && !ctx.lease.data.nomadRegisterSent) {
        return { verified: true, detail: `no Nomad job was registered (acquire stopped before submitting ${d.jobId})` };
    }
    const jobPath = `/v1/job/${encodeURIComponent(d.jobId)}`;
    const manualCleanup = `NOMAD_ADDR=${d.addr || '<nomad-addr>'} nomad job stop -purge${cliFlags(d)} ${d.jobId}`;
    if (!d.addr)
        return { verified: false, detail: `no usable Nomad address (input 'nomad-addr') to reach job ${d.jobId}`, manualCleanup };
    let client;
    try {
        client = await nomadClientFor(s, d);
    }
    catch (err) {
        return { verified: false, detail: `could not release Nomad job ${d.jobId}: ${(0,errors/* errorMessage */.gJ)(err)}`, manualCleanup };
    }
    try {
        const found = await client.call('GET', jobPath, { idempotent: true, accept: [404], capability: 'read-job' });
        if (found.status === 404)
            return { verified: true, detail: `Nomad job ${d.jobId} is gone (GET ${jobPath} → 404)` };
        const meta = found.data?.Meta ?? {};
        if (meta['offload.managed'] !== 'offload' || meta['offload.lease_id'] !== ctx.lease.leaseId) {
            return {
                verified: false,
                detail: `Nomad job ${d.jobId} exists but does not carry this lease's ownership Meta (offload.lease_id=${ctx.lease.leaseId}); left untouched`,
                manualCleanup
            };
        }
        const cleaned = await removeRawExecWorkspace(client, d);
        if (await purgeAndVerify(client, jobPath, (0,settings/* nomadTuningOf */.kd)(s).purgeVerifyTimeoutMs)) {
            return { verified: true, detail: `Nomad job ${d.jobId} purged (GET ${jobPath} → 404)${cleaned}` };
        }
        return { verified: false, detail: `Nomad job ${d.jobId} still exists after the purge${cleaned}`, manualCleanup };
    }
    catch (err) {
        return { verified: false, detail: `releasing Nomad job ${d.jobId} failed: ${(0,errors/* errorMessage */.gJ)(err)}`, manualCleanup };
    }
    finally {
        await client.close();
    }
}
function keptInstructions(ctx) {
    const d = leaseData(ctx.lease, ctx.settings);
    const flags = cliFlags(d);
    const target = d.allocId ? d.allocId : `-job ${d.jobId}`;
    return [
        `Nomad job ${d.jobId} was kept${d.allocId ? ` (allocation ${d.allocId}${d.nodeName ? ` on ${d.nodeName}` : ''})` : ''}.`,
        `Shell into it:  NOMAD_ADDR=${d.addr} nomad alloc exec -i -t${flags} -task ${TASK_NAME} ${target} /bin/sh`,
        `Remove it:      NOMAD_ADDR=${d.addr} nomad job stop -purge${flags} ${d.jobId}`
    ].join('\n');
}
const nomadProvider = {
    kind: 'shell',
    name: 'nomad',
    defaultRemoteDir,
    acquire,
    release,
    keptInstructions,
    attach,
    // Reconnecting needs the connection and the token (or TLS client key) the owner used.
    forLeaseFile: settings => ({ settings: settings.nomad, mask: [settings.nomad.token, settings.nomad.tls.clientKey ?? ''].filter(Boolean) })
};


/***/ }),

/***/ 648:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ TransportError)
/* harmony export */ });
/** The transport broke before the remote reported an exit status. */
class TransportError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'TransportError';
    }
}


/***/ }),

/***/ 4098:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ httpRequest)
/* harmony export */ });
/* unused harmony export HttpError */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);

/** undici's own defaults (connect 10 s, headers and body 300 s), so callers keep what fetch gave them. */
const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 300_000;
class HttpError extends Error {
    code;
    constructor(message, code) {
        super(message);
        this.code = code;
        this.name = 'HttpError';
    }
}
function httpRequest(url, req) {
    const u = typeof url === 'string' ? new URL(url) : url;
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:')
        return Promise.reject(new HttpError(`unsupported URL scheme ${u.protocol}`, 'ERR_INVALID_URL_SCHEME'));
    const signal = req.signal;
    if (signal?.aborted)
        return Promise.reject(signal.reason);
    const connectMs = req.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const idleMs = req.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    const headers = { ...req.headers };
    if (req.body !== undefined)
        headers['content-length'] = Buffer.byteLength(req.body);
    return new Promise((resolve, reject) => {
        const transport = secure ? process.getBuiltinModule('node:https') : node_http__WEBPACK_IMPORTED_MODULE_0__;
        const cr = transport.request(u, {
            method: req.method,
            headers,
            agent: req.agent ?? transport.globalAgent,
            ...(req.socketPath ? { socketPath: req.socketPath } : {})
        });
        let connected = false;
        /** Why we destroyed the request ourselves: what every pending read rejects with. */
        let ended;
        const end = (err) => {
            ended ??= err;
            cr.destroy(ended);
        };
        let onFailure = reject;
        const onAbort = () => end(signal.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        const finish = () => signal?.removeEventListener('abort', onAbort);
        cr.setTimeout(connectMs);
        cr.on('socket', socket => {
            const up = () => {
                connected = true;
                cr.setTimeout(idleMs);
            };
            // A kept-alive socket from the agent is connected already.
            if (!socket.connecting)
                up();
            else
                socket.once(secure ? 'secureConnect' : 'connect', up);
        });
        cr.on('timeout', () => end(new HttpError(connected ? `no answer from ${u.host} for ${idleMs} ms` : `connecting to ${u.host} timed out after ${connectMs} ms`, 'ETIMEDOUT')));
        cr.on('error', err => {
            finish();
            onFailure(ended ?? err);
        });
        cr.on('response', res => {
            let body;
            const read = () => (body ??= new Promise((ok, fail) => {
                onFailure = err => fail(ended ?? err);
                // A reset mid-body: the response errs (ECONNRESET "aborted"), the request may not.
                res.once('error', err => {
                    finish();
                    fail(ended ?? err);
                });
                const chunks = [];
                let size = 0;
                res.on('data', (chunk) => {
                    size += chunk.length;
                    if (req.maxBodyBytes !== undefined && size > req.maxBodyBytes)
                        end(new HttpError(`response larger than ${req.maxBodyBytes} bytes`, 'BODY_TOO_LARGE'));
                    else
                        chunks.push(chunk);
                });
                res.once('end', () => {
                    finish();
                    if (ended)
                        fail(ended);
                    else
                        ok(Buffer.concat(chunks));
                });
            }));
            // Until the body is read, a failure has no one to tell: the read that comes reports it.
            onFailure = err => {
                body ??= Promise.reject(ended ?? err);
                body.catch(() => undefined);
            };
            resolve({
                status: res.statusCode ?? 0,
                header: name => {
                    const v = res.headers[name.toLowerCase()];
                    return Array.isArray(v) ? v[0] : v;
                },
                text: async () => (await read()).toString('utf8'),
                discard: async () => void (await read())
            });
        });
        cr.end(req.body);
    });
}


/***/ }),

/***/ 1045:
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

/***/ 4266:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Rk: () => (/* binding */ isConnectionError),
/* harmony export */   bD: () => (/* binding */ withRetry),
/* harmony export */   g3: () => (/* binding */ pollUntil)
/* harmony export */ });
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);

/**
 * Capped exponential backoff with full jitter: the one retry loop of Offload. Only wrap idempotent
 * calls in this, or calls whose `fn` first makes sure a re-send cannot duplicate (a create that
 * looks its resource up after an ambiguous failure, src/providers/nomad/index.ts register).
 */
async function withRetry(fn, opts) {
    for (let attempt = 1;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (err) {
            const verdict = attempt < opts.attempts ? opts.retryable(err, attempt) : false;
            if (verdict === false || opts.signal?.aborted)
                throw err;
            const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
            const jittered = Math.round(Math.random() * cap);
            const delay = typeof verdict === 'object' ? Math.min(opts.maxDelayMs, Math.max(verdict.afterMs, jittered)) : jittered;
            opts.onRetry?.(err, attempt, delay);
            await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(delay, undefined, { signal: opts.signal });
        }
    }
}
/**
 * Probes until `probe` returns a value (anything but undefined) and returns it; undefined when the
 * attempts or the time run out, for the caller to say what it waited for. The one polling loop of
 * Offload (readiness, destroy and purge verification); a probe that throws ends the poll.
 */
async function pollUntil(probe, opts) {
    const deadline = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : Infinity;
    let delay = opts.delayMs;
    for (let attempt = 1;; attempt++) {
        opts.signal?.throwIfAborted();
        const found = await probe(attempt);
        if (found !== undefined)
            return found;
        const left = deadline - Date.now();
        if ((opts.attempts !== undefined && attempt >= opts.attempts) || left <= 0)
            return undefined;
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(Math.min(delay, left), undefined, { signal: opts.signal });
        delay = Math.min(opts.maxDelayMs ?? Infinity, Math.round(delay * (opts.factor ?? 1)));
    }
}
/** Network-level failures that are safe to retry for idempotent calls. */
function isConnectionError(err) {
    const code = err?.code ?? err?.cause?.code;
    return (typeof code === 'string' &&
        [
            'ECONNRESET',
            'ECONNREFUSED',
            'EPIPE',
            'ETIMEDOUT',
            'UND_ERR_SOCKET',
            'UND_ERR_CONNECT_TIMEOUT',
            'UND_ERR_HEADERS_TIMEOUT',
            'UND_ERR_BODY_TIMEOUT',
            'UND_ERR_CLOSED'
        ].includes(code));
}


/***/ }),

/***/ 3472:
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