'use strict'
// See README.md: what the bundles get for `@actions/exec`. The real module is loaded on the first
// call, as a chunk of its own; the specifier below is not the one tsconfig.json's `paths` maps.
const real = () => import('@actions/exec/lib/exec.js')

async function exec(commandLine, args, options) {
  return (await real()).exec(commandLine, args, options)
}

async function getExecOutput(commandLine, args, options) {
  return (await real()).getExecOutput(commandLine, args, options)
}

module.exports = { exec, getExecOutput }
