// Preloaded into the action process by the benchmark (NODE_OPTIONS=--require): appends the
// process's peak RSS in bytes to OFFLOAD_BENCH_RSS_FILE when it exits.
const fs = require('node:fs')
const file = process.env.OFFLOAD_BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    fs.appendFileSync(file, `${process.resourceUsage().maxRSS * 1024}\n`)
  })
}
