// Preloaded into the action process by the benchmark's download cause cell (NODE_OPTIONS=--require):
// writes the process's garbage collections (count and ms, young and full) to OFFLOAD_BENCH_GC_FILE
// as JSON when it exits. Only main's: post runs with the same environment.
const fs = require('node:fs')
const { PerformanceObserver, constants } = require('node:perf_hooks')
const file = process.env.OFFLOAD_BENCH_GC_FILE
if (file && /[\\/]main[\\/]index\.js$/.test(process.argv[1] ?? '')) {
  const seen = { minor: { n: 0, ms: 0 }, major: { n: 0, ms: 0 } }
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      const kind =
        e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : undefined
      if (!kind) continue
      seen[kind].n++
      seen[kind].ms += e.duration
    }
  }).observe({ entryTypes: ['gc'] })
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify(seen)))
}
