/**
 * Resolves the {@link Platform} a subscription runs on: the app's overrides, then the defaults of the runtime
 * (`#platform`: `platform/browser.ts` under the `browser` condition, `platform/node.ts` otherwise).
 */
import { platformDefaults } from '#platform'
import type { Platform } from '../core/platform-types'
import { globalFetch } from './defaults'

/**
 * The runtime's own SSE transport for a platform, or `undefined` where fetch carries SSE: in Node, `node:http`
 * (ADR 0007) unless the app injected its own `fetch`, which then carries the stream; in browsers the export itself
 * is `undefined` (call it as `platformSse?.(platform) ?? openFetchSse`).
 */
export { platformSse } from '#platform'

/**
 * Returns the platform to use now. Call it at connect time (once per attempt), never at import: `fetch`,
 * `WebSocket` and `EventSource` are read from the globals at the moment of the call, so msw, test doubles and
 * polyfills installed later are seen. When every member equals the previous result's, that object is returned.
 * Treat it as read-only.
 * @param overrides - Members that replace the defaults (tests, unusual runtimes).
 * @example
 * const platform = resolvePlatform({ random: mulberry32(1) })
 * const socket = new platform.WebSocket('wss://example.com/ws')
 */
export function resolvePlatform(overrides: Partial<Platform> = {}): Platform {
  const platform = {} as Record<keyof Platform, unknown>
  let changed = !last
  // The defaults' members, in their order; an `EventSource` given as `undefined` is none.
  for (const key in platformDefaults) {
    const name = key as keyof Platform
    const value = (platform[name] =
      name === 'EventSource' && name in overrides ? overrides[name] : (overrides[name] ?? platformDefaults[name]))
    // Same members as last time (the usual case): return that object, so thousands of connections share one.
    if (value !== last?.[name]) changed = true
  }
  return changed ? (last = platform as Platform) : (last as Platform)
}

let last: Platform | undefined

/**
 * Whether `platform.fetch` can be called: the app injected one, or the runtime has a global `fetch` (every
 * browser since 2017 and Node ≥ 18; the default `platform.fetch` is a wrapper that exists either way).
 */
export function hasFetch(platform: Platform): boolean {
  return platform.fetch !== globalFetch || typeof globalThis.fetch === 'function'
}

/**
 * `url` resolved against the page, as `fetch` resolves it: a path (`/rt`) works in a browser; where there is no page
 * (Node) the URL must be absolute. Throws the `TypeError` of `new URL` for a URL that does not parse.
 * @example
 * resolveAgainstPage('/rt').href // 'https://app.example.com/rt' on a page of app.example.com
 */
export function resolveAgainstPage(url: string): URL {
  // A base of `undefined` is no base (WebIDL: an optional argument given as `undefined`).
  return new URL(url, (globalThis as { location?: { href?: string } }).location?.href)
}
