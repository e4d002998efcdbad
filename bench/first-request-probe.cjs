// Preloaded into dist/main by the cold start row's cause (NODE_OPTIONS=--require): at the process's
// first outgoing connection (its first provider request) writes its CPU time and RSS so far, as
// JSON, to OFFLOAD_BENCH_PROBE_FILE. CPU time, unlike the wall time, does not grow with the
// machine's load, so it says how much of the delta is work in dist/main.
const fs = require('node:fs')
const net = require('node:net')
const file = process.env.OFFLOAD_BENCH_PROBE_FILE
const connect = net.Socket.prototype.connect
let written = false
net.Socket.prototype.connect = function (...args) {
  if (file && !written) {
    written = true
    const cpu = process.cpuUsage()
    fs.writeFileSync(file, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, rssBytes: process.memoryUsage().rss }))
  }
  return connect.apply(this, args)
}
