import { defineProject } from 'vitest/config'

// `@switchline/client/protocol` is read from source through the `@switchline/source` export condition.
const conditions = ['@switchline/source', 'module', 'node', 'development|production']

export default defineProject({
  ssr: { resolve: { conditions } },
  test: {
    name: 'server',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})
