"use strict";
exports.id = 131;
exports.ids = [131];
exports.modules = {

/***/ 56131:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  VAST_DEFAULT_REMOTE_DIR: () => (/* binding */ VAST_DEFAULT_REMOTE_DIR),
  maxLifetimeMs: () => (/* reexport */ maxLifetimeMs),
  readVastSettings: () => (/* reexport */ inputs/* readVastSettings */.Iw),
  vastProvider: () => (/* binding */ vastProvider)
});

// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(37484);
// EXTERNAL MODULE: ./src/util/retry.ts
var retry = __webpack_require__(4266);
// EXTERNAL MODULE: ./src/util/redact.ts
var redact = __webpack_require__(50767);
// EXTERNAL MODULE: ./src/util/units.ts
var units = __webpack_require__(46127);
// EXTERNAL MODULE: ./src/remote/quote.ts
var quote = __webpack_require__(84414);
;// CONCATENATED MODULE: ./src/providers/vast/onstart.ts

/**
 * The instance's `onstart` (≤4096 chars, run by Vast's entrypoint at every container start):
 * turns off the login tmux, and starts the remote-ttl timer in the background. At the deadline
 * (the ownership label's `exp`, epoch s; capped by the TTL when the clock is off) the instance
 * destroys itself with the key Vast injected for it (CONTAINER_API_KEY, limited to this instance,
 * with CONTAINER_ID; shared/reference/vast-api.md §5) through curl, python3 or wget, whichever the
 * image has. No account credential is ever placed on the instance. Without any of them, or when
 * three destroy attempts leave it alive, it stops the container instead: TERM to PID 1 (an init
 * such as tini exits), then KILL to every other process, after which an entrypoint that waits on
 * its children exits too. GPU billing then ends; the stopped instance's storage bills until the
 * sweeper or a person destroys it.
 */
function onstartScript(apiUrl, owner, now = Date.now()) {
    const deadline = Math.floor(Date.parse(owner.expiresAt) / 1000);
    const ttl = Math.max(1, Math.ceil((Date.parse(owner.expiresAt) - now) / 1000));
    const url = `${apiUrl.replace(/\/+$/, '')}/api/v0/instances/`;
    return `touch ~/.no_auto_tmux 2>/dev/null
(
d=${deadline}; t=${ttl}
n=$(date +%s 2>/dev/null) && [ $((d - n)) -lt $t ] && t=$((d - n))
[ $t -gt 0 ] && sleep $t
u=${(0,quote/* shQuote */.US)(url)}"$CONTAINER_ID/"; k=$CONTAINER_API_KEY
x() {
  if command -v curl >/dev/null 2>&1; then curl -fsS -m 30 -X DELETE -H "Authorization: Bearer $k" "$u"
  elif command -v python3 >/dev/null 2>&1; then U=$u K=$k python3 -c 'import os,urllib.request as r;r.urlopen(r.Request(os.environ["U"],method="DELETE",headers={"Authorization":"Bearer "+os.environ["K"]}),timeout=30)'
  elif command -v wget >/dev/null 2>&1; then wget -q -O /dev/null -T 30 --method=DELETE --header="Authorization: Bearer $k" "$u"
  else return 2; fi
}
for i in 1 2 3; do x; [ $? = 2 ] && break; sleep 20; done
kill -TERM 1; sleep 5; kill -KILL -1
) </dev/null >/dev/null 2>&1 &`;
}

// EXTERNAL MODULE: ./node_modules/ssh2/lib/index.js
var lib = __webpack_require__(85472);
;// CONCATENATED MODULE: ./src/providers/vast/ssh-key.ts

/**
 * A per-run ed25519 key pair that ssh2 itself can read back. ssh2 1.17's generateKeyPairSync strips
 * every leading zero byte of the public key, so about 1 key in 256 comes out malformed and the
 * login fails with "Cannot parse privateKey: Malformed OpenSSH private key" (mscdex/ssh2 #1390,
 * #1513). Such a pair is generated again; a fresh pair is malformed with probability 1/256, so
 * eight tries all failing would mean ssh2 itself is broken.
 */
