// The node test environment, with each test's own output held back: what a test (or @actions/core
// running in-process: `::add-mask::`, core.info) writes to stdout or stderr, and what the runner
// harness records of the dist/ steps it runs (test/support/runner.ts), is kept per test and
// printed only when that test fails, under a header naming it. Output between tests (beforeAll and
// afterAll hooks, a late log line of something a test started) is held the same way and printed
// only when a hook fails. A passing run's log is then Jest's own report, and a failing test's log
// sits next to its failure.
const { TestEnvironment } = require('jest-environment-node')

class QuietEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context)
    this.held = []
    this.holding = false
    this.restore = []
  }

  // The hold is the innermost writer, installed before the test file loads: a test that captures
  // output itself (test/support/vast/context.ts captureOutput, even from beforeAll) wraps it and
  // still sees every write.
  async setup() {
    await super.setup()
    this.global.__offloadTestOutput = text => this.held.push(text)
    this.holding = true
    for (const stream of [this.global.process.stdout, this.global.process.stderr]) {
      const write = stream.write
      stream.write = (chunk, encoding, cb) => {
        if (!this.holding) return write.call(stream, chunk, encoding, cb)
        this.held.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
        const done = typeof encoding === 'function' ? encoding : cb
        if (done) process.nextTick(done)
        return true
      }
      this.restore.push(() => (stream.write = write))
    }
  }

  async teardown() {
    this.holding = false
    while (this.restore.length) this.restore.pop()()
    await super.teardown()
  }

  print(what, block) {
    if (!this.held.length) return
    const name = []
    for (let t = block; t && t.name !== 'ROOT_DESCRIBE_BLOCK'; t = t.parent) name.unshift(t.name)
    process.stderr.write(`\n---- output of failing ${what}: ${name.join(' › ') || 'top level'} ----\n${this.held.join('')}\n---- end of output ----\n`)
  }

  async handleTestEvent(event) {
    // test_started (not test_start) fires only for tests that run: skipped ones get no test_done.
    if (event.name === 'test_started') this.held = []
    if (event.name === 'test_done') {
      if (event.test.errors.length) this.print('test', event.test)
      this.held = []
    }
    // beforeAll/afterAll (no test): what they printed, with what came between tests, only if they fail.
    if (event.name === 'hook_failure' && !event.test) {
      this.print(`${event.hook.type} hook in`, event.hook.parent)
      this.held = []
    }
  }
}

module.exports = QuietEnvironment
