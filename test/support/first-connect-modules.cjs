'use strict'
// Preloaded (NODE_OPTIONS=-r) into a bundle under test: at the process's first outgoing TCP
// connection (its first provider request), writes what has been loaded so far as JSON to
// $OFFLOAD_TEST_LOADED_OUT: `files`, the files in require.cache (which holds the ncc chunks too),
// and `undiciInternals`, the entries of Node's own module list naming undici (Node loads its
// internal undici, with llhttp, on the first global fetch() or WebSocket). test/e2e/cold-start.test.ts.
const fs = require('node:fs')
const net = require('node:net')

const connect = net.Socket.prototype.connect
let written = false
net.Socket.prototype.connect = function (...args) {
  if (!written) {
    written = true
    const loaded = { files: Object.keys(require.cache), undiciInternals: process.moduleLoadList.filter(m => /undici/i.test(m)) }
    fs.writeFileSync(process.env.OFFLOAD_TEST_LOADED_OUT, JSON.stringify(loaded))
  }
  return connect.apply(this, args)
}
