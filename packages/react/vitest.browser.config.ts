import { playwright } from '@vitest/browser-playwright'
import { defineProject } from 'vitest/config'
import { vitestBrowsers } from '../../scripts/browsers.mjs'

/**
 * The hooks in React 19 in real Chromium and Firefox ESR (vitest-browser-react), against a real Switchline server
 * that `test/browser/global-setup.ts` starts (faults on) and provides as `switchlineUrl`.
 */
export default defineProject({
  resolve: { conditions: ['@switchline/source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['@switchline/source', 'module', 'node', 'development|production'] } },
  optimizeDeps: {
    include: [
      'react',
      'react/jsx-dev-runtime',
      'react-dom',
      'react-dom/client',
      'react-dom/server',
      'vitest-browser-react',
    ],
  },
  test: {
    name: 'react-browser',
    include: ['test/browser/**/*.test.tsx'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 15_000,
    // Files share the instance's server and count its connections: one file at a time per browser.
    fileParallelism: false,
    browser: vitestBrowsers(playwright),
  },
})