function generateSshKeyPair(comment, generate = () => lib.utils.generateKeyPairSync('ed25519', { comment })) {
    for (let attempt = 0; attempt < 8; attempt++) {
        const keys = generate();
        if (!(lib.utils.parseKey(keys.private) instanceof Error) && !(lib.utils.parseKey(keys.public) instanceof Error))
            return keys;
    }
    throw new Error('ssh2 generated 8 ed25519 key pairs it cannot parse back');
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js
var schemas = __webpack_require__(55156);
// EXTERNAL MODULE: ./src/util/http.ts
var http = __webpack_require__(44098);
// EXTERNAL MODULE: ./src/providers/vast/settings.ts
var vast_settings = __webpack_require__(48008);
// EXTERNAL MODULE: ./src/report/inert.ts
var inert = __webpack_require__(51822);
;// CONCATENATED MODULE: ./src/providers/vast/client.ts








const MAX_BODY = 4 * 1024 * 1024;
const USER_AGENT = 'offload-action (+https://github.com/features/actions)';
/** Extra patterns on top of util/redact: key material and Vast's secret-looking fields. */
const VAST_SECRET_FIELDS = /("?(?:ssh_key|public_key|private_key|privateKey|instance_api_key|instanceApiKey|jupyter_token|jupyterToken|api_key|apiKey|user_data|key)"?\s*[:=]\s*"?)([^"\s,}]+(?: [^"\s,}]+)*)/gi;
const OPENSSH_PUBLIC = /(ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+) AAAA[A-Za-z0-9+/=]+/g;
const SECRET_URL_PARAM = /([?&](?:api_key|instance_api_key|token)=)[^&\s"]+/gi;
function redactVast(text, extra = []) {
    return (0,redact/* redact */.E$)(text, extra).replace(VAST_SECRET_FIELDS, '$1***').replace(OPENSSH_PUBLIC, '$1 ***').replace(SECRET_URL_PARAM, '$1***');
}
class VastApiError extends errors/* ProviderError */.mZ {
    method;
    path;
    status;
    code;
    detail;
    constructor(method, path, status, code, detail, options) {
        super(`Vast API ${method} ${path} ${status === undefined ? 'failed' : `answered ${status}`}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`, options);
        this.method = method;
        this.path = path;
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.name = 'VastApiError';
    }
}
/** A 401, or a 404/403 whose body says the key is bad (some routes answer 404 for a bad key). */
function isAuthError(err) {
    if (!(err instanceof VastApiError))
        return false;
    if (err.status === 401)
        return true;
    if (err.status === 404 || err.status === 403) {
        return err.code === 'auth_error' || /invalid user key|session expired|not authenticated|invalid api key/i.test(err.detail);
    }
    return false;
}
/** The offer is gone (taken by someone else, or no capacity with cancel_unavail). */
function isOfferGone(err) {
    if (!(err instanceof VastApiError))
        return false;
    if (err.status === 410)
        return true;
    return err.status === 404 && (err.code === 'no_such_ask' || /no_such_ask|not available|no longer available/i.test(`${err.code} ${err.detail}`));
}
/**
 * A create error that proves nothing was created: a 4xx other than 408/409/425/429.
 * Everything else (5xx, timeouts, resets, 408/409/425/429, 200 without an id) may have created one.
 */
function isDefiniteCreateError(err) {
    if (!(err instanceof VastApiError) || err.status === undefined)
        return false;
    return err.status >= 400 && err.status < 500 && ![408, 409, 425, 429].includes(err.status);
}
/** A 2xx answer whose shape Offload does not recognise: never read as a fact, asked again. */
const UNRECOGNISED = 'unrecognised_answer';
function isRetryable(err) {
    if (err instanceof VastApiError) {
        if (err.status === undefined)
            return (0,retry/* isConnectionError */.Rk)(err.cause) || isTimeout(err.cause);
        if (err.code === UNRECOGNISED)
            return true;
        return err.status === 429 || err.status === 408 || (err.status >= 500 && err.status <= 599);
    }
    return (0,retry/* isConnectionError */.Rk)(err) || isTimeout(err);
}
/** The request's own deadline (an idle socket is ETIMEDOUT, a connection error). */
function isTimeout(err) {
    return err?.name === 'TimeoutError';
}
// ---------- lenient response decoding ----------
const num = schemas.preprocess(v => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v), schemas.number());
const optNum = num.nullish().catch(undefined);
const optStr = schemas.string().nullish().catch(undefined);
const OfferSchema = schemas.looseObject({
    id: num.optional().catch(undefined),
    ask_contract_id: optNum,
    machine_id: optNum,
    host_id: optNum,
    gpu_name: optStr,
    num_gpus: optNum,
    dph_total: optNum,
    min_bid: optNum,
    gpu_ram: optNum,
    cuda_max_good: optNum,
    geolocation: optStr,
    reliability: optNum,
    reliability2: optNum,
    rentable: schemas.boolean().nullish().catch(undefined),
    rented: schemas.boolean().nullish().catch(undefined)
});
const PortBinding = schemas.looseObject({ HostIp: optStr, HostPort: schemas.union([schemas.string(), schemas.number()]).nullish().catch(undefined) });
const InstanceSchema = schemas.looseObject({
    id: num,
    actual_status: optStr,
    intended_status: optStr,
    cur_state: optStr,
    status_msg: optStr,
    label: optStr,
    ssh_host: optStr,
    ssh_port: optNum,
    public_ipaddr: optStr,
    ports: schemas.record(schemas.string(), schemas.array(PortBinding).nullish()).nullish().catch(undefined),
    image_runtype: optStr,
    dph_total: optNum,
    machine_id: optNum,
    start_date: optNum,
    jupyter_token: optStr
});
function toInstance(raw) {
    const r = InstanceSchema.safeParse(raw);
    if (!r.success)
        return undefined;
    const i = r.data;
    (0,redact/* maskSecret */.$l)(i.jupyter_token ?? undefined);
    const binding = i.ports?.['22/tcp']?.[0];
    const hostPort = binding?.HostPort !== undefined && binding?.HostPort !== null ? Number(binding.HostPort) : undefined;
    return {
        id: i.id,
        actualStatus: i.actual_status ?? null,
        intendedStatus: i.intended_status ?? null,
        statusMsg: (i.status_msg ?? '').trim(),
        label: i.label ?? null,
        sshHost: i.ssh_host || undefined,
        sshPort: i.ssh_port && i.ssh_port > 0 ? i.ssh_port : undefined,
        publicIp: i.public_ipaddr?.trim() || undefined,
        directSshPort: hostPort && Number.isInteger(hostPort) && hostPort > 0 ? hostPort : undefined,
        imageRuntype: i.image_runtype ?? '',
        dphTotal: i.dph_total ?? undefined,
        machineId: i.machine_id ?? undefined,
        startDate: i.start_date ?? undefined
    };
}
function asRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}
/** Instance key list: an array, or a JSON-encoded array string, under ssh_keys/keys/data. */
function decodeKeyList(body) {
    const rec = asRecord(body);
    let list = Array.isArray(body) ? body : (rec.ssh_keys ?? rec.keys ?? rec.data);
    for (let i = 0; i < 2 && typeof list === 'string'; i++) {
        try {
            list = JSON.parse(list);
        }
        catch {
            return [];
        }
    }
    if (!Array.isArray(list))
        return [];
    const out = [];
    for (const item of list) {
        const o = asRecord(item);
        const id = o.id;
        const key = o.public_key ?? o.ssh_key ?? o.key;
        if ((typeof id === 'number' || typeof id === 'string') && typeof key === 'string')
            out.push({ id: String(id), key: key.trim() });
    }
    return out;
}
class VastClient {
    settings;
    signal;
    tuning;
    constructor(settings, signal) {
        this.settings = settings;
        this.signal = signal;
        this.tuning = (0,vast_settings/* tuningOf */.J)(settings);
    }
    get apiUrl() {
        return this.settings.apiUrl;
    }
    /** One request. Throws VastApiError for non-2xx answers, transport failures and `success:false`. */
    async call(method, path, opts) {
        const once = () => this.once(method, path, opts);
        if (!opts.retry)
            return once();
        return this.retrying(method, path, once);
    }
    retrying(method, path, once) {
        return (0,retry/* withRetry */.bD)(once, {
            attempts: this.tuning.retryAttempts,
            baseDelayMs: this.tuning.retryBaseMs,
            maxDelayMs: this.tuning.retryMaxMs,
            signal: this.signal,
            retryable: err => !this.signal?.aborted && isRetryable(err),
            onRetry: (err, attempt, delay) => core.info(`Vast API ${method} ${path}: ${(0,inert/* inert */.t)(shortReason(err))}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1}/${this.tuning.retryAttempts})`)
        });
    }
    async once(method, path, opts) {
        this.signal?.throwIfAborted();
        const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
        const url = `${this.settings.apiUrl}${path}${qs}`;
        const headers = {
            authorization: `Bearer ${this.settings.apiKey}`,
            accept: 'application/json',
            'user-agent': USER_AGENT
        };
        let body;
        if (opts.body !== undefined) {
            body = JSON.stringify(opts.body);
            headers['content-type'] = 'application/json';
        }
        const timeout = AbortSignal.timeout(this.tuning.requestTimeoutMs);
        const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
        let status;
        let text;
        try {
            // node:http, not npm undici: see src/util/http.ts (start-up cost).
            const res = await (0,http/* httpRequest */.a)(url, { method, headers, body, signal, idleTimeoutMs: this.tuning.requestTimeoutMs, maxBodyBytes: MAX_BODY });
            status = res.status;
            text = await res.text();
        }
        catch (err) {
            if (this.signal?.aborted)
                throw err;
            const reason = timeout.aborted
                ? `timed out after ${this.tuning.requestTimeoutMs} ms`
                : redactVast(err.message ?? String(err), [this.settings.apiKey]);
            throw new VastApiError(method, path, undefined, err.code, reason, {
                cause: timeout.aborted ? Object.assign(new Error('timeout'), { name: 'TimeoutError' }) : err
            });
        }
        let json;
        try {
            json = text.trim() ? JSON.parse(text) : {};
        }
        catch {
            json = undefined;
        }
        if (status < 200 || status >= 300) {
            const rec = asRecord(json);
            const code = typeof rec.error === 'string' ? rec.error : undefined;
            const msg = [rec.msg, rec.message, rec.detail].find(v => typeof v === 'string');
            const detail = redactVast((msg ?? (json === undefined ? text : JSON.stringify(json))).trim().slice(0, 800), [this.settings.apiKey]);
            throw new VastApiError(method, path, status, code, detail);
        }
        if (json === undefined)
            throw new VastApiError(method, path, status, 'bad_response', `not JSON: ${redactVast(text.slice(0, 200), [this.settings.apiKey])}`);
        const rec = asRecord(json);
        if (rec.success === false) {
            const msg = [rec.msg, rec.message, rec.error].find(v => typeof v === 'string');
            throw new VastApiError(method, path, status, typeof rec.error === 'string' ? rec.error : 'unsuccessful', redactVast(msg ?? '', [this.settings.apiKey]));
        }
        return json;
    }
    // ---------- endpoints ----------
    /** GET /api/v0/users/current/ — picks only the id (the object also carries the account's api_key). */
    async currentUserId() {
        const body = asRecord(await this.call('GET', '/api/v0/users/current/', { retry: true }));
        const id = body.id;
        return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
    }
    async searchOffers(query) {
        const body = await this.call('POST', '/api/v0/bundles/', { body: query, retry: true });
        const rec = asRecord(body);
        const list = Array.isArray(body) ? body : (rec.offers ?? rec.bundles ?? rec.data ?? rec.results);
        if (!Array.isArray(list))
            return [];
        const out = [];
        for (const raw of list) {
            const r = OfferSchema.safeParse(raw);
            if (!r.success)
                continue;
            const o = r.data;
            const id = o.ask_contract_id ?? o.id;
            if (id === undefined || id === null)
                continue;
            out.push({
                id,
                machineId: o.machine_id ?? undefined,
                gpuName: o.gpu_name ?? undefined,
                numGpus: o.num_gpus ?? undefined,
                dphTotal: o.dph_total ?? undefined,
                minBid: o.min_bid ?? undefined,
                gpuRam: o.gpu_ram ?? undefined,
                cudaMaxGood: o.cuda_max_good ?? undefined,
                geolocation: o.geolocation ?? undefined,
                reliability: o.reliability ?? o.reliability2 ?? undefined,
                rentable: o.rentable ?? undefined,
                rented: o.rented ?? undefined,
                raw: raw
            });
        }
        return out;
    }
    /** PUT /api/v0/asks/{id}/ — never retried here; the caller resolves ambiguity by label. */
    async createInstance(offerId, body) {
        const path = `/api/v0/asks/${offerId}/`;
        const res = asRecord(await this.call('PUT', path, { body, retry: false }));
        if (typeof res.instance_api_key === 'string')
            (0,redact/* maskSecret */.$l)(res.instance_api_key);
        const inst = asRecord(res.instance);
        const id = Number(inst.id ?? res.new_contract);
        if (!Number.isInteger(id) || id <= 0)
            throw new VastApiError('PUT', path, 200, 'no_new_contract', 'the answer carried no new_contract id');
        return { id };
    }
    /**
     * GET /api/v0/instances/{id}/ — undefined when gone: only `{"instances": null}`,
     * `{"instances": []}` or a 404 say so (shared/reference/vast-api.md §6). Any other answer (`{}`,
     * a list without this instance, an object that is not an instance) is not evidence either way:
     * it is asked again, and then thrown, so release never skips a DELETE on a misread answer.
     */
    async getInstance(id) {
        const path = `/api/v0/instances/${id}/`;
        return this.retrying('GET', path, async () => {
            let body;
            try {
                body = await this.once('GET', path, { retry: false });
            }
            catch (err) {
                if (err instanceof VastApiError && err.status === 404 && !isAuthError(err))
                    return undefined;
                throw err;
            }
            const rec = asRecord(body);
            let one = 'instances' in rec ? rec.instances : 'instance' in rec ? rec.instance : String(rec.id) === String(id) ? rec : undefined;
            if (one === null || (Array.isArray(one) && one.length === 0))
                return undefined;
            if (Array.isArray(one))
                one = one.find(i => String(asRecord(i).id) === String(id));
            const inst = one === undefined ? undefined : toInstance(one);
            if (!inst || String(inst.id) !== String(id)) {
                const shape = redactVast(JSON.stringify(body) ?? String(body), [this.settings.apiKey]).slice(0, 120);
                throw new VastApiError('GET', path, 200, UNRECOGNISED, `an answer that is neither instance ${id} nor "gone": ${shape}`);
            }
            return inst;
        });
    }
    /** Every instance whose label is exactly `label` (server-side filter, checked again here), all pages. */
    async listInstancesByLabel(label) {
        const out = [];
        let token;
        for (let page = 0; page < 400; page++) {
            const query = {
                select_filters: JSON.stringify({ label: { eq: label } }),
                order_by: JSON.stringify([{ col: 'id', dir: 'asc' }]),
                limit: '25'
            };
            if (token)
                query.after_token = token;
            const rec = asRecord(await this.call('GET', '/api/v1/instances/', { query, retry: true }));
            const list = rec.instances ?? rec.data ?? rec.results;
            if (Array.isArray(list)) {
                for (const raw of list) {
                    const inst = toInstance(raw);
                    if (inst && inst.label === label && !out.some(o => o.id === inst.id))
                        out.push(inst);
                }
            }
            const next = rec.next_token;
            if (typeof next !== 'string' || next === '' || next === token)
                return out;
            token = next;
        }
        throw new errors/* ProviderError */.mZ('Vast API GET /api/v1/instances/: paging did not end after 400 pages');
    }
    async setState(id, state) {
        await this.call('PUT', `/api/v0/instances/${id}/`, { body: { state }, retry: true });
    }
    /** DELETE /api/v0/instances/{id}/; 404 means it was already gone. */
    async destroyInstance(id) {
        try {
            await this.call('DELETE', `/api/v0/instances/${id}/`, { body: {}, retry: true });
            return 'destroyed';
        }
        catch (err) {
            if (err instanceof VastApiError && err.status === 404 && !isAuthError(err))
                return 'gone';
            throw err;
        }
    }
    /** Attach a public key to one instance; returns the key id when the answer or the key list gives it. */
    async attachSshKey(id, publicKey) {
        const want = publicKey.trim();
        const res = asRecord(await this.call('POST', `/api/v0/instances/${id}/ssh/`, { body: { ssh_key: want }, retry: true }));
        const key = res.key;
        const keyRec = asRecord(key);
        if (keyRec.id !== undefined && (typeof keyRec.id === 'number' || typeof keyRec.id === 'string'))
            return String(keyRec.id);
        if (typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key)))
            return String(key);
        const listed = await this.listSshKeys(id).catch(() => []);
        return listed.find(k => k.key === want)?.id;
    }
    async listSshKeys(id) {
        return decodeKeyList(await this.call('GET', `/api/v0/instances/${id}/ssh/`, { retry: true }));
    }
    async detachSshKey(id, keyId) {
        try {
            await this.call('DELETE', `/api/v0/instances/${id}/ssh/${keyId}/`, { body: {}, retry: true });
        }
        catch (err) {
            if (err instanceof VastApiError && err.status === 404 && !isAuthError(err))
                return;
            throw err;
        }
    }
}
function shortReason(err) {
    if (err instanceof VastApiError)
        return err.status === undefined ? err.detail : `${err.status}${err.code ? ` ${err.code}` : ''}`;
    return err?.message ?? String(err);
}

