import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

// `@switchline/client/protocol` is read from source through an alias rather than a global `source` resolve
// condition: that condition also matches third-party packages publishing TS sources under it (eventsource,
// eventsource-parser), which Node then cannot load in the SSR environment vitest runs tests in.
export default defineProject({
  resolve: {
    alias: {
      '@switchline/client/protocol': fileURLToPath(new URL('../client/src/protocol/index.ts', import.meta.url)),
    },
  },
  test: {
    name: 'server',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})
