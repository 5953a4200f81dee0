import { defineConfig } from 'vitest/config'

// One vitest run for the whole workspace; each package owns its project config.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
  },
})
