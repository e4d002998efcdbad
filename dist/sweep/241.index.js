"use strict";
exports.id = 241;
exports.ids = [241];
exports.modules = {

/***/ 3241:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  nomadSweeper: () => (/* binding */ nomadSweeper)
});

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: ../../src/util/errors.ts
var errors = __webpack_require__(4911);
// EXTERNAL MODULE: ../../src/util/http.ts
var http = __webpack_require__(6028);
// EXTERNAL MODULE: ../../src/util/redact.ts
var redact = __webpack_require__(3705);
// EXTERNAL MODULE: ../../src/util/retry.ts
var retry = __webpack_require__(9376);
;// CONCATENATED MODULE: ../../src/providers/nomad/client.ts





/** A Nomad HTTP answer that was not 2xx. `body` is Nomad's plain-text error, already redacted. */
class NomadApiError extends errors/* ProviderError */.mZ {
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
            : new external_node_http_.Agent({ keepAlive: true });
        return this.agent;
    }
    send(url, req) {
        // It never follows a redirect, so the 3xx comes back to callOnce to judge.
        return (0,http/* httpRequest */.a)(url, {
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
        return (0,retry/* withRetry */.bD)(once, {
            ...this.retry,
            signal: opts.signal,
            retryable: err => {
                if (err instanceof NomadApiError) {
                    if (err.status === 429 || err.status >= 500)
                        return err.retryAfterMs !== undefined ? { afterMs: err.retryAfterMs } : true;
                    return false;
                }
                return (0,retry/* isConnectionError */.Rk)(err) || (0,retry/* isConnectionError */.Rk)(err?.cause);
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
                const e = new errors/* ProviderError */.mZ(`Nomad ${what} at ${this.config.addr} failed: ${(0,redact/* redact */.E$)(err.message)}${describeCause(err)}`, { cause: err });
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
                    throw new NomadApiError(what, res.status, (0,redact/* redact */.E$)(text.slice(0, 300)), 'the answer is not JSON; is nomad-addr a Nomad agent?');
                }
                return { status: res.status, data, index };
            }
            if (opts.accept?.includes(res.status))
                return { status: res.status, data: undefined, index };
            const msg = (opts.errorBodyHasNoUnregisteredSecret ? redact/* redactRegistered */.uM : redact/* redact */.E$)(text.trim().slice(0, 2000));
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
    const msg = c.message ? (0,redact/* redact */.E$)(c.message) : '';
    const code = c.code ? ` [${c.code}]` : '';
    return msg || code ? ` (${msg}${code})` : '';
}

;// CONCATENATED MODULE: ../../src/providers/nomad/purge.ts

/**
 * Purges a job and looks until it is gone (GET → 404): release and the sweep remove a job the
 * same way. Throws what the DELETE or a GET threw; false when the job is still there at the end.
 */
async function purgeAndVerify(client, jobPath, timeoutMs) {
    await client.call('DELETE', jobPath, { query: { purge: true }, idempotent: true, capability: 'submit-job (or purge-job)' });
    const gone = await (0,retry/* pollUntil */.g3)(async () => ((await client.call('GET', jobPath, { idempotent: true, accept: [404], capability: 'read-job' })).status === 404 ? true : undefined), { delayMs: 100, factor: 2, maxDelayMs: 2000, timeoutMs });
    return gone === true;
}

// EXTERNAL MODULE: ../../src/providers/nomad/settings.ts
var settings = __webpack_require__(307);
// EXTERNAL MODULE: ../../src/sweep/marks.ts
var marks = __webpack_require__(2276);
;// CONCATENATED MODULE: ../../src/providers/nomad/marks.ts

/** The sweep's strict reader of the Meta that job.ts ownershipMeta writes. */
/** Nomad job Meta → ownership, when the job is exactly ours (its ID is the lease's remote name). */
function ownershipFromNomadMeta(jobId, meta) {
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
        return undefined;
    const m = meta;
    const str = (k) => (typeof m[k] === 'string' ? m[k] : undefined);
    const managed = str('offload.managed');
    const leaseId = str('offload.lease_id');
    const repository = str('offload.repository');
    const runId = str('offload.run_id');
    const runAttempt = str('offload.run_attempt');
    const job = str('offload.job');
    const expiresAt = str('offload.expires_at');
    if (managed !== 'offload' || leaseId === undefined || (0,marks/* remoteNameOf */.rV)(leaseId) !== jobId)
        return undefined;
    if (repository === undefined || !(0,marks/* isRepository */.Z6)(repository))
        return undefined;
    if (runId === undefined || !(0,marks/* isRunNumber */.Du)(runId))
        return undefined;
    if (runAttempt === undefined || !(0,marks/* isRunNumber */.Du)(runAttempt))
        return undefined;
    if (job === undefined || expiresAt === undefined || !(0,marks/* isIsoTime */.dZ)(expiresAt))
        return undefined;
    return { managed: 'offload', leaseId, repository, runId, runAttempt, job, expiresAt };
}

;// CONCATENATED MODULE: ../../src/providers/nomad/sweeper.ts





/** Offload names every job `offload-<hex of the lease ID>` (src/lifecycle.ts newLease). */
const JOB_PREFIX = 'offload-';
/**
 * Lists the jobs whose ID has Offload's prefix (`GET /v1/jobs?prefix=`, list-jobs) in the
 * configured namespace, reads each one's Meta (`GET /v1/job/:id`, read-job: the list stub has no
 * Meta on older servers) and keeps those whose marks parse. Removal is Offload's release: purge,
 * then `GET` until 404; the purge also stops a still-running allocation.
 */
function nomadSweeper(s) {
    const client = new NomadClient({ addr: s.addr, token: s.token, region: s.region, namespace: s.namespace, tls: s.tls }, (0,settings/* nomadRetryOf */.PC)(s));
    const flags = `${s.namespace ? ` -namespace=${s.namespace}` : ''}${s.region ? ` -region=${s.region}` : ''}`;
    const jobPath = (id) => `/v1/job/${encodeURIComponent(id)}`;
    return {
        async list() {
            const stubs = await client.call('GET', '/v1/jobs', { query: { prefix: JOB_PREFIX }, idempotent: true, capability: 'list-jobs' });
            const resources = [];
            let unmarked = 0;
            for (const stub of Array.isArray(stubs.data) ? stubs.data : []) {
                if (typeof stub?.ID !== 'string' || !stub.ID.startsWith(JOB_PREFIX))
                    continue;
                const id = stub.ID;
                const found = await client.call('GET', jobPath(id), { idempotent: true, accept: [404], capability: 'read-job' });
                if (found.status === 404 || !found.data)
                    continue;
                const owner = ownershipFromNomadMeta(id, found.data.Meta);
                if (!owner || found.data.ID !== id) {
                    unmarked++;
                    continue;
                }
                const submit = found.data.SubmitTime;
                resources.push({
                    name: `Nomad job ${id}`,
                    id,
                    owner,
                    createdAtMs: typeof submit === 'number' && submit > 0 ? Math.floor(submit / 1e6) : undefined,
                    status: typeof found.data.Status === 'string' ? found.data.Status : ''
                });
            }
            return { resources, unmarked };
        },
        async remove(r) {
            try {
                if (await purgeAndVerify(client, jobPath(r.id), (0,settings/* nomadTuningOf */.kd)(s).purgeVerifyTimeoutMs))
                    return { verified: true, detail: `purged (GET ${jobPath(r.id)} → 404)` };
                return { verified: false, detail: 'still registered after the purge' };
            }
            catch (err) {
                return { verified: false, detail: `purge failed: ${(0,errors/* errorMessage */.gJ)(err)}` };
            }
        },
        cleanupCommand: r => `NOMAD_ADDR=${s.addr} nomad job stop -purge${flags} ${r.id}`,
        close: () => client.close()
    };
}


/***/ }),

/***/ 6028:
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

/***/ 9376:
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


/***/ })

};
;