'use strict'
// See README.md: loaded by @actions/core's oidc-utils, used only by getIDToken. The real client is
// loaded on the first request, as a chunk of its own, so only runs that ask for an OIDC token
// (nomad-auth-method) parse it. The specifier below is not the one tsconfig.json's `paths` maps.
const { realHandlers } = require('./lib/auth')

class HttpClient {
  constructor(userAgent, handlers, requestOptions) {
    this.args = { userAgent, handlers: handlers || [], requestOptions }
  }

  async getJson(requestUrl, additionalHeaders) {
    const [{ HttpClient: Real }, auth] = await Promise.all([
      import('@actions/http-client/lib/index.js'),
      import('@actions/http-client/lib/auth.js')
    ])
    const { userAgent, handlers, requestOptions } = this.args
    return new Real(userAgent, realHandlers(handlers, auth), requestOptions).getJson(requestUrl, additionalHeaders)
  }
}
module.exports = { HttpClient }
