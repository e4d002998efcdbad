"use strict";
exports.id = 783;
exports.ids = [783];
exports.modules = {

/***/ 6637:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Th: () => (/* binding */ readPacing)
/* harmony export */ });
/* unused harmony exports PACING_ENV, checkPacing */
/* harmony import */ var _util_errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4911);

/**
 * The environment variable that paces the providers' waits, polls and retries: test-only. It is
 * no action input and no user setting; the suites set it so that runs against the local fakes
 * (test/support/) take seconds, e.g. {"nomad": {"blockingWaitMs": 2000}, "vast": {"pollMinMs": 20}}.
 * Each provider declares its knobs and their production defaults (its spec's `pacing`); a scope
 * or knob no provider declares, or a value that is not a positive number, is refused, so a typo
 * cannot silently disable a wait.
 */
const PACING_ENV = 'OFFLOAD_TEST_PACING';
const ENV = 'Environment variable';
function parsePacingEnv(env) {
    const raw = (env[PACING_ENV] ?? '').trim();
    if (!raw)
        return {};
    let parsed;
    try {
        parsed = JSON.parse(raw);
    }
    catch {
        throw new _util_errors__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(PACING_ENV, 'is not valid JSON: expected an object of providers to knobs, e.g. {"vast": {"pollMinMs": 20}} (test-only)', ENV);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new _util_errors__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(PACING_ENV, 'must be a JSON object of providers to knobs, e.g. {"vast": {"pollMinMs": 20}} (test-only)', ENV);
    }
    return parsed;
}
function checkScope(scope, value, defaults) {
    const knobs = Object.keys(defaults).join(', ');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new _util_errors__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(PACING_ENV, `'${scope}' must be an object of knobs (${knobs})`, ENV);
    }
    for (const [k, v] of Object.entries(value)) {
        if (!(k in defaults))
            throw new _util_errors__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(PACING_ENV, `'${scope}.${k}' is not a knob; ${scope} has ${knobs}`, ENV);
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
            throw new _util_errors__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(PACING_ENV, `'${scope}.${k}' must be a positive number`, ENV);
    }
    return value;
}
/** One provider's pacing: its defaults with what OFFLOAD_TEST_PACING sets for it. Throws InputError naming the variable. */
function readPacing(env, scope, defaults) {
    const all = parsePacingEnv(env);
    return { ...defaults, ...(scope in all ? checkScope(scope, all[scope], defaults) : {}) };
}
/** Refuses every scope and knob no provider declares (`declared`: provider name → its defaults). */
function checkPacing(env, declared) {
    for (const [scope, value] of Object.entries(parsePacingEnv(env))) {
        const defaults = declared[scope];
        if (!defaults)
            throw new InputError(PACING_ENV, `'${scope}' paces nothing; providers with pacing: ${Object.keys(declared).join(', ')}`, ENV);
        checkScope(scope, value, defaults);
    }
}


/***/ }),

/***/ 9783:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readVastSettings: () => (/* binding */ readVastSettings)
});

// UNUSED EXPORTS: VAST_DEFAULTS, VAST_RELEASES, parseApiUrl, parseCuda, parseGpuNames, parseOfferFilters, parseOrder, parseRegion

// EXTERNAL MODULE: ../../src/util/errors.ts
var errors = __webpack_require__(4911);
// EXTERNAL MODULE: ../../src/util/redact.ts
var redact = __webpack_require__(3705);
// EXTERNAL MODULE: ../../src/input-parsers.ts + 1 modules
var input_parsers = __webpack_require__(4227);
// EXTERNAL MODULE: ../../src/pacing.ts
var pacing = __webpack_require__(6637);
;// CONCATENATED MODULE: ../../src/providers/vast/regions.ts
/**
 * Continent names accepted by `vast-region`, mapped to the ISO 3166-1 alpha-2 codes Vast reports
 * in an offer's `geolocation`. The lists are vast-cli's own (`vastai/api/offers.py`,
 * `launch_instance` REGIONS), so a name selects what `vastai launch instance --region` does.
 */
