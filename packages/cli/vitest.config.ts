import { defineProject } from 'vitest/config'

// `@switchline/server` (the reference server the tests start in-process) is read from source through the
// `@switchline/source` export condition. The bin under test runs as a child process from `dist/`, which the
// global setup builds when it is missing or older than `src/`.
const conditions = ['@switchline/source', 'module', 'node', 'development|production']

export default defineProject({
  ssr: { resolve: { conditions } },
  test: {
    name: 'cli',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/build-bin.ts'],
    // Child processes on a shared 2-core machine: every wait inside a test has its own deadline below this.
    testTimeout: 30_000,
  },
})
