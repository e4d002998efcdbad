"use strict";
exports.id = 497;
exports.ids = [497];
exports.modules = {

/***/ 35497:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   loginWithGitHubOidc: () => (/* binding */ loginWithGitHubOidc)
/* harmony export */ });
/* unused harmony exports ID_TOKEN_PERMISSION_HELP, githubIdToken */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(37484);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(_actions_core__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _util_errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(70017);
/* harmony import */ var _util_redact__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(50767);
/* harmony import */ var _client__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(54667);




const ID_TOKEN_PERMISSION_HELP = 'add `permissions: id-token: write` to the workflow or job (a pull_request from a fork never gets one; nomad-auth-method needs a job that may request an ID token)';
/** Masks a secret in the runner log and in everything Offload itself prints or stores. */
function mask(secret) {
    (0,_util_redact__WEBPACK_IMPORTED_MODULE_2__/* .maskSecret */ .$l)(secret);
}
/** The job's GitHub ID token for `audience`, masked; the error says which permission is missing. */
async function githubIdToken(audience) {
    const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter(v => !process.env[v]);
    if (missing.length) {
        throw new _util_errors__WEBPACK_IMPORTED_MODULE_1__/* .ProviderError */ .mZ(`nomad-auth-method is set, so Offload logs in to Nomad with the job's GitHub OIDC token, but the runner gave this step no way to request one (${missing.join(' and ')} not set): ${ID_TOKEN_PERMISSION_HELP}`);
    }
    mask(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
    let jwt;
    try {
        jwt = await _actions_core__WEBPACK_IMPORTED_MODULE_0__.getIDToken(audience);
    }
    catch (err) {
        throw new _util_errors__WEBPACK_IMPORTED_MODULE_1__/* .ProviderError */ .mZ(`requesting the job's GitHub OIDC token (audience '${audience}', input nomad-oidc-audience) failed: ${(0,_util_redact__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)((0,_util_errors__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(err).replace(/\s+/g, ' ').trim())}`);
    }
    mask(jwt);
    return jwt;
}
/** Claims worth showing when Nomad's binding rules refuse the token (none of them is a secret). */
const SHOWN_CLAIMS = ['iss', 'aud', 'sub', 'repository', 'ref', 'environment', 'workflow', 'job_workflow_ref', 'event_name'];
function describeClaims(jwt) {
    try {
        const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
        const parts = SHOWN_CLAIMS.filter(k => payload[k] !== undefined && payload[k] !== '').map(k => `${k}=${JSON.stringify(payload[k])}`);
        return parts.length ? ` The ID token's claims: ${parts.join(', ')}.` : '';
    }
    catch {
        return '';
    }
}
/** What to look at for each of Nomad's login refusals (texts from nomad/acl_endpoint.go Login and hashicorp/cap jwt). */
function explain(err, login, jwt) {
    const body = err.body;
    const m = login.authMethod;
    if (err.status === 404 || err.status === 405) {
        return `this Nomad agent has no /v1/acl/login (JWT auth methods need Nomad 1.5.4 or later); use nomad-token instead of nomad-auth-method`;
    }
    if (/ACL support disabled/i.test(body))
        return `the cluster has ACLs off, so there is nothing to log in to: drop nomad-auth-method and nomad-oidc-audience`;
    if (/auth-method .* not found/i.test(body)) {
        return `check nomad-auth-method: the cluster has no auth method named '${m}' (nomad acl auth-method list shows them)`;
    }
    if (/unsupported auth-method type/i.test(body))
        return `check nomad-auth-method: '${m}' must be an auth method of type JWT`;
    if (/no role or policy bindings matched/i.test(body)) {
        return `the ID token was valid, but no binding rule of auth method '${m}' matched its claims (or the policies and roles they name do not exist): check the rules' Selector (value.<name> needs a ClaimMappings entry) against this job.${describeClaims(jwt)}`;
    }
    if (/audience/i.test(body)) {
        return `check nomad-oidc-audience: '${login.audience}' is not among the BoundAudiences of auth method '${m}'`;
    }
    if (/issuer/i.test(body)) {
        return `the auth method's BoundIssuer does not accept the token's issuer (GitHub: https://token.actions.githubusercontent.com, or your enterprise's issuer).${describeClaims(jwt)}`;
    }
    if (/expired|not yet valid|in the future/i.test(body)) {
        return `Nomad found the ID token outside its validity window: compare the runner's and the Nomad servers' clocks, or raise the auth method's ClockSkewLeeway`;
    }
    if (/signature|JWKS|public key|algorithm/i.test(body)) {
        return `Nomad could not verify the ID token's signature: check auth method '${m}' (JWKSURL https://token.actions.githubusercontent.com/.well-known/jwks reachable from the servers, SigningAlgs RS256)`;
    }
    return `check nomad-auth-method ('${m}') and nomad-oidc-audience ('${login.audience}') against the auth method's configuration`;
}
/**
 * Logs in once: a fresh ID token, exchanged for a Nomad ACL token. The login client sends no
 * token (the endpoint needs none), and the call is retried on 429/5xx/connection errors: a
 * repeated login can at worst mint a second short-lived token, never a remote.
 */
async function loginWithGitHubOidc(at, login, retry, signal) {
    const jwt = await githubIdToken(login.audience);
    const client = new _client__WEBPACK_IMPORTED_MODULE_3__/* .NomadClient */ .fi({ ...at, token: '' }, retry);
    let answer;
    try {
        answer = (await client.call('POST', '/v1/acl/login', {
            body: { AuthMethodName: login.authMethod, LoginToken: jwt },
            idempotent: true,
            signal,
            errorBodyHasNoUnregisteredSecret: true
        })).data;
    }
    catch (err) {
        if (err instanceof _client__WEBPACK_IMPORTED_MODULE_3__/* .NomadApiError */ .S9) {
            throw new _util_errors__WEBPACK_IMPORTED_MODULE_1__/* .ProviderError */ .mZ(`logging in to Nomad with auth method '${login.authMethod}' failed: HTTP ${err.status}${err.body ? `: ${err.body}` : ''}. ${explain(err, login, jwt)}`);
        }
        throw new _util_errors__WEBPACK_IMPORTED_MODULE_1__/* .ProviderError */ .mZ(`logging in to Nomad with auth method '${login.authMethod}' failed: ${(0,_util_redact__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)((0,_util_errors__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(err))}`, { cause: err });
    }
    finally {
        await client.close();
    }
    const secret = typeof answer?.SecretID === 'string' ? answer.SecretID : '';
    if (!secret)
        throw new _util_errors__WEBPACK_IMPORTED_MODULE_1__/* .ProviderError */ .mZ(`Nomad answered the login with auth method '${login.authMethod}' without a SecretID; is nomad-addr a Nomad agent?`);
    mask(secret);
    const exp = typeof answer?.ExpirationTime === 'string' ? Date.parse(answer.ExpirationTime) : NaN;
    const expiresAt = Number.isFinite(exp) && exp > 0 ? exp : undefined;
    const policies = Array.isArray(answer?.Policies) ? answer.Policies.filter(p => typeof p === 'string') : [];
    const grants = answer?.Type === 'management' ? 'a management token' : policies.length ? `policies ${policies.join(', ')}` : 'its roles';
    _actions_core__WEBPACK_IMPORTED_MODULE_0__.info(`Logged in to Nomad with auth method '${login.authMethod}' (${grants}${expiresAt ? `; the token expires at ${new Date(expiresAt).toISOString()}` : ''})`);
    return { secret, expiresAt };
}


/***/ })

};
;