// EXTERNAL MODULE: ./src/providers/vast/lease-data.ts
var lease_data = __webpack_require__(76204);
// EXTERNAL MODULE: ./src/providers/vast/regions.ts
var regions = __webpack_require__(16464);
;// CONCATENATED MODULE: ./src/providers/vast/offers.ts




/** vast-gpu-ram is GB; the API's gpu_ram is MB, and vast-cli converts with x1000 (api/query.py offers_mult). */
const MB_PER_GB = 1000;
const MARKET_DEFAULTS = {
    verified: { eq: true },
    rentable: { eq: true },
    rented: { eq: false },
    external: { eq: false },
    direct_port_count: { gte: 1 }
};
/** The POST /api/v0/bundles/ body for the settings (filters, price cap, storage, order, rental type). */
function offerQuery(vs, kind = vs.interruptible ? 'bid' : 'on-demand', limit = 20) {
    const q = {
        ...MARKET_DEFAULTS,
        num_gpus: { eq: vs.gpuCount },
        reliability: { gte: vs.minReliability },
        dph_total: { lte: vs.maxPricePerHour }
    };
    if (vs.gpuNames.length)
        q.gpu_name = { in: vs.gpuNames };
    if (vs.gpuRamGb !== undefined)
        q.gpu_ram = { gte: Math.round(vs.gpuRamGb * MB_PER_GB) };
    if (vs.minCuda !== undefined)
        q.cuda_max_good = { gte: vs.minCuda };
    if (vs.regions.length)
        q.geolocation = { in: vs.regions };
    Object.assign(q, vs.offerFilters);
    return withControls(q, vs, kind, limit);
}
/**
 * Control keys after the user's filters: the run's own disk and rental type win, and a user filter
 * can narrow dph_total but never lift the cap (offers above it are dropped anyway).
 */
function withControls(q, vs, kind, limit) {
    q.order = vs.offerFilters.order ?? vs.order;
    q.type = kind;
    q.limit = typeof vs.offerFilters.limit === 'number' ? vs.offerFilters.limit : limit;
    q.allocated_storage = vs.diskGb;
    return q;
}
/** The hourly price of an offer rented as `kind`, or undefined when it cannot be priced. */
function priceOffer(o, vs, kind) {
    if (o.dphTotal === undefined)
        return undefined;
    if (kind === 'on-demand')
        return { offer: o, kind, pricePerHour: o.dphTotal };
    if (o.minBid === undefined || !(o.minBid > 0))
        return undefined;
    const bidPrice = Math.round(o.minBid * vs.bidMargin * 10_000) / 10_000;
    // A bid search prices dph_total at min_bid plus storage (reference/vast-api.md §4): swap the floor for the bid.
    return { offer: o, kind, bidPrice, pricePerHour: Math.max(bidPrice, o.dphTotal - o.minBid + bidPrice) };
}
const OPS = {
    eq: (a, b) => a === b,
    neq: (a, b) => a !== b,
    gt: (a, b) => a > b,
    gte: (a, b) => a >= b,
    lt: (a, b) => a < b,
    lte: (a, b) => a <= b,
    in: (a, b) => Array.isArray(b) && b.includes(a),
    notin: (a, b) => Array.isArray(b) && !b.includes(a)
};
/** Every input that can remove an offer, as a client-side check (a field the offer lacks passes). */
function offerChecks(vs, spentUsd) {
    const checks = [
        { input: 'vast-gpu', keep: p => !vs.gpuNames.length || p.offer.gpuName === undefined || vs.gpuNames.includes(p.offer.gpuName) },
        { input: 'vast-gpu-count', keep: p => p.offer.numGpus === undefined || p.offer.numGpus === vs.gpuCount },
        { input: 'vast-min-reliability', keep: p => p.offer.reliability === undefined || p.offer.reliability >= vs.minReliability },
        { input: 'vast-gpu-ram', keep: p => vs.gpuRamGb === undefined || p.offer.gpuRam === undefined || p.offer.gpuRam >= vs.gpuRamGb * MB_PER_GB },
        { input: 'vast-cuda', keep: p => vs.minCuda === undefined || p.offer.cudaMaxGood === undefined || p.offer.cudaMaxGood >= vs.minCuda },
        { input: 'vast-region', keep: p => !vs.regions.length || vs.regions.includes((0,regions/* countryOf */.mq)(p.offer.geolocation) ?? '') }
    ];
    const userFilters = Object.entries(vs.offerFilters).filter(([k]) => !['order', 'type', 'limit', 'allocated_storage'].includes(k));
    if (userFilters.length) {
        checks.push({
            input: 'vast-offer-filters',
            keep: p => userFilters.every(([field, cond]) => {
                if (!(field in p.offer.raw))
                    return true;
                return Object.entries(cond).every(([op, v]) => OPS[op]?.(p.offer.raw[field], v) ?? true);
            })
        });
    }
    checks.push({ input: 'vast-max-price', keep: p => p.pricePerHour <= vs.maxPricePerHour });
    if (vs.maxCostUsd !== undefined) {
        const cap = vs.maxCostUsd;
        checks.push({ input: 'vast-max-cost', keep: p => spentUsd + (p.pricePerHour * vs.readyTimeoutMs) / 3_600_000 <= cap });
    }
    return checks;
}
/**
 * Applies every check client-side to what the search returned (the server applies the same
 * filters, but the caps are enforced here whatever it let through). Sequential: each removed
 * offer is counted once, against the first input that rejects it.
 */
function selectOffers(found, vs, kind, spentUsd = 0) {
    const removed = new Map();
    const bump = (k) => void removed.set(k, (removed.get(k) ?? 0) + 1);
    const checks = offerChecks(vs, spentUsd);
    const offers = [];
    for (const o of found) {
        if (o.rentable === false || o.rented === true) {
            bump('not rentable');
            continue;
        }
        const priced = priceOffer(o, vs, kind);
        if (!priced) {
            bump(kind === 'bid' ? 'no min_bid (vast-interruptible)' : 'no price');
            continue;
        }
        const failed = checks.find(c => !c.keep(priced));
        if (failed)
            bump(failed.input);
        else
            offers.push(priced);
    }
    const parts = [...removed].map(([k, n]) => `${k} removed ${n}`);
    const summary = `Vast offer search (${kind}): ${found.length} returned${parts.length ? `; ${parts.join(', ')}` : ''}; ${offers.length} left`;
    return { offers, summary };
}
/**
 * When nothing is left: one broader search (the marketplace defaults and the rental type only) and,
 * client-side, how many of those offers each input removes on its own, so the error says which
 * input to loosen.
 */
async function explainNoOffer(client, vs, kind, spentUsd) {
    let broad;
    try {
        broad = await client.searchOffers(withControls({ ...MARKET_DEFAULTS }, vs, kind, 64));
    }
    catch (err) {
        return `a broader search to count what each input removes failed (${err.message})`;
    }
    const priced = broad.map(o => priceOffer(o, vs, kind)).filter((p) => p !== undefined);
    if (!priced.length)
        return `a broader search (no filter but the marketplace defaults, ${kind}) found ${broad.length} priced offers either`;
    const counts = offerChecks(vs, spentUsd)
        .map(c => ({ input: c.input, n: priced.filter(p => !c.keep(p)).length }))
        .filter(c => c.n > 0)
        .sort((a, b) => b.n - a.n);
    return (`of the ${priced.length} offers a broader search returned (marketplace defaults only, ${kind}), ` +
        (counts.length ? counts.map(c => `${c.input} removes ${c.n}`).join(', ') : 'no single input removes any (together they remove all)'));
}
function describeWanted(vs, kind) {
    return [
        vs.gpuNames.length ? `gpu ${vs.gpuNames.join(' | ')}` : 'any gpu',
        `x${vs.gpuCount}`,
        kind === 'bid' ? `interruptible at min_bid x ${vs.bidMargin}` : 'on-demand',
        `at most $${vs.maxPricePerHour}/h`,
        vs.maxCostUsd !== undefined ? `at most $${vs.maxCostUsd} per lease` : '',
        `reliability >= ${vs.minReliability}`,
        vs.gpuRamGb !== undefined ? `>= ${vs.gpuRamGb} GB per GPU` : '',
        vs.minCuda !== undefined ? `CUDA >= ${vs.minCuda}` : '',
        vs.regions.length ? `region ${vs.regionText}` : '',
        `${vs.diskGb} GB disk`,
        Object.keys(vs.offerFilters).length ? `filters ${JSON.stringify(vs.offerFilters)}` : ''
    ]
        .filter(Boolean)
        .join(', ');
}
/** Searches, filters and logs; throws a ProviderError naming the inputs to loosen when nothing is left. */
async function findOffers(client, vs, kind, spentUsd = 0) {
    const found = await client.searchOffers(offerQuery(vs, kind));
    const { offers, summary } = selectOffers(found, vs, kind, spentUsd);
    core.info(summary);
    if (offers.length)
        return offers;
    const why = await explainNoOffer(client, vs, kind, spentUsd);
    const capNote = vs.maxCostUsd !== undefined
        ? ` vast-max-cost skips an offer whose price would spend the cap ($${vs.maxCostUsd}${spentUsd ? `, $${spentUsd.toFixed(4)} already spent` : ''}) within vast-ready-timeout (${(0,units/* formatMs */._V)(vs.readyTimeoutMs)}).`
        : '';
    throw new errors/* ProviderError */.mZ(`No Vast offer matches ${describeWanted(vs, kind)} (${summary.replace(/^Vast offer search \([^)]*\): /, '')}); ${why}.${capNote} ` +
        "Loosen the input that removes the most (e.g. raise 'vast-max-price', widen 'vast-gpu', lower 'vast-min-reliability'). Nothing was rented.");
}
/** How long the cap lets an instance at this price run, after what the lease already spent. */
function budgetMs(vs, pricePerHour, spentUsd) {
    if (vs.maxCostUsd === undefined || !(pricePerHour > 0))
        return undefined;
    return Math.max(0, Math.floor(((vs.maxCostUsd - spentUsd) / pricePerHour) * 3_600_000));
}

