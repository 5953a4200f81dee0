/**
 * Where the test browsers are, shared by `e2e/playwright.config.ts`, `packages/client/vitest.browser.config.ts`
 * and `scripts/ensure-browsers.mjs`. Lookup order per browser:
 *
 * 1. an environment variable (`SWITCHLINE_CHROMIUM`, `SWITCHLINE_FIREFOX`): a path to the executable;
 * 2. the Debian package (`/usr/bin/chromium`, `/usr/bin/firefox-esr`);
 * 3. Playwright's own download (`playwright install`), used when neither of the above exists.
 *
 * A stock Firefox (Debian's ESR, or one named by the env var) is driven over WebDriver BiDi
 * (`channel: 'moz-firefox'`); Playwright's own Firefox build needs no channel.
 */
import { existsSync } from 'node:fs'

/** @typedef {'chromium' | 'firefox'} BrowserName */

export const BROWSERS = /** @type {const} */ (['chromium', 'firefox'])

export const ENV_VARS = { chromium: 'SWITCHLINE_CHROMIUM', firefox: 'SWITCHLINE_FIREFOX' }

export const DEBIAN_PATHS = { chromium: '/usr/bin/chromium', firefox: '/usr/bin/firefox-esr' }

export const DEBIAN_PACKAGES = { chromium: 'chromium', firefox: 'firefox-esr' }

/**
 * Flags for a system Chromium on a machine without internet: without the networking ones Chromium floods the
 * closed network with refused connections.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Finds one browser. `executablePath` is `undefined` when Playwright's own browser is to be used.
 * @param {BrowserName} name
 * @param {{ env?: Record<string, string | undefined>, exists?: (path: string) => boolean }} [io]
 * @returns {{ name: BrowserName, source: 'env' | 'debian' | 'playwright', executablePath: string | undefined }}
 */
export function findBrowser(name, io = {}) {
  const env = io.env ?? process.env
  const exists = io.exists ?? existsSync
  const fromEnv = env[ENV_VARS[name]]
  if (fromEnv) return { name, source: 'env', executablePath: fromEnv }
  if (exists(DEBIAN_PATHS[name])) return { name, source: 'debian', executablePath: DEBIAN_PATHS[name] }
  return { name, source: 'playwright', executablePath: undefined }
}

/**
 * Playwright `launch()` options for one browser (also what vitest's `playwright({ launchOptions })` takes).
 * @param {BrowserName} name
 * @returns {{ executablePath?: string, channel?: string, args?: string[] }}
 */
export function launchOptions(name) {
  const { executablePath } = findBrowser(name)
  if (name === 'chromium') {
    return executablePath ? { executablePath, args: CHROMIUM_ARGS } : { args: CHROMIUM_ARGS.slice(1) }
  }
  return executablePath ? { executablePath, channel: 'moz-firefox' } : {}
}

/**
 * The `use` block of a Playwright Test project for one browser.
 * @param {BrowserName} name
 */
export function playwrightUse(name) {
  const { channel, ...rest } = launchOptions(name)
  return channel ? { browserName: name, channel, launchOptions: rest } : { browserName: name, launchOptions: rest }
}

/**
 * The `test.browser` block of a vitest browser project: headless Chromium and Firefox ESR, one instance each, found
 * as `launchOptions` finds them.
 * @template P
 * @param {(options: { launchOptions: ReturnType<typeof launchOptions> }) => P} playwright the provider factory of
 *   `@vitest/browser-playwright` (passed in: this file is outside the packages that depend on it)
 */
export function vitestBrowsers(playwright) {
  return {
    enabled: true,
    headless: true,
    screenshotFailures: false,
    provider: playwright({ launchOptions: launchOptions('chromium') }),
    instances: [
      { browser: /** @type {const} */ ('chromium') },
      { browser: /** @type {const} */ ('firefox'), provider: playwright({ launchOptions: launchOptions('firefox') }) },
    ],
  }
}
