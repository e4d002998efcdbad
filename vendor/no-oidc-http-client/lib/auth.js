'use strict'
// See ../README.md: holds the token until ../index.js hands it to the real handler.
class BearerCredentialHandler {
  constructor(token) {
    this.token = token
  }
}

/** The real @actions/http-client handlers for the stand-ins @actions/core constructed. */
function realHandlers(handlers, auth) {
  return handlers.map(h => {
    if (!(h instanceof BearerCredentialHandler)) throw new Error('vendor/no-oidc-http-client: only BearerCredentialHandler is supported')
    return new auth.BearerCredentialHandler(h.token)
  })
}
module.exports = { BearerCredentialHandler, realHandlers }
