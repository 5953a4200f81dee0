import { defineConfig } from 'vitest/config'

// One vitest run for the whole workspace; each package owns its project config. The client's and the React
// package's browser projects run their tests in Chromium and Firefox (one instance per browser; see
// scripts/browsers.mjs).
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'packages/client/vitest.browser.config.ts', 'packages/react/vitest.browser.config.ts'],
  },
})
