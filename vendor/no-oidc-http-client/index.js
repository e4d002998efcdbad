'use strict'
// See README.md: loaded by @actions/core's oidc-utils (getIDToken) and by @actions/cache (its
// Twirp client and blob download), so both only in runs that ask for them. The real client is
// loaded on the first request, as a chunk of its own. The specifier below is not the one
// tsconfig.json's `paths` maps.
const { realHandlers } = require('./lib/auth')

/** The request methods @actions/core and @actions/cache call; each one waits for the real client. */
const METHODS = ['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'sendStream', 'getJson', 'postJson', 'putJson', 'patchJson']

class HttpClient {
  constructor(userAgent, handlers, requestOptions) {
    this.args = { userAgent, handlers: handlers || [], requestOptions }
    this.real = undefined
  }

  async realClient() {
    if (!this.real) {
      const [{ HttpClient: Real }, auth] = await Promise.all([
        import('@actions/http-client/lib/index.js'),
        import('@actions/http-client/lib/auth.js')
      ])
      const { userAgent, handlers, requestOptions } = this.args
      this.real ??= new Real(userAgent, realHandlers(handlers, auth), requestOptions)
    }
    return this.real
  }

  dispose() {
    this.real?.dispose()
  }
}
for (const name of METHODS) {
  HttpClient.prototype[name] = async function (...args) {
    return (await this.realClient())[name](...args)
  }
}

/** As the real module's: @actions/cache compares status codes with these. */
const HttpCodes = {
  OK: 200,
  MultipleChoices: 300,
  MovedPermanently: 301,
  ResourceMoved: 302,
  SeeOther: 303,
  NotModified: 304,
  UseProxy: 305,
  SwitchProxy: 306,
  TemporaryRedirect: 307,
  PermanentRedirect: 308,
  BadRequest: 400,
  Unauthorized: 401,
  PaymentRequired: 402,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  ProxyAuthenticationRequired: 407,
  RequestTimeout: 408,
  Conflict: 409,
  Gone: 410,
  TooManyRequests: 429,
  InternalServerError: 500,
  NotImplemented: 501,
  BadGateway: 502,
  ServiceUnavailable: 503,
  GatewayTimeout: 504
}

/**
 * Matches the real module's HttpClientError by name (the errors come from the real client, a
 * class of another module), so `instanceof` in @actions/cache still sorts them.
 */
class HttpClientError extends Error {
  constructor(message, statusCode) {
    super(message)
    this.name = 'HttpClientError'
    this.statusCode = statusCode
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === 'HttpClientError'
  }
}

module.exports = { HttpClient, HttpCodes, HttpClientError }
