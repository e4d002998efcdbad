"use strict";
exports.id = 483;
exports.ids = [483];
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

/***/ 483:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readNomadSettings: () => (/* binding */ readNomadSettings)
});

// UNUSED EXPORTS: normalizeNomadAddr, readPem

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ../../src/input-parsers.ts + 1 modules
var input_parsers = __webpack_require__(4227);
// EXTERNAL MODULE: ../../src/util/errors.ts
var errors = __webpack_require__(4911);
// EXTERNAL MODULE: ../../src/util/redact.ts
var redact = __webpack_require__(3705);
;// CONCATENATED MODULE: ../../src/providers/nomad/login-inputs.ts

/** Nomad's own rule for auth method names (nomad/structs/acl.go ValidACLAuthMethod). */
const AUTH_METHOD_NAME = /^[a-zA-Z0-9-]{1,128}$/;
/**
 * nomad-auth-method and nomad-oidc-audience: log in with the job's GitHub OIDC token instead of a
 * stored nomad-token. The audience is required with the method: GitHub's default audience
 * (https://github.com/<owner>) is shared by every relying party that accepts it, so a token minted
 * for Nomad could be replayed elsewhere; the admin picks one for the auth method's BoundAudiences
 * and the workflow names the same one.
 */
function readNomadLogin(input) {
    const authMethod = input('nomad-auth-method').trim();
    const audience = input('nomad-oidc-audience').trim();
    if (!authMethod) {
        if (audience)
            throw new errors/* InputError */.dz('nomad-oidc-audience', 'is set but nomad-auth-method is not; set nomad-auth-method to the JWT auth method to log in with');
        return undefined;
    }
    if (input('nomad-token').trim()) {
        throw new errors/* InputError */.dz('nomad-auth-method', "nomad-auth-method and nomad-token are both set; use one: nomad-auth-method logs in with the job's OIDC token and needs no stored token");
    }
    if (!AUTH_METHOD_NAME.test(authMethod)) {
        throw new errors/* InputError */.dz('nomad-auth-method', `'${authMethod}' is not an auth method name; letters, digits and '-' (at most 128) are accepted`);
    }
    if (!audience) {
        throw new errors/* InputError */.dz('nomad-oidc-audience', "is required with nomad-auth-method: the audience Offload asks GitHub to put in the ID token, one of the auth method's BoundAudiences");
    }
    if (/\s/.test(audience))
        throw new errors/* InputError */.dz('nomad-oidc-audience', `'${audience}' contains whitespace; give one audience`);
    return { authMethod, audience };
}

// EXTERNAL MODULE: ../../src/pacing.ts
var pacing = __webpack_require__(6637);
// EXTERNAL MODULE: ../../src/providers/nomad/settings.ts
var settings = __webpack_require__(307);
;// CONCATENATED MODULE: ../../src/providers/nomad/transport-policy.ts
/**
 * The token rule for plain http: an ACL token sent over http:// to another machine crosses the
 * network in clear text, so Offload refuses it unless the workflow says the path is trusted
 * (`nomad-allow-insecure-http: true`, e.g. a private network or a sidecar proxy). Loopback and unix
 * sockets never leave the machine and are always fine; without a token nothing secret is sent.
 */
