'use strict'
// See README.md: loaded by @actions/core's oidc-utils, used only by getIDToken.
class HttpClient {
  constructor() {
    throw new Error('Offload does not request OIDC tokens: @actions/http-client is not bundled (vendor/no-oidc-http-client)')
  }
}
module.exports = { HttpClient }
