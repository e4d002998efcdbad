/** Tests run under the pinned Node 24 (npm test puts node_modules/.bin first on PATH). */
module.exports = {
  preset: 'ts-jest',
  // Node, with each test's output held back and printed only when it fails.
  testEnvironment: '<rootDir>/test/support/quiet-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 120000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js']
}
