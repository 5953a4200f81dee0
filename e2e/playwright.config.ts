import { defineConfig } from '@playwright/test'
import { playwrightUse } from '../scripts/browsers.mjs'

/**
 * Playwright e2e: the playground page in Chromium and Firefox ESR against the reference server with faults.
 * `global-setup.ts` starts one playground (Vite + embedded server) per worker on 127.0.0.1:0 and passes the
 * URLs through `process.env`; each worker uses its own, so server-wide faults and counts never mix.
 */
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // One worker by default: on a 2-core machine two browsers plus Vite at once starve each other (page loads
  // over 10 s in Firefox). Each worker gets its own playground, so E2E_WORKERS=2 is safe on bigger machines.
  workers: Number(process.env.E2E_WORKERS ?? 1),
  reporter: 'list',
  use: {
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'chromium', use: playwrightUse('chromium') },
    // Run once, in Chromium: the screenshot artifact, and the server-only checks of the test routes.
    { name: 'firefox', use: playwrightUse('firefox'), testIgnore: /(screenshot|test-routes)\.spec\.ts/ },
  ],
})
