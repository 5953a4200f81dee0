import { playwright } from '@vitest/browser-playwright'
import { defineProject } from 'vitest/config'
import { vitestBrowsers } from '../../scripts/browsers.mjs'

/**
 * The SDK tests that touch browser APIs (native EventSource/WebSocket looked up at connect time, online/offline,
 * visibility), in real Chromium and Firefox ESR. `test/browser/global-setup.ts` starts a real Switchline server
 * (faults on) and provides its URL; msw mocks endpoints where a mock is the better test (its worker is served
 * from `test/browser/public`).
 */
// Vite's default conditions (client / server), with the workspace's `source` condition first.
export default defineProject({
  resolve: { conditions: ['@switchline/source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['@switchline/source', 'module', 'node', 'development|production'] } },
  publicDir: 'test/browser/public',
  optimizeDeps: { include: ['msw/browser', 'msw'] },
  test: {
    name: 'client-browser',
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 15_000,
    // Files share the instance's server, and some drop its connections: one file at a time per browser.
    fileParallelism: false,
    browser: vitestBrowsers(playwright),
  },
})
