"use strict";
exports.id = 806;
exports.ids = [806];
exports.modules = {

/***/ 8806:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RunLookup: () => (/* binding */ RunLookup)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8064);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(_actions_github__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _util_errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4911);
/* harmony import */ var _util_redact__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3705);
/* harmony import */ var _util_retry__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9376);




/**
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}` through @actions/github's Octokit (needs
 * `actions: read`), one call per run however many resources name it. 429, 5xx and connection
 * failures are retried with capped backoff; 404 means the run (or the repository) no longer exists.
 */
class RunLookup {
    opts;
    octokit;
    cache = new Map();
    constructor(opts) {
        this.opts = opts;
        this.octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__.getOctokit)(opts.token, { baseUrl: opts.baseUrl });
    }
    verdict(repository, runId) {
        const key = `${repository.toLowerCase()}#${runId}`;
        let p = this.cache.get(key);
        if (!p) {
            p = this.lookup(repository, runId);
            this.cache.set(key, p);
        }
        return p;
    }
    async lookup(repository, runId) {
        const [owner, repo] = repository.split('/');
        try {
            const res = await (0,_util_retry__WEBPACK_IMPORTED_MODULE_3__/* .withRetry */ .bD)(() => this.octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: Number(runId) }), {
                attempts: this.opts.attempts ?? 4,
                baseDelayMs: this.opts.baseDelayMs ?? 500,
                maxDelayMs: 8000,
                retryable: err => {
                    const status = statusOf(err);
                    if (status === undefined)
                        return (0,_util_retry__WEBPACK_IMPORTED_MODULE_3__/* .isConnectionError */ .Rk)(err) || (0,_util_retry__WEBPACK_IMPORTED_MODULE_3__/* .isConnectionError */ .Rk)(err?.cause);
                    return status === 429 || status >= 500;
                }
            });
            const status = typeof res.data.status === 'string' ? res.data.status : '';
            if (status === 'completed')
                return { kind: 'over', why: 'completed', conclusion: res.data.conclusion ?? undefined };
            return { kind: 'active', status: status || 'unknown status' };
        }
        catch (err) {
            const status = statusOf(err);
            if (status === 404)
                return { kind: 'over', why: 'gone' };
            if (status === 403 || status === 401)
                return { kind: 'unknown', why: `the run lookup answered ${status} (the token needs actions: read on ${repository})` };
            if (status !== undefined)
                return { kind: 'unknown', why: `the run lookup answered ${status} after retries` };
            return { kind: 'unknown', why: `the run lookup failed: ${(0,_util_redact__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)((0,_util_errors__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(err)).slice(0, 200)}` };
        }
    }
}
function statusOf(err) {
    const s = err?.status;
    return typeof s === 'number' && s > 0 ? s : undefined;
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