;// CONCATENATED MODULE: ./src/providers/vast/cost.ts
const HOUR_MS = 3_600_000;
/** The job summary's cost table: one row per instance the lease created, oldest first. */
function costRowsOf(records, now = Date.now()) {
    return Object.entries(records)
        .sort(([, a], [, b]) => a.createdAt - b.createdAt)
        .map(([id, r]) => {
        const runningMs = Math.max(0, (r.destroyedAt ?? now) - r.createdAt);
        const notes = [r.interruptedAt !== undefined ? 'outbid' : '', r.destroyedAt !== undefined ? 'destroyed' : 'still exists'];
        return {
            resourceId: id,
            type: r.kind === 'bid' ? `interruptible (bid $${r.bidPrice ?? '?'}/h)` : 'on-demand',
            ...(r.gpuName ? { gpu: `${r.gpuName}${r.numGpus && r.numGpus > 1 ? ` x${r.numGpus}` : ''}` } : {}),
            createdAt: r.createdAt,
            runningMs,
            ...(r.dphTotal !== undefined ? { pricePerHour: r.dphTotal, costUsd: Math.round(((r.dphTotal * runningMs) / HOUR_MS) * 10_000) / 10_000 } : {}),
            note: notes.filter(Boolean).join(', ')
        };
    });
}
/** The records with the end time release saw for each instance it destroyed. */
function withEnds(records, ends) {
    const out = { ...records };
    for (const e of ends) {
        const r = out[e.id];
        if (r && r.destroyedAt === undefined && e.verified && e.endedAt !== undefined)
            out[e.id] = { ...r, destroyedAt: e.endedAt };
    }
    return out;
}

;// CONCATENATED MODULE: ./src/providers/vast/release.ts








function manualDestroy(ids, apiUrl) {
    if (!ids.length)
        return `vastai show instances  # then: vastai destroy instance <id> for the instance labelled by this run`;
    return ids
        .map(id => `vastai destroy instance ${id}   # or: curl -X DELETE -H "Authorization: Bearer $VAST_API_KEY" ${apiUrl}/api/v0/instances/${id}/`)
        .join('\n');
}
/**
 * Destroy one instance and confirm it is gone (null, [] or 404 all mean gone), re-sending the
 * DELETE now and then. Refuses an instance whose label is not this lease's.
 */
