import { defineProject } from 'vitest/config'

// The interop matrix in Node: every server library × case against raw subscribe() (read from source through the
// `@switchline/source` export condition, like the other packages' tests).
const conditions = ['@switchline/source', 'module', 'node', 'development|production']

export default defineProject({
  ssr: { resolve: { conditions } },
  test: {
    name: 'interop',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', '**/node_modules/**'],
    // Each check starts its own server; they run concurrently (mostly waiting on the network).
    maxConcurrency: 6,
    testTimeout: 20_000,
  },
})
