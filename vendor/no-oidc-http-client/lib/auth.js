'use strict'
// See ../README.md.
class BearerCredentialHandler {
  constructor() {
    throw new Error('Offload does not request OIDC tokens: @actions/http-client is not bundled (vendor/no-oidc-http-client)')
  }
}
module.exports = { BearerCredentialHandler }