async function destroyAndVerify(client, id, label, t, keyId) {
    const sid = String(id);
    let inst = await client.getInstance(sid);
    if (!inst)
        return { id: sid, verified: true, detail: `instance ${sid} already gone`, endedAt: Date.now() };
    if (label && inst.label && inst.label !== label) {
        return { id: sid, verified: false, detail: `instance ${sid} carries label '${inst.label}', not this run's; left untouched`, instance: inst };
    }
    const seen = inst;
    if (keyId) {
        await client
            .detachSshKey(sid, keyId)
            .catch(err => core.info(`Detaching the run's SSH key from Vast instance ${sid} failed (${(0,inert/* inert */.t)((0,errors/* errorMessage */.gJ)(err))}); destroying anyway`));
    }
    // The destroy is re-sent every third look: a DELETE Vast accepted may still not take.
    const gone = await (0,retry/* pollUntil */.g3)(async (attempt) => {
        if (attempt % 3 === 1 && (await client.destroyInstance(sid)) === 'gone')
            return true;
        inst = await client.getInstance(sid);
        return inst ? undefined : true;
    }, { attempts: t.verifyAttempts, delayMs: t.verifyIntervalMs });
    if (gone)
        return { id: sid, verified: true, detail: `instance ${sid} destroyed`, endedAt: Date.now(), instance: seen };
    return { id: sid, verified: false, detail: `instance ${sid} still listed after destroy (status ${inst?.actualStatus ?? '?'})`, instance: seen };
}
async function stopAndVerify(client, id, label, t, keyId) {
    let inst = await client.getInstance(id);
    if (!inst)
        return { id, verified: true, detail: `instance ${id} already gone`, endedAt: Date.now() };
    if (label && inst.label && inst.label !== label) {
        return { id, verified: false, detail: `instance ${id} carries label '${inst.label}', not this run's; left untouched`, instance: inst };
    }
    const seen = inst;
    if (keyId)
        await client.detachSshKey(id, keyId).catch(() => undefined);
    const outcome = await (0,retry/* pollUntil */.g3)(async (attempt) => {
        if (attempt % 3 === 1)
            await client.setState(id, 'stopped');
        inst = await client.getInstance(id);
        if (!inst)
            return 'gone';
        return inst.intendedStatus === 'stopped' && inst.actualStatus !== 'running' ? 'stopped' : undefined;
    }, { attempts: t.verifyAttempts, delayMs: t.verifyIntervalMs });
    if (outcome === 'gone')
        return { id, verified: true, detail: `instance ${id} is gone`, endedAt: Date.now(), instance: seen };
    if (outcome === 'stopped') {
        return { id, verified: true, detail: `instance ${id} stopped (storage keeps billing until it is destroyed)`, endedAt: Date.now(), instance: seen };
    }
    return { id, verified: false, detail: `instance ${id} did not stop (status ${inst?.actualStatus ?? '?'})`, instance: seen };
}
function costOf(records, results) {
    let total = 0;
    let any = false;
    const now = Date.now();
    const ids = new Set([...Object.keys(records), ...results.map(r => r.id)]);
    for (const id of ids) {
        const rec = records[id];
        const res = results.find(r => r.id === id);
        const dph = rec?.dphTotal ?? res?.instance?.dphTotal;
        const start = rec?.createdAt ?? (res?.instance?.startDate ? res.instance.startDate * 1000 : undefined);
        const end = rec?.destroyedAt ?? res?.endedAt ?? now;
        if (dph === undefined || start === undefined)
            continue;
        any = true;
        total += (dph * Math.max(0, end - start)) / 3_600_000;
    }
    return any ? Math.round(total * 10_000) / 10_000 : undefined;
}
async function releaseVast(ctx) {
    const vs = ctx.settings;
    const t = (0,vast_settings/* tuningOf */.J)(vs);
    const data = (0,lease_data/* readLeaseData */.f)(ctx.lease);
    const records = data.vastInstances ?? {};
    const label = data.vastLabel;
    const client = new VastClient(vs);
    const current = ctx.lease.resourceId;
    const ids = new Set(Object.entries(records)
        .filter(([, r]) => r.destroyedAt === undefined)
        .map(([id]) => id));
    if (current)
        ids.add(current);
    if (!ids.size && !label)
        return { verified: true, detail: 'no Vast instance was created', costUsd: costOf(records, []) };
    if (!vs.apiKey) {
        return {
            verified: false,
            detail: `no API key to destroy the instance with: input 'vast-api-key' and VAST_API_KEY are empty in the post step`,
            manualCleanup: ids.size
                ? manualDestroy([...ids], vs.apiUrl)
                : `vastai show instances  # destroy the one labelled '${label}' with: vastai destroy instance <id>`,
            costUsd: costOf(records, [])
        };
    }
    const results = [];
    const handled = new Set();
    const releaseOne = async (id, stop) => {
        handled.add(id);
        try {
            results.push(stop
                ? await stopAndVerify(client, id, label, t, data.vastSshKeyId)
                : await destroyAndVerify(client, id, label, t, id === current ? data.vastSshKeyId : undefined));
        }
        catch (err) {
            const why = isAuthError(err) ? `the API key (input 'vast-api-key') was rejected: ${(0,errors/* errorMessage */.gJ)(err)}` : (0,errors/* errorMessage */.gJ)(err);
            results.push({ id, verified: false, detail: `instance ${id}: ${why}` });
        }
    };
    // The instance main ran on: stopped when asked to, otherwise destroyed. Every other one is destroyed.
    const stopId = vs.release === 'stop' ? (current ?? undefined) : undefined;
    for (const id of ids)
        await releaseOne(id, id === stopId);
    // Sweep by the exact label: finds the instance when state has no ID (main killed right after
    // create) and any duplicate left by an ambiguous create. Touches nothing else.
    let sweepError;
    if (label) {
        try {
            const found = await client.listInstancesByLabel(label);
            const extra = found.filter(i => !handled.has(String(i.id)));
            const keepStopped = vs.release === 'stop' && !stopId && extra.length ? String(extra[extra.length - 1].id) : undefined;
            for (const inst of extra)
                await releaseOne(String(inst.id), String(inst.id) === keepStopped);
        }
        catch (err) {
            sweepError = isAuthError(err) ? `the API key (input 'vast-api-key') was rejected: ${(0,errors/* errorMessage */.gJ)(err)}` : (0,errors/* errorMessage */.gJ)(err);
        }
    }
    const costUsd = costOf(records, results);
    const costRows = costRowsOf(withEnds(records, results));
    const failed = results.filter(r => !r.verified);
    if (!results.length && sweepError) {
        return {
            verified: false,
            detail: `could not look up the Vast instance labelled '${label}': ${sweepError}`,
            manualCleanup: `vastai show instances  # destroy the one labelled '${label}' with: vastai destroy instance <id>`,
            costUsd,
            costRows
        };
    }
    if (sweepError)
        core.warning(`Could not check for other Vast instances labelled '${label}': ${(0,inert/* inert */.t)(sweepError)}`);
    const stopped = results.find(r => r.verified && r.id === (stopId ?? '') && /stopped/.test(r.detail));
    if (stopped) {
        core.warning(`vast-release is 'stop': Vast instance ${stopped.id} is stopped, not destroyed. Its storage keeps billing (often at a higher rate than while running) until you destroy it: vastai destroy instance ${stopped.id}`);
    }
    const detail = results.length ? results.map(r => r.detail).join('; ') : `no Vast instance labelled '${label}' exists`;
    if (failed.length) {
        return {
            verified: false,
            detail,
            manualCleanup: manualDestroy(failed.map(f => f.id), vs.apiUrl),
            costUsd,
            costRows
        };
    }
    return { verified: true, detail: `Vast: ${detail}`, costUsd, costRows };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/remote/shell.ts
var shell = __webpack_require__(50648);
// EXTERNAL MODULE: ./src/util/memory.ts
var memory = __webpack_require__(11045);
;// CONCATENATED MODULE: ./src/providers/vast/ssh-tuning.ts

/**
 * ssh2's AES-GCM without its optional native binding (dist/ never ships it: scripts/build.sh) makes a new Cipheriv/Decipheriv per packet from the raw key
 * Buffer, and Node 24 turns a Buffer key into a key object each time: 22 µs a 32 KiB packet, ~0.55 s
 * of the main thread in the bench's 200 MB SSH sync (--cpu-prof: getKeyObjectSlots, getSlots);
 * from a KeyObject it takes 1.5 µs. Nothing changes on the wire. Called on ssh2's `handshake`
 * event, which it emits once the new ciphers of a key exchange (the first, and every rekey) are in place.
 */
function useKeyObjects(client) {
    const protocol = client._protocol;
    swapKey(protocol?._cipher, '_encKey');
    swapKey(protocol?._decipher, '_decipherKey');
}
function swapKey(cipher, field) {
    const sslName = field === '_encKey' ? cipher?._encSSLName : cipher?._decipherSSLName;
    const key = cipher?.[field];
    // Only ssh2's AES-GCM fallback classes have these fields (the binding's keep their key natively).
    if (!cipher || !Buffer.isBuffer(key) || !/-gcm$/.test(sslName ?? ''))
        return;
    cipher[field] = (0,external_node_crypto_.createSecretKey)(key);
}

;// CONCATENATED MODULE: ./src/providers/vast/ssh.ts







function describeEndpoint(e) {
    return `${e.kind} ${e.host}:${e.port}`;
}
/** OpenSSH-style fingerprint of a raw host key blob. */
function fingerprint(key) {
    return `SHA256:${(0,external_node_crypto_.createHash)('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}
/**
 * An instance's host key: the first one its sshd presents (in the key exchange, before
 * authentication) is pinned and enforced on every later connection to that instance. Never read
 * from or written to a known_hosts file; README → Security says what this does and does not stop.
 */
class HostKeyPin {
    pinned;
    /** A `lease:` step starts from the key the owner pinned (its base64, from the lease record). */
    constructor(pinned) {
        this.pinned = pinned;
    }
    get fingerprint() {
        return this.pinned ? fingerprint(this.pinned) : undefined;
    }
    get keyBase64() {
        return this.pinned?.toString('base64');
    }
    /** True when the key is the pinned one (or the first one seen, which it then pins). */
    accept(key) {
        if (!this.pinned) {
            this.pinned = Buffer.from(key);
            return true;
        }
        return this.pinned.equals(key);
    }
}
class HostKeyMismatchError extends shell/* TransportError */.w {
    constructor(endpoint, expected, seen) {
        super(`SSH host key of ${describeEndpoint(endpoint)} changed during this run (pinned ${expected}, now ${seen}); ` +
            'refusing to connect: the address may now belong to another machine');
        this.name = 'HostKeyMismatchError';
    }
}
/** Opens one authenticated SSH connection, enforcing the host-key pin. */
function connectSsh(endpoint, opts, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(new shell/* TransportError */.w('SSH connect aborted', { cause: signal.reason }));
        const client = new lib.Client();
        let mismatch;
        let settled = false;
        const done = (err) => {
            if (settled)
                return;
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            if (err) {
                client.removeAllListeners('ready');
                client.on('error', () => undefined);
                client.destroy();
                reject(err);
            }
            else {
                resolve(client);
            }
        };
        const onAbort = () => done(new shell/* TransportError */.w('SSH connect aborted', { cause: signal?.reason }));
        signal?.addEventListener('abort', onAbort, { once: true });
        // After every key exchange (the first and each rekey): the new ciphers' keys as KeyObjects.
        client.on('handshake', () => useKeyObjects(client));
        client.once('ready', () => done());
        client.on('error', err => done(mismatch ?? new shell/* TransportError */.w(`SSH to ${describeEndpoint(endpoint)} failed: ${(0,redact/* redact */.E$)(err.message)}`, { cause: err })));
        client.once('close', () => done(mismatch ?? new shell/* TransportError */.w(`SSH to ${describeEndpoint(endpoint)} closed during the handshake`)));
        try {
            client.connect({
                host: endpoint.host,
                port: endpoint.port,
                username: opts.username,
                privateKey: opts.privateKey,
                readyTimeout: opts.connectTimeoutMs,
                keepaliveInterval: opts.keepaliveIntervalMs,
                keepaliveCountMax: 4,
                hostVerifier: (key) => {
                    const before = opts.pin.fingerprint;
                    if (opts.pin.accept(key))
                        return true;
                    mismatch = new HostKeyMismatchError(endpoint, before ?? '?', fingerprint(key));
                    return false;
                }
            });
            // ssh2's small WINDOW_ADJUST packets otherwise wait behind Nagle for the peer's delayed ACK
            // (~40 ms each): relaying 200 MB took 0.3-1.9 s at random, 0.27-0.42 s without (bench/).
            client.setNoDelay(true);
        }
        catch (err) {
            done(new shell/* TransportError */.w(`SSH to ${describeEndpoint(endpoint)} failed: ${(0,redact/* redact */.E$)(err.message)}`, { cause: err }));
        }
    });
}
/** Linux signal numbers (the remote is Linux whatever the local OS). */
const SIGNALS = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGILL: 4,
    SIGTRAP: 5,
    SIGABRT: 6,
    SIGBUS: 7,
    SIGFPE: 8,
    SIGKILL: 9,
    SIGUSR1: 10,
    SIGSEGV: 11,
    SIGUSR2: 12,
    SIGPIPE: 13,
    SIGALRM: 14,
    SIGTERM: 15,
    SIGSTKFLT: 16,
    SIGCHLD: 17,
    SIGCONT: 18,
    SIGSTOP: 19,
    SIGTSTP: 20,
    SIGTTIN: 21,
    SIGTTOU: 22,
    SIGURG: 23,
    SIGXCPU: 24,
    SIGXFSZ: 25,
    SIGVTALRM: 26,
    SIGPROF: 27,
    SIGWINCH: 28,
    SIGIO: 29,
    SIGPWR: 30,
    SIGSYS: 31
};
function signalExitCode(name) {
    const n = name ? SIGNALS[name.startsWith('SIG') ? name : `SIG${name}`] : undefined;
    return 128 + (n ?? 0);
}
/**
 * RemoteShell over SSH exec channels. One connection, reused for every command; reconnected
 * (through the endpoints in order, host key pinned) if it drops.
 */
class SshShell {
    endpoints;
    opts;
    conn;
    closed = false;
    constructor(endpoints, opts, initial) {
        this.endpoints = endpoints;
        this.opts = opts;
        if (initial)
            this.adopt(initial);
    }
    get hostKeyFingerprint() {
        return this.opts.pin.fingerprint;
    }
    adopt(client) {
        const p = Promise.resolve(client);
        this.conn = p;
        const drop = () => {
            if (this.conn === p)
                this.conn = undefined;
        };
        client.on('close', drop);
        client.on('end', drop);
        client.on('error', drop);
        return p;
    }
    async connection(signal) {
        if (this.closed)
            throw new shell/* TransportError */.w('SSH shell is closed');
        if (this.conn)
            return this.conn;
        let lastErr;
        for (const ep of this.endpoints) {
            try {
                const client = await connectSsh(ep, this.opts, signal);
                return this.adopt(client);
            }
            catch (err) {
                if (err instanceof HostKeyMismatchError || signal?.aborted)
                    throw err;
                lastErr = err;
            }
        }
        throw lastErr instanceof shell/* TransportError */.w ? lastErr : new shell/* TransportError */.w(`SSH connection failed: ${String(lastErr)}`, { cause: lastErr });
    }
    async exec(req) {
        if (req.signal?.aborted)
            throw new shell/* TransportError */.w('SSH exec aborted before it started', { cause: req.signal.reason });
        const client = await this.connection(req.signal);
        const command = (0,quote/* shJoin */.q9)(req.argv);
        return new Promise((resolve, reject) => {
            let settled = false;
            let channel;
            let exitCode;
            let stopFeeding;
            const cleanup = () => {
                req.signal?.removeEventListener('abort', onAbort);
                client.removeListener('close', onConnClose);
                stopFeeding?.();
            };
            const fail = (err) => {
                if (settled)
                    return;
                settled = true;
                cleanup();
                try {
                    channel?.close();
                }
                catch {
                    // already closed
                }
                reject(err);
            };
            const onAbort = () => fail(new shell/* TransportError */.w('SSH exec aborted: channel closed', { cause: req.signal?.reason }));
            const onConnClose = () => {
                // The channel's own close follows; this covers a connection that dies before the channel opens.
                setImmediate(() => fail(new shell/* TransportError */.w('SSH connection closed before the command reported an exit status')));
            };
            req.signal?.addEventListener('abort', onAbort, { once: true });
            client.once('close', onConnClose);
            try {
                client.exec(command, (err, ch) => {
                    if (err)
                        return fail(new shell/* TransportError */.w(`SSH exec could not open a channel: ${err.message}`, { cause: err }));
                    channel = ch;
                    if (settled) {
                        ch.close();
                        return;
                    }
                    ch.on('exit', (code, signalName) => {
                        exitCode = typeof code === 'number' ? code : signalExitCode(signalName);
                    });
                    forward(ch, req.stdout);
                    forward(ch.stderr, req.stderr);
                    ch.on('error', () => undefined);
                    // ssh2 emits the channel's 'close' as soon as the remote closes it, while stdout or
                    // stderr may still hold data buffered behind a slow sink (paused): finish only when the
                    // channel has closed and both streams have ended, i.e. every byte was handed on.
                    let pending = 3;
                    const onePartDone = () => {
                        if (--pending > 0 || settled)
                            return;
                        settled = true;
                        cleanup();
                        if (exitCode === undefined)
                            reject(new shell/* TransportError */.w('SSH channel closed without an exit status'));
                        else
                            resolve({ exitCode });
                    };
                    ch.once('close', onePartDone);
                    ch.once('end', onePartDone);
                    ch.stderr.once('end', onePartDone);
                    if (req.stdin) {
                        const stdin = req.stdin;
                        stdin.once('error', e => fail(new shell/* TransportError */.w(`stdin stream failed: ${e.message}`, { cause: e })));
                        stopFeeding = feed(stdin, ch);
                    }
                    else {
                        ch.end();
                    }
                });
            }
            catch (err) {
                fail(new shell/* TransportError */.w(`SSH exec failed: ${err.message}`, { cause: err }));
            }
        });
    }
    async close() {
        this.closed = true;
        const p = this.conn;
        this.conn = undefined;
        if (!p)
            return;
        const client = await p.catch(() => undefined);
        if (!client)
            return;
        await new Promise(resolve => {
            const t = setTimeout(() => {
                client.destroy();
                resolve();
            }, 2000);
            client.once('close', () => {
                clearTimeout(t);
                resolve();
            });
            client.end();
        });
    }
}
/**
 * What a streamed chunk costs in short-lived Buffers, for util/memory.ts's collections (which
 * count bytes, not allocations). Without the native binding (dist/), ssh2 holds two more copies of
 * what it sends (the plain packet, then its ciphertext) and of what it receives (the socket read,
 * the decrypted packet, which is the chunk handed on, and pieces of packets split across reads).
 * Counted once, they piled up between collections: peak RSS of the 1 GiB sync 123-128 → 116-122
 * MiB, of the 200 MB relay 110-117 → 102-107 MiB (bench/: the rss rows' runs, one at a time).
 */
const COPIES_IN = 3;
const COPIES_OUT = 2;
/** Channel output into a sink with backpressure: pause the channel until the sink drains. */
function forward(from, to) {
    from.on('data', (chunk) => {
        (0,memory/* noteStreamed */.WQ)(chunk.length * COPIES_IN);
        if (!to.write(chunk)) {
            from.pause();
            to.once('drain', () => from.resume());
        }
    });
}
/**
 * At most this many bytes of a command's stdin wait inside ssh2 (written to the channel, not yet
 * sent for want of window). ssh2's channel buffers up to 2 MiB itself (its highWaterMark) on top
 * of the 2 MiB the window lets through: a chunk sat there across two young collections
 * (util/memory.ts), was promoted, and its Buffer then waited for a full one. Holding the queue to
 * 256 KiB took the 1 GiB sync from ~100 full collections to ~10 (--trace-gc-nvp, bench/: the rss
 * row's step).
 */
const CHANNEL_QUEUE_BYTES = 256 * 1024;
/**
 * A command's stdin into its channel, holding `from` while more than CHANNEL_QUEUE_BYTES wait in
 * the channel. (The socket under it needs no such hold: on loopback to sshd every packet's write
 * completed at once, and the window bounds what can be in flight to 2 MiB.) Returns a function
 * that stops feeding (the exec settled).
 */
function feed(from, ch) {
    // What is promoted despite the bound is collected early (util/memory.ts): the rest of the gain.
    const loosen = (0,memory/* tightenCollections */.dI)();
    let queued = 0;
    let held = false;
    let stopped = false;
    const onData = (chunk) => {
        (0,memory/* noteStreamed */.WQ)(chunk.length * COPIES_OUT);
        queued += chunk.length;
        // Called once ssh2 has sent the whole chunk (it waits for window as needed).
        ch.write(chunk, () => {
            queued -= chunk.length;
            if (!held || stopped || queued > CHANNEL_QUEUE_BYTES)
                return;
            held = false;
            from.resume();
        });
        if (held || queued <= CHANNEL_QUEUE_BYTES)
            return;
        held = true;
        from.pause();
    };
    const onEnd = () => void ch.end();
    from.on('data', onData);
    from.once('end', onEnd);
    return () => {
        stopped = true;
        loosen();
        // Paused, as unpipe() leaves it: a source that has more stays blocked (syncArchive stops it).
        from.pause();
        from.removeListener('data', onData);
        from.removeListener('end', onEnd);
    };
}
/** Connect, run `true`, and hand back the live connection when it exits 0. */
async function probeSsh(endpoint, opts, signal) {
    const client = await connectSsh(endpoint, opts, signal);
    try {
        const code = await new Promise((resolve, reject) => {
            client.exec('true', (err, ch) => {
                if (err)
                    return reject(err);
                let exit;
                ch.on('exit', (c) => (exit = c ?? undefined));
                ch.on('data', () => undefined);
                ch.stderr.on('data', () => undefined);
                ch.on('close', () => resolve(exit));
                ch.end();
            });
        });
        if (code !== 0)
            throw new shell/* TransportError */.w(`SSH probe 'true' on ${describeEndpoint(endpoint)} exited ${code ?? 'without a status'}`);
        return client;
    }
    catch (err) {
        client.destroy();
        throw err instanceof shell/* TransportError */.w
            ? err
            : new shell/* TransportError */.w(`SSH probe on ${describeEndpoint(endpoint)} failed: ${err.message}`, { cause: err });
    }
}

;// CONCATENATED MODULE: ./src/providers/vast/acquire.ts














const SSH_USER = 'root';
/** The name of the per-run SSH key in the lease file (src/lease-file.ts). */
const SSH_KEY_SECRET = 'sshPrivateKey';
const FAIL_MSG = /error|failed|exception|traceback|oci runtime|permission denied/i;
/** The instance failed in a way another offer may fix (exited, offline, error status_msg, vanished). */
class InstanceFailed extends errors/* ProviderError */.mZ {
}
/** No endpoint answered this round of SSH probes (worth another round until the deadline). */
class SshNotAnswering extends Error {
}
function authFailure(err) {
    const e = err;
    return new errors/* ProviderError */.mZ(`Vast rejected the API key (input 'vast-api-key'): ${e.message}. Check the secret's value; a scoped key needs the ` +
        'misc, user_read, instance_read and instance_write permissions.', { cause: err });
}