const CONTINENTS = {
    'north-america': 'AG BS BB BZ CA CR CU DM DO SV GD GT HT HN JM MX NI PA KN LC VC TT US'.split(' '),
    'south-america': 'AR BO BR CL CO EC FK GF GY PY PE SR UY VE'.split(' '),
    europe: ('AL AD AT BY BE BA BG HR CY CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH ' + 'UA GB VA XK').split(' '),
    asia: ('AF AM AZ BH BD BT BN KH CN GE IN ID IR IQ IL JP JO KZ KW KG LA LB MY MV MN MM NP KP OM PK PH QA SA SG KR LK SY TW TJ TH TL TR ' + 'TM AE UZ VN YE HK MO').split(' '),
    oceania: 'AS AU CK FJ PF GU KI MH FM NR NC NZ NU MP PW PG PN WS SB TK TO TV VU WF'.split(' '),
    africa: ('DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU MA MZ NA NE NG RW ST SN ' +
        'SC SL SO ZA SS SD TZ TG TN UG ZM ZW').split(' ')
};
/** 'North America', 'north_america', 'NORTH-AMERICA' -> 'north-america'. */
function continentKey(text) {
    return text
        .trim()
        .toLowerCase()
        .replace(/[\s_]+/g, '-');
}
/**
 * The country code of an offer's geolocation: Vast sends 'US' or 'California, US' (vast-cli
 * tests/test_georegions.py), so the code is the last comma-separated part.
 */
function countryOf(geolocation) {
    if (!geolocation)
        return undefined;
    const last = geolocation.split(',').pop()?.trim().toUpperCase();
    return last && /^[A-Z]{2}$/.test(last) ? last : undefined;
}

// EXTERNAL MODULE: ../../src/providers/vast/settings.ts
var settings = __webpack_require__(9714);
;// CONCATENATED MODULE: ../../src/providers/vast/inputs.ts






