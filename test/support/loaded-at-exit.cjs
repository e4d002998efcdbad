'use strict'
// Preloaded (NODE_OPTIONS=-r) into a bundle under test: when the process exits, writes the files
// in require.cache (which holds the ncc chunks too) as JSON to $OFFLOAD_TEST_LOADED_OUT: what the
// whole step loaded, not only its start-up (first-connect-modules.cjs). test/e2e/cold-start.test.ts.
const fs = require('node:fs')

process.on('exit', () => {
  fs.writeFileSync(process.env.OFFLOAD_TEST_LOADED_OUT, JSON.stringify({ files: Object.keys(require.cache) }))
})