function sshEndpoints(inst, mode) {
    const out = [];
    if (mode !== 'proxy' && inst.actualStatus === 'running' && inst.publicIp && inst.directSshPort) {
        out.push({ kind: 'direct', host: inst.publicIp, port: inst.directSshPort });
    }
    if (mode !== 'direct' && inst.sshHost && inst.sshPort) {
        out.push({ kind: 'proxy', host: inst.sshHost, port: inst.sshPort + (inst.imageRuntype.includes('jupyter') ? 1 : 0) });
    }
    return out;
}
function failureOf(inst) {
    const a = inst.actualStatus ?? '';
    if (['exited', 'offline', 'unknown', 'stopped'].includes(a))
        return `actual_status '${a}'`;
    if (inst.intendedStatus === 'stopped' || inst.intendedStatus === 'exited')
        return `intended_status '${inst.intendedStatus}'`;
    if (inst.statusMsg && FAIL_MSG.test(inst.statusMsg))
        return `status_msg '${inst.statusMsg}'`;
    return undefined;
}
function statusLine(inst) {
    return `${inst.actualStatus ?? 'provisioning'}${inst.statusMsg ? ` (${inst.statusMsg})` : ''}`;
}
function acquireVast(ctx) {
    return acquireInstance(ctx, ctx.settings.vast.interruptible ? 'bid' : 'on-demand');
}
/**
 * Rents one instance of `kind` and waits until SSH works. Instances already recorded in the lease
 * (an earlier, interrupted one) stay on record, so release destroys every one and the cost covers all.
 */
async function acquireInstance(ctx, kind) {
    const vs = ctx.settings.vast;
    const t = (0,vast_settings/* tuningOf */.J)(vs);
    const signal = ctx.signal;
    const client = new VastClient(vs, signal);
    const earlier = (0,lease_data/* readLeaseData */.f)(ctx.lease);
    const data = {
        ...earlier,
        vastLabel: earlier.vastLabel ?? (0,lease_data/* vastLabel */.p)(ctx.ownership),
        vastApiUrl: vs.apiUrl,
        vastInstances: { ...(earlier.vastInstances ?? {}) }
    };
    const instances = data.vastInstances;
    const spent = () => costOf(instances, []) ?? 0;
    const save = (resourceId) => ctx.record({ ...(resourceId !== undefined ? { resourceId: String(resourceId) } : {}), data: { ...data } });
    try {
        await client.currentUserId();
    }
    catch (err) {
        if (isAuthError(err))
            throw authFailure(err);
        throw err;
    }
    // Per-run key: the private half lives in this process's memory, and in the lease file (0600,
    // RUNNER_TEMP) when later steps of the job run on the lease.
    const keys = generateSshKeyPair(`offload-${ctx.lease.leaseId}`);
    (0,redact/* maskSecret */.$l)(keys.private);
    ctx.shareSecret(SSH_KEY_SECRET, keys.private);
    // One pin per instance: a retry on another machine meets another host key, legitimately.
    const sshOptsFor = (pin) => ({
        username: SSH_USER,
        privateKey: keys.private,
        pin,
        connectTimeoutMs: t.connectTimeoutMs,
        keepaliveIntervalMs: t.keepaliveIntervalMs
    });
    let offers = await searchOffers(client, vs, kind, spent());
    // The label goes on record right before the first create: post can then find an instance whose
    // create answer was lost, and knows that nothing was created when acquire failed earlier.
    save();
    const goneOffers = new Set();
    const badMachines = new Set();
    const bodyFor = (p) => ({
        client_id: 'me',
        image: vs.image,
        disk: vs.diskGb,
        runtype: 'ssh_direct',
        target_state: 'running',
        cancel_unavail: true,
        label: data.vastLabel,
        env: {},
        // The instance never outlives its budget by more than COST_CAP_GRACE_MS either: remote-ttl's self-destroy deadline is capped by what vast-max-cost leaves at this price.
        onstart: onstartScript(vs.apiUrl, cappedOwner(ctx, vs, p.pricePerHour, spent())),
        // Without `price` Vast rents on-demand at dph_total even after a bid search (vast-cli SKILL.md).
        ...(p.kind === 'bid' ? { price: p.bidPrice } : {})
    });
    for (let attempt = 1;; attempt++) {
        const candidates = offers.filter(p => usable(p, goneOffers, badMachines));
        const spentBefore = spent();
        const created = await createOnFirstAvailable(client, candidates, bodyFor, data.vastLabel, Object.keys(instances), goneOffers, t, signal);
        const { id, priced } = created;
        const offer = priced.offer;
        instances[String(id)] = {
            createdAt: Date.now(),
            dphTotal: priced.pricePerHour,
            offerId: offer.id,
            machineId: offer.machineId,
            kind: priced.kind,
            ...(priced.bidPrice !== undefined ? { bidPrice: priced.bidPrice } : {}),
            ...(offer.gpuName ? { gpuName: offer.gpuName } : {}),
            ...(offer.numGpus !== undefined ? { numGpus: offer.numGpus } : {})
        };
        save(id);
        const how = priced.kind === 'bid' ? `interruptible, bid $${priced.bidPrice}/h = min_bid $${offer.minBid} x ${vs.bidMargin}` : 'on-demand';
        core.info(`Vast instance ${id} created on offer ${offer.id} (${(0,inert/* inert */.t)(offer.gpuName ?? 'gpu')} x${offer.numGpus ?? vs.gpuCount}, ${how}, ~$${priced.pricePerHour}/h)`);
        const budget = budgetMs(vs, priced.pricePerHour, spentBefore);
        if (budget !== undefined) {
            core.info(`vast-max-cost $${vs.maxCostUsd} at ~$${priced.pricePerHour}/h${spentBefore ? ` ($${spentBefore.toFixed(4)} already spent by earlier instances)` : ''}: this instance may run ${(0,units/* formatMs */._V)(budget)} from create before the command is stopped`);
        }
        try {
            const keyId = await client.attachSshKey(id, keys.public);
            if (keyId) {
                data.vastSshKeyId = keyId;
                save(id);
            }
            const pin = new HostKeyPin();
            const { shell, endpoint } = await waitUntilReady(client, id, vs, t, sshOptsFor(pin), signal);
            data.vastSsh = { host: endpoint.host, port: endpoint.port, kind: endpoint.kind, hostKey: pin.fingerprint, hostKeyBase64: pin.keyBase64 };
            save(id);
            core.info(`Vast instance ${id} is ready over SSH (${describeEndpoint(endpoint)}, host key ${pin.fingerprint})`);
            return shell;
        }
        catch (err) {
            if (!(err instanceof InstanceFailed) || attempt >= 2 || signal.aborted)
                throw err;
            core.warning(`${(0,inert/* inert */.t)(err.message)}; destroying it and trying once more on another machine`);
            if (offer.machineId !== undefined)
                badMachines.add(offer.machineId);
            goneOffers.add(offer.id);
            const res = await destroyAndVerify(client, id, data.vastLabel, t);
            if (res.verified)
                instances[String(id)].destroyedAt = Date.now();
            else
                core.warning(`Vast instance ${id} could not be confirmed destroyed yet (${(0,inert/* inert */.t)(res.detail)}); post will retry`);
            save();
            if (!offers.some(p => usable(p, goneOffers, badMachines))) {
                offers = await searchOffers(client, vs, kind, spent());
            }
        }
    }
}
/**
 * How long after the runner's cost-cap stop the instance's own deadline falls. The deadline is a
 * backstop for a lost runner: were it the same moment, the instance would destroy itself (and its
 * sshd) while the runner is stopping the command, and the step would fail with a dropped channel
 * instead of cost-cap. The grace covers the stop and post's destroy.
 */
