"use strict";
exports.id = 278;
exports.ids = [278];
exports.modules = {

/***/ 7278:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  vastSweeper: () => (/* binding */ vastSweeper)
});

// EXTERNAL MODULE: ../../src/util/errors.ts
var errors = __webpack_require__(4911);
// EXTERNAL MODULE: ../../node_modules/@actions/core/lib/core.js
var lib_core = __webpack_require__(7184);
// EXTERNAL MODULE: ../../node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(8476);
// EXTERNAL MODULE: ../../src/util/http.ts
var http = __webpack_require__(6028);
// EXTERNAL MODULE: ../../src/util/redact.ts
var redact = __webpack_require__(3705);
// EXTERNAL MODULE: ../../src/util/retry.ts
var retry = __webpack_require__(9376);
// EXTERNAL MODULE: ../../src/providers/vast/settings.ts
var vast_settings = __webpack_require__(9714);
// EXTERNAL MODULE: ../../src/report/inert.ts
var report_inert = __webpack_require__(8008);
;// CONCATENATED MODULE: ../../src/providers/vast/client.ts








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
function client_isAuthError(err) {
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
const num = schemas/* preprocess */.vkY(v => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v), schemas/* number */.aig());
const optNum = num.nullish().catch(undefined);
const optStr = schemas/* string */.YjP().nullish().catch(undefined);
const OfferSchema = schemas/* looseObject */._H3({
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
    rentable: schemas/* boolean */.zMY().nullish().catch(undefined),
    rented: schemas/* boolean */.zMY().nullish().catch(undefined)
});
const PortBinding = schemas/* looseObject */._H3({ HostIp: optStr, HostPort: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig()]).nullish().catch(undefined) });
const InstanceSchema = schemas/* looseObject */._H3({
    id: num,
    actual_status: optStr,
    intended_status: optStr,
    cur_state: optStr,
    status_msg: optStr,
    label: optStr,
    ssh_host: optStr,
    ssh_port: optNum,
    public_ipaddr: optStr,
    ports: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* array */.YOg(PortBinding).nullish()).nullish().catch(undefined),
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
class client_VastClient {
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
            onRetry: (err, attempt, delay) => lib_core.info(`Vast API ${method} ${path}: ${(0,report_inert/* inert */.t)(shortReason(err))}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1}/${this.tuning.retryAttempts})`)
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
                if (err instanceof VastApiError && err.status === 404 && !client_isAuthError(err))
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
            if (err instanceof VastApiError && err.status === 404 && !client_isAuthError(err))
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
            if (err instanceof VastApiError && err.status === 404 && !client_isAuthError(err))
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

;// CONCATENATED MODULE: ../../src/providers/vast/release.ts








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
            .catch(err => lib_core.info(`Detaching the run's SSH key from Vast instance ${sid} failed (${(0,report_inert/* inert */.t)((0,errors/* errorMessage */.gJ)(err))}); destroying anyway`));
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
    const outcome = await pollUntil(async (attempt) => {
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
    const t = tuningOf(vs);
    const data = readLeaseData(ctx.lease);
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
            const why = isAuthError(err) ? `the API key (input 'vast-api-key') was rejected: ${errorMessage(err)}` : errorMessage(err);
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
            sweepError = isAuthError(err) ? `the API key (input 'vast-api-key') was rejected: ${errorMessage(err)}` : errorMessage(err);
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
        core.warning(`Could not check for other Vast instances labelled '${label}': ${inert(sweepError)}`);
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

// EXTERNAL MODULE: ../../src/sweep/marks.ts
var marks = __webpack_require__(2276);
;// CONCATENATED MODULE: ../../src/providers/vast/marks.ts

/** The sweep's strict reader of the label that lease-data.ts vastLabel writes. */
/** `offload1|<lease>|<owner/repo>|<run id>|<attempt>|<job>|exp=<epoch s>`; '-' stands for an empty part. */
const VAST_LABEL = /^offload1\|(ofl_[0-9a-f]{12})\|([A-Za-z0-9._/-]{1,100})\|(\d{1,24}|-)\|(\d{1,8}|-)\|([A-Za-z0-9._/-]{1,32})\|exp=([1-9]\d{0,11})$/;
/** A Vast instance label → ownership, when it is exactly the label Offload writes. */
function ownershipFromVastLabel(label) {
    if (typeof label !== 'string')
        return undefined;
    const m = VAST_LABEL.exec(label);
    if (!m)
        return undefined;
    const [, leaseId, repository, runId, runAttempt, job, exp] = m;
    if (!(0,marks/* isRepository */.Z6)(repository))
        return undefined;
    const dash = (s) => (s === '-' ? '' : s);
    return {
        managed: 'offload',
        leaseId,
        repository,
        runId: dash(runId),
        runAttempt: dash(runAttempt),
        job: dash(job),
        expiresAt: new Date(Number(exp) * 1000).toISOString()
    };
}

;// CONCATENATED MODULE: ../../src/providers/vast/sweeper.ts





/**
 * Pages every instance of the account (`GET /api/v1/instances/`: the API has no label-prefix
 * filter, see the Vast reference §6) and keeps those whose label parses as Offload's. Removal is
 * Offload's release: destroy (stopped instances too: their storage bills) and re-read until gone,
 * refusing an instance whose label changed in between.
 */
function vastSweeper(vs) {
    const client = new client_VastClient(vs);
    const tuning = (0,vast_settings/* tuningOf */.J)(vs);
    return {
        async list() {
            const resources = [];
            const seen = new Set();
            let unmarked = 0;
            let token;
            for (let page = 0;; page++) {
                if (page >= 400)
                    throw new errors/* ProviderError */.mZ('Vast API GET /api/v1/instances/: paging did not end after 400 pages');
                const query = { order_by: JSON.stringify([{ col: 'id', dir: 'asc' }]), limit: '25' };
                if (token)
                    query.after_token = token;
                const body = (await client.call('GET', '/api/v1/instances/', { query, retry: true }));
                const list = body?.instances ?? body?.data ?? body?.results;
                for (const raw of Array.isArray(list) ? list : []) {
                    const inst = toInstance(raw);
                    if (!inst || seen.has(inst.id))
                        continue;
                    seen.add(inst.id);
                    const owner = ownershipFromVastLabel(inst.label);
                    if (!owner) {
                        unmarked++;
                        continue;
                    }
                    resources.push({
                        name: `Vast instance ${inst.id}`,
                        id: String(inst.id),
                        owner,
                        label: inst.label ?? undefined,
                        createdAtMs: inst.startDate !== undefined && inst.startDate > 0 ? Math.floor(inst.startDate * 1000) : undefined,
                        status: inst.actualStatus ?? inst.intendedStatus ?? ''
                    });
                }
                const next = body?.next_token;
                if (typeof next !== 'string' || next === '' || next === token)
                    break;
                token = next;
            }
            return { resources, unmarked };
        },
        async remove(r) {
            try {
                const res = await destroyAndVerify(client, r.id, r.label, tuning);
                return { verified: res.verified, detail: res.detail };
            }
            catch (err) {
                return { verified: false, detail: `destroy failed: ${err.message}` };
            }
        },
        cleanupCommand: r => manualDestroy([r.id], vs.apiUrl),
        close: async () => undefined
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