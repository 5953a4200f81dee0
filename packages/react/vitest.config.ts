import { defineProject } from 'vitest/config'

// Node: the store's unit tests, server rendering (react-dom/server) against a real server, and the type tests.
// Workspace packages are read from source through the `@switchline/source` export condition.
const conditions = ['@switchline/source', 'module', 'node', 'development|production']

export default defineProject({
  ssr: { resolve: { conditions } },
  test: {
    name: 'react',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/browser/**', '**/node_modules/**'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
})
