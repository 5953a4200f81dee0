import { defineProject } from 'vitest/config'

// Workspace packages (e.g. @switchline/server in integration tests) are read from source through the
// `@switchline/source` export condition; Node tests resolve in vite's SSR environment.
const conditions = ['@switchline/source', 'module', 'node', 'development|production']

export default defineProject({
  ssr: { resolve: { conditions } },
  test: {
    name: 'client',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', '**/node_modules/**'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
  },
})