/** For insecureHttpProblem: a login (nomad-auth-method) sends the job's ID token and gets a token back. */
const LOGIN_SENDS_SECRETS = 'login';
function insecureHttpProblem(addr, token, allowInsecureHttp) {
    if (!token || allowInsecureHttp || !addr.startsWith('http://'))
        return undefined;
    let host;
    try {
        host = new URL(addr).hostname;
    }
    catch {
        return undefined;
    }
    if (isLoopbackHost(host))
        return undefined;
    return `'${addr}' is plain http to a host that is not loopback, so the Nomad token would cross the network unencrypted; use https:// (with nomad-ca-cert), or set nomad-allow-insecure-http: true if the network path is trusted`;
}
function isLoopbackHost(hostname) {
    const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

;// CONCATENATED MODULE: ../../src/providers/nomad/inputs.ts









const DRIVERS = ['docker', 'exec', 'raw_exec', 'podman'];
/**
 * Validates NOMAD_ADDR-style addresses: http(s)://host[:port] or unix:///abs/path.sock.
 * No userinfo (the token goes in X-Nomad-Token), no query, no fragment, no path prefix.
 */
function normalizeNomadAddr(raw) {
    let u;
    try {
        u = new URL(raw);
    }
    catch {
        return undefined;
    }
    if (u.username || u.password || u.search || u.hash || raw.includes('?') || raw.includes('#'))
        return undefined;
    if (u.protocol === 'unix:') {
        // unix:///abs/path -> host '' and an absolute path
        if (u.host !== '' || !raw.startsWith('unix:///') || !u.pathname || u.pathname === '/')
            return undefined;
        return `unix://${decodeURIComponent(u.pathname)}`;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
        return undefined;
    if (!u.hostname)
        return undefined;
    if (u.pathname !== '/' && u.pathname !== '')
        return undefined;
    return `${u.protocol}//${u.host}`;
}
/** PEM text as given, or the contents of the file it names. */
function readPem(input, value, what) {
    if (value.includes('-----BEGIN'))
        return value.trim() + '\n';
    let text;
    try {
        text = external_node_fs_.readFileSync(value, 'utf8');
    }
    catch (err) {
        throw new errors/* InputError */.dz(input, `${what}: PEM text or the path of a readable PEM file is accepted; could not read '${value}' (${err.code ?? 'error'})`);
    }
    if (!text.includes('-----BEGIN'))
        throw new errors/* InputError */.dz(input, `${what}: the file '${value}' holds no PEM block`);
    return text;
}
/** Reads and validates every Nomad input. Throws InputError naming the input at the first problem. */
function readNomadSettings(input, env) {
    const get = (name, envName) => {
        const v = input(name).trim();
        if (v !== '')
            return v;
        return envName ? (env[envName] ?? '').trim() : '';
    };
    const rawAddr = get('nomad-addr', 'NOMAD_ADDR') || 'http://127.0.0.1:4646';
    const addr = normalizeNomadAddr(rawAddr);
    if (!addr) {
        throw new errors/* InputError */.dz('nomad-addr', `'${rawAddr.replace(/\/\/[^@/]*@/, '//***@')}' is not accepted; use http://host:port, https://host:port or unix:///absolute/path.sock (no credentials, path, query or fragment; the token goes in nomad-token)`);
    }
    // With nomad-auth-method a stray $NOMAD_TOKEN is ignored: the login's token is the one sent.
    const login = readNomadLogin(input);
    const token = login ? '' : get('nomad-token', 'NOMAD_TOKEN');
    if (/\s/.test(token))
        throw new errors/* InputError */.dz('nomad-token', 'the token contains whitespace; give the bare secret ID');
    (0,redact/* maskSecret */.$l)(token);
    const region = get('nomad-region', 'NOMAD_REGION');
    const namespace = get('nomad-namespace', 'NOMAD_NAMESPACE');
    for (const [name, v] of [
        ['nomad-region', region],
        ['nomad-namespace', namespace]
    ]) {
        if (v && !/^[A-Za-z0-9_.-]+$/.test(v))
            throw new errors/* InputError */.dz(name, `'${v}' is not a name; letters, digits, '-', '_' and '.' are accepted`);
    }
    const dcRaw = get('nomad-datacenters') || '*';
    const datacenters = dcRaw
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
    if (datacenters.length === 0 || datacenters.some(d => /[\s"]/.test(d))) {
        throw new errors/* InputError */.dz('nomad-datacenters', `'${dcRaw}' is not accepted; a comma-separated list of datacenter names or globs (default *)`);
    }
    const nodePool = get('nomad-node-pool');
    if (nodePool && !/^[A-Za-z0-9_.-]+$/.test(nodePool))
        throw new errors/* InputError */.dz('nomad-node-pool', `'${nodePool}' is not a node pool name`);
    const driver = (0,input_parsers/* enumInput */.gX)(input, 'nomad-driver', DRIVERS, 'docker');
    const image = get('nomad-image') || 'ubuntu:24.04';
    if (/\s/.test(image))
        throw new errors/* InputError */.dz('nomad-image', `'${image}' is not an image reference`);
    const int = (name, dflt, unit) => {
        const v = get(name);
        if (v === '')
            return dflt;
        // Not zod: see isFilterOps in ../vast/inputs.ts (start-up cost of evaluating it).
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(n >= 1 && n <= 2 ** 31 - 1))
            throw new errors/* InputError */.dz(name, `'${v}' is not accepted; a positive whole number of ${unit}`);
        return n;
    };
    const cpu = int('nomad-cpu', 1000, 'MHz');
    const memoryMB = int('nomad-memory', 2048, 'MB');
    const diskMB = int('nomad-disk', 1024, 'MB');
    if (memoryMB < 10)
        throw new errors/* InputError */.dz('nomad-memory', 'Nomad requires at least 10 MB');
    let jobspec;
    const jobspecPath = get('nomad-jobspec');
    if (jobspecPath) {
        if (/\.hcl$/i.test(jobspecPath) || /\.nomad$/i.test(jobspecPath)) {
            throw new errors/* InputError */.dz('nomad-jobspec', `'${jobspecPath}' looks like HCL; a JSON job template is accepted (nomad job run -output job.nomad.hcl > job.json converts one)`);
        }
        let text;
        try {
            text = external_node_fs_.readFileSync(external_node_path_.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), jobspecPath), 'utf8');
        }
        catch (err) {
            throw new errors/* InputError */.dz('nomad-jobspec', `the path of a readable JSON job template is accepted; could not read '${jobspecPath}' (${err.code ?? 'error'})`);
        }
        try {
            const parsed = JSON.parse(text);
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
                throw new Error('not an object');
        }
        catch (err) {
            throw new errors/* InputError */.dz('nomad-jobspec', `'${jobspecPath}' is not a JSON object (${err.message}); a JSON job template is accepted`);
        }
        jobspec = { path: jobspecPath, text };
    }
    const caRaw = get('nomad-ca-cert', 'NOMAD_CACERT');
    const certRaw = get('nomad-client-cert', 'NOMAD_CLIENT_CERT');
    const keyRaw = get('nomad-client-key', 'NOMAD_CLIENT_KEY');
    // A key pasted as text is a secret before we even read it.
    if (keyRaw.includes('-----BEGIN'))
        (0,redact/* maskSecret */.$l)(keyRaw);
    const caCert = caRaw ? readPem('nomad-ca-cert', caRaw, 'CA certificate') : undefined;
    const clientCert = certRaw ? readPem('nomad-client-cert', certRaw, 'client certificate') : undefined;
    const clientKey = keyRaw ? readPem('nomad-client-key', keyRaw, 'client key') : undefined;
    if (clientKey)
        (0,redact/* maskSecret */.$l)(clientKey);
    if (clientCert && !clientKey)
        throw new errors/* InputError */.dz('nomad-client-key', 'nomad-client-cert is set, so the matching client key is required (PEM text or a file path)');
    if (clientKey && !clientCert)
        throw new errors/* InputError */.dz('nomad-client-cert', 'nomad-client-key is set, so the matching client certificate is required (PEM text or a file path)');
    if (clientKey && !/PRIVATE KEY-----/.test(clientKey))
        throw new errors/* InputError */.dz('nomad-client-key', 'no PRIVATE KEY block found; a PEM private key is accepted');
    const serverName = get('nomad-tls-server-name', 'NOMAD_TLS_SERVER_NAME') || undefined;
    if (serverName && !/^[A-Za-z0-9*._-]+$/.test(serverName))
        throw new errors/* InputError */.dz('nomad-tls-server-name', `'${serverName}' is not a host name`);
    const skipVerify = (0,input_parsers/* booleanInput */.tE)(input, 'nomad-tls-skip-verify', false, { env, name: 'NOMAD_SKIP_VERIFY' });
    const usesTls = addr.startsWith('https://');
    // Only TLS inputs given to this step are a mistake with http://; a stray $NOMAD_CACERT is not.
    const caInput = input('nomad-ca-cert').trim() !== '';
    const certInput = input('nomad-client-cert').trim() !== '';
    if (!usesTls && (caInput || certInput)) {
        const which = caInput ? 'nomad-ca-cert' : 'nomad-client-cert';
        throw new errors/* InputError */.dz(which, `TLS material was given but nomad-addr '${addr}' is not https://; use an https:// address or drop the TLS inputs`);
    }
    const allowInsecureHttp = (0,input_parsers/* booleanInput */.tE)(input, 'nomad-allow-insecure-http', false);
    const insecure = insecureHttpProblem(addr, login ? LOGIN_SENDS_SECRETS : token, allowInsecureHttp);
    if (insecure)
        throw new errors/* InputError */.dz('nomad-addr', insecure);
    const readyTimeoutMs = (0,input_parsers/* durationInput */.Ts)(input, 'nomad-ready-timeout', '5m');
    return {
        addr,
        token,
        login,
        region,
        namespace,
        datacenters,
        nodePool,
        driver,
        image,
        cpu,
        memoryMB,
        diskMB,
        jobspec,
        tls: { caCert, clientCert, clientKey, serverName, skipVerify },
        allowInsecureHttp,
        readyTimeoutMs,
        tuning: (0,pacing/* readPacing */.Th)(env, 'nomad', settings/* NOMAD_TUNING */.iE)
    };
}


/***/ }),

/***/ 307:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PC: () => (/* binding */ nomadRetryOf),
/* harmony export */   iE: () => (/* binding */ NOMAD_TUNING),
/* harmony export */   kd: () => (/* binding */ nomadTuningOf)
/* harmony export */ });
const NOMAD_TUNING = {
    blockingWaitMs: 30_000,
    purgeVerifyTimeoutMs: 30_000,
    retryAttempts: 6,
    retryBaseMs: 250,
    retryMaxMs: 8000,
    heartbeatMs: 10_000
};
function nomadTuningOf(s) {
    return { ...NOMAD_TUNING, ...(s.tuning ?? {}) };
}
/** The retry options of NomadClient (src/util/retry.ts withRetry) under this pacing. */
function nomadRetryOf(s) {
    const t = nomadTuningOf(s);
    return { attempts: t.retryAttempts, baseDelayMs: t.retryBaseMs, maxDelayMs: t.retryMaxMs };
}


/***/ })

};
;