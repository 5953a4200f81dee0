import { playwright } from '@vitest/browser-playwright'
import { defineProject } from 'vitest/config'
import { vitestBrowsers } from '../../scripts/browsers.mjs'

/**
 * The plain-server rows of the interop matrix in real Chromium and Firefox ESR: `test/browser/global-setup.ts`
 * runs the servers in Node and lets the page drive them over a control server.
 */
export default defineProject({
  resolve: { conditions: ['@switchline/source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['@switchline/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'interop-browser',
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 20_000,
    browser: vitestBrowsers(playwright),
  },
})
