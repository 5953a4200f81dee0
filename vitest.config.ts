import { defineConfig } from 'vitest/config'

// One vitest run for the whole workspace; each package owns its project config. The client's, the React package's
// and the interop suite's browser projects run their tests in Chromium and Firefox (one instance per browser; see
// scripts/browsers.mjs). The interop reporter does nothing unless INTEROP_WRITE=1 (then it writes
// packages/interop/results.json from a run of the whole interop matrix).
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/client/vitest.browser.config.ts',
      'packages/react/vitest.browser.config.ts',
      'packages/interop/vitest.browser.config.ts',
    ],
    reporters: ['default', './packages/interop/src/results/reporter.ts'],
  },
})
