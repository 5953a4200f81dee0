import { defineProject } from 'vitest/config'

// Workspace packages are read from source through the `@switchline/source` export condition (like the other
// packages; the bench's unit tests only cover its pure helpers).
const conditions = ['@switchline/source', 'module', 'node', 'development|production']

export default defineProject({
  ssr: { resolve: { conditions } },
  test: {
    name: 'bench',
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
