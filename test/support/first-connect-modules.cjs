'use strict'
// Preloaded (NODE_OPTIONS=-r) into a bundle under test: at the process's first outgoing TCP
// connection (its first provider request), writes the files loaded so far (require.cache, which
// holds the ncc chunks too) as JSON to $OFFLOAD_TEST_LOADED_OUT. test/e2e/cold-start.test.ts.
const fs = require('node:fs')
const net = require('node:net')

const connect = net.Socket.prototype.connect
let written = false
net.Socket.prototype.connect = function (...args) {
  if (!written) {
    written = true
    fs.writeFileSync(process.env.OFFLOAD_TEST_LOADED_OUT, JSON.stringify(Object.keys(require.cache)))
  }
  return connect.apply(this, args)
}