const VAST_DEFAULTS = {
    apiUrl: 'https://console.vast.ai',
    image: 'nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04',
    gpuCount: '1',
    maxPrice: '1.00',
    disk: '32',
    minReliability: '0.98',
    order: 'dph_total asc',
    release: 'destroy',
    ssh: 'auto',
    readyTimeout: '20m',
    bidMargin: '1.2',
    fallback: 'none'
};
const VAST_RELEASES = ['destroy', 'stop'];
const VAST_FALLBACKS = ['none', 'on-demand'];
const VAST_SSH_MODES = ['auto', 'direct', 'proxy'];
/** Offer fields a dedicated input sets; vast-offer-filters may not set them too. */
const DEDICATED_FIELDS = { gpu_ram: 'vast-gpu-ram', cuda_max_good: 'vast-cuda', geolocation: 'vast-region' };
const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin'];
/** Keys of the search body that are not `{op: value}` filters. */
const CONTROL_KEYS = ['order', 'type', 'limit', 'allocated_storage'];
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isScalar = (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/**
 * `{op: value}`: known operators only, at least one, each to a JSON scalar, null or a list of
 * scalars. Checked without zod: this module is in the main bundle (every run validates its
 * inputs), and evaluating zod costs ~15–20 ms of CPU and ~8–12 MiB before the first request of
 * any run (bench/: cold start; measured with single-import bundles).
 */
function isFilterOps(v) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
        return false;
    const entries = Object.entries(v);
    return (entries.length > 0 &&
        entries.every(([op, x]) => OPS.includes(op) && (x === null || isScalar(x) || (Array.isArray(x) && x.every(isScalar)))));
}
function isLoopbackHost(hostname) {
    const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
function parseApiUrl(text) {
    const accepted = 'an https:// URL such as https://console.vast.ai (http only to a loopback host; no user, query or fragment)';
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors/* InputError */.dz('vast-api-url', `not a URL; expected ${accepted}`);
    }
    if (url.username || url.password)
        throw new errors/* InputError */.dz('vast-api-url', `must not carry credentials; expected ${accepted}`);
    if (url.search || text.includes('?'))
        throw new errors/* InputError */.dz('vast-api-url', `must not have a query; expected ${accepted}`);
    if (url.hash || text.includes('#'))
        throw new errors/* InputError */.dz('vast-api-url', `must not have a fragment; expected ${accepted}`);
    if (url.protocol === 'http:') {
        if (!isLoopbackHost(url.hostname))
            throw new errors/* InputError */.dz('vast-api-url', `http is allowed only to a loopback host; expected ${accepted}`);
    }
    else if (url.protocol !== 'https:') {
        throw new errors/* InputError */.dz('vast-api-url', `unsupported scheme '${url.protocol}'; expected ${accepted}`);
    }
    // The client adds /api/v0 and /api/v1 itself; accept the documented base with /api/v0 too.
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '' && path !== '/api/v0')
        throw new errors/* InputError */.dz('vast-api-url', `unexpected path '${url.pathname}'; expected ${accepted}`);
    return url.origin;
}
function parseOrder(text) {
    const accepted = "a comma list of 'field [asc|desc]', e.g. 'dph_total asc' or 'dlperf_per_dphtotal desc, reliability desc'";
    const out = [];
    for (const part of text.split(',').map(p => p.trim())) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/i.exec(part);
        if (!m)
            throw new errors/* InputError */.dz('vast-order', `'${part}' is not valid; expected ${accepted}`);
        out.push([m[1], (m[2]?.toLowerCase() ?? 'asc')]);
    }
    return out;
}
function parseGpuNames(text) {
    if (!text)
        return [];
    const names = text.split(',').map(n => n.trim().replace(/_/g, ' ').replace(/\s+/g, ' '));
    for (const n of names) {
        if (!n || !/^[A-Za-z0-9 .+-]+$/.test(n) || n.length > 64) {
            throw new errors/* InputError */.dz('vast-gpu', `'${n}' is not a GPU name; expected a comma list of Vast GPU names, e.g. 'RTX 4090, RTX 3090, H100 SXM'`);
        }
    }
    return [...new Set(names)];
}
function parseOfferFilters(text) {
    if (!text)
        return {};
    const accepted = 'a JSON object of Vast offer filters, e.g. {"gpu_ram": {"gte": 20000}, "cuda_max_good": {"gte": 12.1}}';
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (err) {
        throw new errors/* InputError */.dz('vast-offer-filters', `is not valid JSON (${err.message}); expected ${accepted}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new errors/* InputError */.dz('vast-offer-filters', `must be a JSON object; expected ${accepted}`);
    }
    for (const [key, value] of Object.entries(parsed)) {
        if (!FIELD.test(key))
            throw new errors/* InputError */.dz('vast-offer-filters', `'${key}' is not a field name; expected ${accepted}`);
        if (CONTROL_KEYS.includes(key))
            continue;
        if (!isFilterOps(value)) {
            throw new errors/* InputError */.dz('vast-offer-filters', `'${key}' must be an object of operators (${OPS.join(', ')}) to values, e.g. {"${key}": {"gte": 1}}; expected ${accepted}`);
        }
    }
    return parsed;
}
/** vast-region: a comma list of country codes, or one continent name (src/providers/vast/regions.ts). */
function parseRegion(text) {
    if (!text)
        return [];
    const names = Object.keys(CONTINENTS).join(', ');
    const accepted = `a comma list of two-letter country codes (e.g. 'US, CA, DE') or one continent: ${names}`;
    const continent = CONTINENTS[continentKey(text)];
    if (continent)
        return [...continent];
    const codes = text.split(',').map(c => c.trim());
    for (const c of codes) {
        if (!/^[A-Za-z]{2}$/.test(c))
            throw new errors/* InputError */.dz('vast-region', `'${c}' is not a country code or continent; expected ${accepted}`);
    }
    return [...new Set(codes.map(c => c.toUpperCase()))];
}
/** vast-cuda: 'major.minor' (or a major alone), as cuda_max_good is compared. */
function parseCuda(text) {
    if (!text)
        return undefined;
    const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text);
    if (!m || Number(m[1]) < 1)
        throw new errors/* InputError */.dz('vast-cuda', `'${text}' is not valid; expected a minimum CUDA version such as 12.1 or 12`);
    return Number(m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`);
}
function parseNumber(input, text, accepted, check) {
    const n = /^[+]?\d+(\.\d+)?$|^[+]?\.\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(n) || !check(n))
        throw new errors/* InputError */.dz(input, `'${text}' is not valid; expected ${accepted}`);
    return n;
}
/** Validates every Vast input. Registers and masks the API key. */
function readVastSettings(input, env) {
    const apiKey = input('vast-api-key') || (env.VAST_API_KEY ?? '').trim();
    if (!apiKey) {
        throw new errors/* InputError */.dz('vast-api-key', 'is required for provider vast; pass a Vast.ai API key (e.g. ${{ secrets.VAST_API_KEY }}) or set VAST_API_KEY');
    }
    if (/\s/.test(apiKey))
        throw new errors/* InputError */.dz('vast-api-key', 'contains whitespace; expected a single Vast.ai API key token');
    (0,redact/* maskSecret */.$l)(apiKey);
    const apiUrl = parseApiUrl(input('vast-api-url') || VAST_DEFAULTS.apiUrl);
    const image = input('vast-image') || VAST_DEFAULTS.image;
    if (image.length > 1024 || /\s/.test(image)) {
        throw new errors/* InputError */.dz('vast-image', 'expected a container image reference such as nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04 (no spaces, at most 1024 characters)');
    }
    const gpuNames = parseGpuNames(input('vast-gpu'));
    const gpuCount = parseNumber('vast-gpu-count', input('vast-gpu-count') || VAST_DEFAULTS.gpuCount, 'a whole number of GPUs from 1 to 64', n => Number.isInteger(n) && n >= 1 && n <= 64);
    const maxPricePerHour = parseNumber('vast-max-price', input('vast-max-price') || VAST_DEFAULTS.maxPrice, 'a positive price in USD per hour, e.g. 0.60', n => n > 0 && n <= 10_000);
    const diskGb = parseNumber('vast-disk', input('vast-disk') || VAST_DEFAULTS.disk, 'a disk size in GB, at least 8 (Vast minimum), e.g. 32', n => n >= 8 && n <= 100_000);
    const minReliability = parseNumber('vast-min-reliability', input('vast-min-reliability') || VAST_DEFAULTS.minReliability, 'a number from 0 to 1, e.g. 0.98', n => n >= 0 && n <= 1);
    const offerFilters = parseOfferFilters(input('vast-offer-filters'));
    const maxCostText = input('vast-max-cost');
    const maxCostUsd = maxCostText
        ? parseNumber('vast-max-cost', maxCostText, 'a positive amount in USD for the whole lease, e.g. 2.50 (empty: no cap)', n => n > 0 && n <= 100_000)
        : undefined;
    const interruptible = (0,input_parsers/* booleanInput */.tE)(input, 'vast-interruptible', false);
    const bidMargin = parseNumber('vast-bid-margin', input('vast-bid-margin') || VAST_DEFAULTS.bidMargin, "a factor from 1 to 10 applied to the offer's min_bid, e.g. 1.2", n => n >= 1 && n <= 10);
    const fallback = (0,input_parsers/* enumInput */.gX)(input, 'vast-fallback', VAST_FALLBACKS, VAST_DEFAULTS.fallback);
    const gpuRamText = input('vast-gpu-ram');
    const gpuRamGb = gpuRamText ? parseNumber('vast-gpu-ram', gpuRamText, 'a minimum in GB of memory per GPU, e.g. 24', n => n > 0 && n <= 4096) : undefined;
    const minCuda = parseCuda(input('vast-cuda'));
    const regionText = input('vast-region');
    const regions = parseRegion(regionText);
    const set = { 'vast-gpu-ram': gpuRamGb !== undefined, 'vast-cuda': minCuda !== undefined, 'vast-region': regions.length > 0 };
    for (const [field, name] of Object.entries(DEDICATED_FIELDS)) {
        if (set[name] && field in offerFilters) {
            throw new errors/* InputError */.dz('vast-offer-filters', `sets '${field}', which '${name}' also sets; expected the filter in one place (drop it from vast-offer-filters)`);
        }
    }
    const order = parseOrder(input('vast-order') || VAST_DEFAULTS.order);
    const release = (0,input_parsers/* enumInput */.gX)(input, 'vast-release', VAST_RELEASES, VAST_DEFAULTS.release);
    const ssh = (0,input_parsers/* enumInput */.gX)(input, 'vast-ssh', VAST_SSH_MODES, VAST_DEFAULTS.ssh);
    const readyTimeoutMs = (0,input_parsers/* durationInput */.Ts)(input, 'vast-ready-timeout', VAST_DEFAULTS.readyTimeout, 1000);
    return {
        apiKey,
        apiUrl,
        image,
        gpuNames,
        gpuCount,
        maxPricePerHour,
        diskGb,
        minReliability,
        offerFilters,
        order,
        release,
        ssh,
        readyTimeoutMs,
        ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
        interruptible,
        bidMargin,
        fallback,
        ...(gpuRamGb !== undefined ? { gpuRamGb } : {}),
        ...(minCuda !== undefined ? { minCuda } : {}),
        regions,
        regionText,
        tuning: (0,pacing/* readPacing */.Th)(env, 'vast', settings/* DEFAULT_TUNING */.o)
    };
}


/***/ }),

/***/ 9714:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ tuningOf),
/* harmony export */   o: () => (/* binding */ DEFAULT_TUNING)
/* harmony export */ });
const DEFAULT_TUNING = {
    pollMinMs: 2000,
    pollMaxMs: 10_000,
    probeMinMs: 100,
    probeMaxMs: 1000,
    connectTimeoutMs: 20_000,
    retryBaseMs: 2000,
    retryMaxMs: 30_000,
    retryAttempts: 6,
    requestTimeoutMs: 60_000,
    verifyAttempts: 10,
    verifyIntervalMs: 5000,
    keepaliveIntervalMs: 15_000,
    watchIntervalMs: 15_000
};
function tuningOf(s) {
    return { ...DEFAULT_TUNING, ...(s.tuning ?? {}) };
}


/***/ })

};
;