const COST_CAP_GRACE_MS = 30_000;
function cappedOwner(ctx, vs, pricePerHour, spentUsd) {
    const budget = budgetMs(vs, pricePerHour, spentUsd);
    if (budget === undefined)
        return ctx.ownership;
    const capped = Math.min(Date.parse(ctx.ownership.expiresAt), Date.now() + budget + COST_CAP_GRACE_MS);
    return { ...ctx.ownership, expiresAt: new Date(capped).toISOString() };
}
function usable(p, goneOffers, badMachines) {
    return !goneOffers.has(p.offer.id) && !(p.offer.machineId !== undefined && badMachines.has(p.offer.machineId));
}
async function searchOffers(client, vs, kind, spentUsd) {
    try {
        return await findOffers(client, vs, kind, spentUsd);
    }
    catch (err) {
        if (isAuthError(err))
            throw authFailure(err);
        throw err;
    }
}
async function createOnFirstAvailable(client, offers, bodyFor, label, knownIds, goneOffers, t, signal) {
    let lastErr;
    for (const priced of offers) {
        const offer = priced.offer;
        // The label lookup failed: the instance may exist, so the create is not sent again.
        let lookupFailed = false;
        const create = async () => {
            signal.throwIfAborted();
            try {
                const { id } = await client.createInstance(offer.id, bodyFor(priced));
                return { id, priced };
            }
            catch (err) {
                if (signal.aborted || !ambiguousCreate(err))
                    throw err;
                // Ambiguous: the instance may exist. Never re-send the create before looking it up by label.
                core.warning(`Vast create on offer ${offer.id} had an ambiguous outcome (${(0,inert/* inert */.t)(err.message)}); looking for the instance by its label`);
                let adopted;
                try {
                    adopted = await findCreated(client, label, knownIds, t, signal);
                }
                catch (lookupErr) {
                    lookupFailed = true;
                    throw lookupErr;
                }
                if (!adopted)
                    throw err;
                core.info(`Found Vast instance ${adopted.id} by its label; using it`);
                return { id: adopted.id, priced: { ...priced, pricePerHour: adopted.dphTotal ?? priced.pricePerHour } };
            }
        };
        try {
            return await (0,retry/* withRetry */.bD)(create, {
                attempts: t.retryAttempts,
                baseDelayMs: t.retryBaseMs,
                maxDelayMs: t.retryMaxMs,
                signal,
                // A 429 is about pace, not the offer: keep to the same offer longer before moving on.
                retryable: (err, attempt) => !lookupFailed && ambiguousCreate(err) && attempt < (err.status === 429 ? t.retryAttempts : 3)
            });
        }
        catch (err) {
            if (signal.aborted || lookupFailed)
                throw err;
            if (isAuthError(err))
                throw authFailure(err);
            lastErr = err;
            if (isOfferGone(err)) {
                goneOffers.add(offer.id);
                core.info(`Vast offer ${offer.id} is no longer available (${err.status}); trying the next offer`);
            }
            else if (isDefiniteCreateError(err)) {
                if (err.status !== 403) {
                    throw new errors/* ProviderError */.mZ(`Vast refused to create an instance: ${err.message}. Check 'vast-image' and 'vast-disk'.`, { cause: err });
                }
                goneOffers.add(offer.id);
                core.info(`Vast offer ${offer.id} refused (${(0,inert/* inert */.t)(err.message)}); trying the next offer`);
            }
            // Otherwise the outcome stayed ambiguous and no instance turned up: the next offer.
        }
    }
    throw new errors/* ProviderError */.mZ(`No Vast offer could be rented (${offers.length} tried): last error: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`);
}
/** A create whose outcome is unknown (a 429, 5xx, timeout or dropped connection): the instance may exist. */
function ambiguousCreate(err) {
    return !isAuthError(err) && !isOfferGone(err) && !isDefiniteCreateError(err);
}
async function findCreated(client, label, knownIds, t, signal) {
    // An instance can take a moment to show up in the list: look twice.
    return (0,retry/* pollUntil */.g3)(async () => {
        const found = (await client.listInstancesByLabel(label)).filter(x => !knownIds.includes(String(x.id)));
        return found.length ? found[found.length - 1] : undefined;
    }, { attempts: 2, delayMs: t.retryBaseMs, signal });
}
async function waitUntilReady(client, id, vs, t, sshOpts, signal) {
    const started = Date.now();
    const deadline = started + vs.readyTimeoutMs;
    const timeoutText = (0,units/* formatMs */._V)(vs.readyTimeoutMs);
    let last;
    let lastLine = '';
    const check = async () => {
        const inst = await client.getInstance(id);
        if (!inst)
            throw new InstanceFailed(`Vast instance ${id} disappeared while starting${last ? ` (last status ${statusLine(last)})` : ''}`);
        last = inst;
        const line = statusLine(inst);
        if (line !== lastLine)
            core.info(`Vast instance ${id}: ${(0,inert/* inert */.t)(line)}`);
        lastLine = line;
        const failed = failureOf(inst);
        if (failed)
            throw new InstanceFailed(`Vast instance ${id} failed to start: ${failed}`);
        return inst;
    };
    const running = await (0,retry/* pollUntil */.g3)(async () => {
        const inst = await check();
        const found = inst.actualStatus === 'running' && inst.intendedStatus === 'running' ? sshEndpoints(inst, vs.ssh) : [];
        return found.length ? found : undefined;
    }, { delayMs: t.pollMinMs, factor: 1.5, maxDelayMs: t.pollMaxMs, timeoutMs: vs.readyTimeoutMs, signal });
    if (!running) {
        throw new errors/* ProviderError */.mZ(`Vast instance ${id} did not reach running with an SSH endpoint (vast-ssh: ${vs.ssh}) within vast-ready-timeout (${timeoutText}); last status ${last ? statusLine(last) : '?'}`);
    }
    let endpoints = running;
    // sshd may still be starting when the instance reports running (its image's onstart launches
    // it): retry quickly at first, then less often, until vast-ready-timeout.
    let lastSshErr = '';
    try {
        return await (0,retry/* withRetry */.bD)(async (attempt) => {
            if (attempt > 1) {
                const fresh = sshEndpoints(await check(), vs.ssh);
                if (fresh.length)
                    endpoints = fresh;
            }
            for (const ep of endpoints) {
                signal.throwIfAborted();
                try {
                    const conn = await probeSsh(ep, { ...sshOpts, connectTimeoutMs: Math.min(sshOpts.connectTimeoutMs, Math.max(1000, deadline - Date.now())) }, signal);
                    const ordered = [ep, ...endpoints.filter(e => e !== ep)];
                    if (attempt > 1)
                        core.info(`Vast instance ${id}: SSH answered on probe ${attempt}, ${(0,units/* formatMs */._V)(Date.now() - started)} after create`);
                    return { shell: new SshShell(ordered, sshOpts, conn), endpoint: ep };
                }
                catch (err) {
                    if (err instanceof HostKeyMismatchError)
                        throw new errors/* ProviderError */.mZ(err.message, { cause: err });
                    if (signal.aborted)
                        throw err;
                    lastSshErr = `${describeEndpoint(ep)}: ${err.message}`;
                }
            }
            throw new SshNotAnswering(lastSshErr);
        }, {
            attempts: Number.POSITIVE_INFINITY,
            baseDelayMs: t.probeMinMs,
            maxDelayMs: t.probeMaxMs,
            retryable: err => err instanceof SshNotAnswering && Date.now() < deadline,
            onRetry: (_err, attempt, delayMs) => {
                if (attempt === 1)
                    core.info(`Vast instance ${id} is running but SSH does not answer yet (${(0,inert/* inert */.t)(lastSshErr)}); probing again, at most every ${(0,units/* formatMs */._V)(t.probeMaxMs)}, until vast-ready-timeout`);
                else
                    core.debug(`Vast instance ${id}: SSH probe ${attempt} failed (${(0,inert/* inert */.t)(lastSshErr)}); next probe in ${delayMs} ms`);
            },
            signal
        });
    }
    catch (err) {
        if (!(err instanceof SshNotAnswering))
            throw err;
        throw new errors/* ProviderError */.mZ(`Vast instance ${id} is running but SSH did not answer within vast-ready-timeout (${timeoutText}); last SSH error ${lastSshErr}; last status ${last ? statusLine(last) : '?'}`);
    }
}

