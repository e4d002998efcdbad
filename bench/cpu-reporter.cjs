// Preloaded into the action process by the benchmark's Nomad cause cells (NODE_OPTIONS=--require):
// appends the process's CPU time (user + system, ms) to OFFLOAD_BENCH_CPU_FILE when it exits.
const fs = require('node:fs')
const file = process.env.OFFLOAD_BENCH_CPU_FILE
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage()
    fs.appendFileSync(file, `${(u.userCPUTime + u.systemCPUTime) / 1000}\n`)
  })
}
