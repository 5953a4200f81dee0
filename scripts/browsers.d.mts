/** Types of `browsers.mjs` (the test-browser lookup shared by the Playwright and vitest configs). */
export type BrowserName = 'chromium' | 'firefox'
export declare const BROWSERS: readonly BrowserName[]
export declare const ENV_VARS: Record<BrowserName, string>
export declare const DEBIAN_PATHS: Record<BrowserName, string>
export declare const DEBIAN_PACKAGES: Record<BrowserName, string>
export declare const CHROMIUM_ARGS: string[]
export interface FoundBrowser {
  name: BrowserName
  source: 'env' | 'debian' | 'playwright'
  executablePath: string | undefined
}
export declare function findBrowser(
  name: BrowserName,
  io?: { env?: Record<string, string | undefined>; exists?: (path: string) => boolean },
): FoundBrowser
export interface BrowserLaunchOptions {
  executablePath?: string
  channel?: string
  args?: string[]
}
export declare function launchOptions(name: BrowserName): BrowserLaunchOptions
export declare function playwrightUse(name: BrowserName): {
  browserName: BrowserName
  channel?: string
  launchOptions: Omit<BrowserLaunchOptions, 'channel'>
}
export declare function vitestBrowsers<P>(playwright: (options: { launchOptions: BrowserLaunchOptions }) => P): {
  enabled: true
  headless: true
  screenshotFailures: false
  provider: P
  instances: [{ browser: 'chromium' }, { browser: 'firefox'; provider: P }]
}