;// CONCATENATED MODULE: ./src/providers/vast/watch.ts








const watch_HOUR_MS = 3_600_000;
/** Estimated USD/h of every instance of the lease that still exists (so still bills). */
function liveRate(records) {
    return Object.values(records)
        .filter(r => r.destroyedAt === undefined)
        .reduce((sum, r) => sum + (r.dphTotal ?? 0), 0);
}
/** Outbid: the instance stopped (or vanished) under us; Vast keeps its storage billing until destroyed. */
function interruptedState(inst) {
    if (!inst)
        return 'it is gone';
    if (inst.actualStatus === 'stopped' || inst.intendedStatus === 'stopped') {
        return `actual_status '${inst.actualStatus ?? 'null'}'${inst.statusMsg ? ` (${inst.statusMsg})` : ''}`;
    }
    return undefined;
}
/**
 * Watches one attempt of the command on a Vast instance:
 * - vast-max-cost: a timer fires when price x time since create, summed over every instance of the
 *   lease, reaches the cap (re-armed at every poll, so the estimate is always current);
 * - vast-interruptible: the instance is polled; outbid (stopped) aborts the command at once, and a
 *   transport failure is checked against the instance's state before it is called an interruption.
 */
function watchVast(ctx) {
    const vs = ctx.settings.vast;
    const t = (0,vast_settings/* tuningOf */.J)(vs);
    const stop = new AbortController();
    const client = new VastClient(vs, ctx.signal);
    const id = ctx.lease.resourceId;
    const records = () => (0,lease_data/* readLeaseData */.f)(ctx.lease).vastInstances ?? {};
    const current = id ? records()[id] : undefined;
    const bid = current?.kind === 'bid';
    let verdict;
    let timer;
    let poller;
    let disposed = false;
    const fire = (reason, detail) => {
        if (verdict || disposed)
            return;
        verdict = { reason, detail };
        stop.abort(new Error(detail));
    };
    const armCap = () => {
        if (vs.maxCostUsd === undefined || disposed)
            return;
        const all = records();
        const spent = costOf(all, []) ?? 0;
        const rate = liveRate(all);
        if (spent >= vs.maxCostUsd) {
            fire('cost-cap', `the estimated cost of the lease ($${spent.toFixed(4)}, price x time since create over ${Object.keys(all).length} instance(s)) reached vast-max-cost ($${vs.maxCostUsd}); the command was stopped`);
            return;
        }
        if (!(rate > 0))
            return;
        const ms = Math.ceil(((vs.maxCostUsd - spent) / rate) * watch_HOUR_MS);
        clearTimeout(timer);
        // Timers beyond ~24.8 days overflow; a re-arm at the next poll keeps it right anyway.
        timer = setTimeout(armCap, Math.min(ms, 2 ** 31 - 1));
    };
    const poll = async () => {
        if (disposed || verdict || !id)
            return;
        try {
            const why = interruptedState(await client.getInstance(id));
            if (why)
                fire('interrupted', `Vast instance ${id} (interruptible) was outbid mid-command: ${why}`);
        }
        catch (err) {
            if (!ctx.signal.aborted)
                core.debug(`watching Vast instance ${id}: ${(0,errors/* errorMessage */.gJ)(err)}`);
        }
    };
    const schedule = () => {
        if (disposed || verdict)
            return;
        poller = setTimeout(() => {
            armCap();
            void (bid ? poll() : Promise.resolve()).finally(schedule);
        }, t.watchIntervalMs);
    };
    armCap();
    if (bid || vs.maxCostUsd !== undefined)
        schedule();
    const dispose = () => {
        disposed = true;
        clearTimeout(timer);
        clearTimeout(poller);
    };
    return {
        signal: stop.signal,
        dispose,
        settle: async (err) => {
            dispose();
            if (!verdict && err !== undefined && bid && id && !ctx.signal.aborted) {
                // SSH usually drops before the API shows the instance stopped: look a few times.
                const why = await (0,retry/* pollUntil */.g3)(async () => {
                    const inst = await client.getInstance(id).catch(() => 'unknown');
                    return inst === 'unknown' ? undefined : interruptedState(inst);
                }, { attempts: 4, delayMs: t.pollMinMs });
                if (why)
                    verdict = { reason: 'interrupted', detail: `Vast instance ${id} (interruptible) was outbid mid-command: ${why}` };
            }
            if (!verdict)
                return undefined;
            if (verdict.reason === 'cost-cap')
                return verdict;
            return interrupted(ctx, vs, id, verdict.detail);
        }
    };
}
/** Destroys the outbid instance (its storage bills while it exists) and offers the fallback. */
async function interrupted(ctx, vs, id, detail) {
    const t = (0,vast_settings/* tuningOf */.J)(vs);
    const data = (0,lease_data/* readLeaseData */.f)(ctx.lease);
    const instances = { ...(data.vastInstances ?? {}) };
    const rec = instances[id];
    if (rec)
        instances[id] = { ...rec, interruptedAt: Date.now() };
    ctx.record({ data: { vastInstances: instances } });
    let destroyed = 'destroyed';
    try {
        const res = await destroyAndVerify(new VastClient(vs), id, data.vastLabel, t, data.vastSshKeyId);
        if (res.verified && instances[id])
            instances[id] = { ...instances[id], destroyedAt: res.endedAt ?? Date.now() };
        else
            destroyed = `not yet confirmed destroyed (${res.detail}); post retries`;
    }
    catch (err) {
        destroyed = `not yet destroyed (${(0,errors/* errorMessage */.gJ)(err)}); post retries`;
    }
    ctx.record({ data: { vastInstances: instances } });
    const line = `${detail}; instance ${destroyed}`;
    if (vs.fallback !== 'on-demand') {
        return { reason: 'interrupted', detail: `${line}. Set vast-fallback: on-demand to re-run the step on an on-demand instance when this happens.` };
    }
    return {
        reason: 'interrupted',
        detail: line,
        retry: () => acquireInstance(ctx, 'on-demand'),
        retryOn: 'a new instance (vast-fallback: on-demand)'
    };
}
/** The longest an instance at this price may live before the lease's spend reaches vast-max-cost. */
function maxLifetimeMs(vs, pricePerHour, spentUsd = 0) {
    if (vs.maxCostUsd === undefined || !(pricePerHour > 0))
        return undefined;
    return Math.max(0, Math.floor(((vs.maxCostUsd - spentUsd) / pricePerHour) * watch_HOUR_MS));
}

// EXTERNAL MODULE: ./src/providers/vast/inputs.ts
var inputs = __webpack_require__(61360);
;// CONCATENATED MODULE: ./src/providers/vast/index.ts










const VAST_DEFAULT_REMOTE_DIR = '/workspace/offload';
function keptInstructions(ctx) {
    const data = (0,lease_data/* readLeaseData */.f)(ctx.lease);
    const apiUrl = ctx.settings.apiUrl;
    const id = ctx.lease.resourceId;
    if (!id) {
        return `The Vast instance labelled '${data.vastLabel ?? ctx.lease.remoteName}' was kept; find it with 'vastai show instances' and remove it with 'vastai destroy instance <id>'. It bills until destroyed.`;
    }
    const ssh = data.vastSsh;
    const lines = [
        `Vast instance ${id} was kept (label '${data.vastLabel ?? ''}'). It bills until destroyed.`,
        `The run's SSH key existed only in the job, so attach your own public key first:`,
        `  vastai attach ssh ${id} "$(cat ~/.ssh/id_ed25519.pub)"`,
        ssh ? `  ssh -p ${ssh.port} ${SSH_USER}@${ssh.host}${ssh.hostKey ? `   # host key ${ssh.hostKey}` : ''}` : `  vastai ssh-url ${id}`,
        `Remove it:`,
        `  vastai destroy instance ${id}`,
        `  # or: curl -X DELETE -H "Authorization: Bearer $VAST_API_KEY" ${apiUrl}/api/v0/instances/${id}/`
    ];
    return lines.join('\n');
}
/**
 * A `lease:` step: the endpoint the owner reached, the per-run key it shared, and the host key it
 * pinned (never a global known_hosts). Reconnecting talks SSH only: no API call, no account key.
 */
async function attach(ctx) {
    const ssh = (0,lease_data/* readLeaseData */.f)(ctx.lease).vastSsh;
    const privateKey = ctx.secrets[SSH_KEY_SECRET];
    if (!ssh || !privateKey || !ssh.hostKeyBase64)
        throw new errors/* ProviderError */.mZ(`the owner recorded no SSH endpoint or key for Vast instance ${ctx.lease.resourceId ?? '?'}`);
    const t = (0,vast_settings/* tuningOf */.J)(ctx.settings.vast);
    const opts = {
        username: SSH_USER,
        privateKey,
        pin: new HostKeyPin(Buffer.from(ssh.hostKeyBase64, 'base64')),
        connectTimeoutMs: t.connectTimeoutMs,
        keepaliveIntervalMs: t.keepaliveIntervalMs
    };
    const endpoint = { kind: ssh.kind, host: ssh.host, port: ssh.port };
    try {
        return new SshShell([endpoint], opts, await probeSsh(endpoint, opts, ctx.signal));
    }
    catch (err) {
        throw new errors/* ProviderError */.mZ(`Vast instance ${ctx.lease.resourceId ?? '?'} does not answer over SSH at ${describeEndpoint(endpoint)}: ${(0,errors/* errorMessage */.gJ)(err)}`, {
            cause: err
        });
    }
}
const vastProvider = {
    kind: 'shell',
    name: 'vast',
    defaultRemoteDir: () => VAST_DEFAULT_REMOTE_DIR,
    acquire: acquireVast,
    release: releaseVast,
    keptInstructions,
    costEstimate: lease => costOf((0,lease_data/* readLeaseData */.f)(lease).vastInstances ?? {}, []),
    attach,
    // The account key stays with the owner: reconnecting is SSH with the per-run key (a secret).
    forLeaseFile: settings => ({ settings: { ...settings.vast, apiKey: '' }, mask: [] }),
    watch: watchVast,
    costRows: lease => costRowsOf((0,lease_data/* readLeaseData */.f)(lease).vastInstances ?? {})
};


/***/ }),

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

/***/ 50648:
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

/***/ 44098:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ httpRequest)
/* harmony export */ });
/* unused harmony export HttpError */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(37067);
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

/***/ 4266:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Rk: () => (/* binding */ isConnectionError),
/* harmony export */   bD: () => (/* binding */ withRetry),
/* harmony export */   g3: () => (/* binding */ pollUntil)
/* harmony export */ });
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(58500);
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