// Prints the plain "N passed, N failed" closing line that CI reads, after Jest's own summary.
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    process.stdout.write(`\n${results.numPassedTests} passed, ${results.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : '') + '\n')
  }
}
module.exports = ClosingLineReporter
