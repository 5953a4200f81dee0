/**
 * The shape both `#platform` implementations (`browser.ts`, `node.ts`) export. Internal: `platform.ts` is the
 * only importer of `#platform`.
 */
import type {
  EventSourceConstructor,
  OnlineSource,
  Platform,
  VisibilitySource,
  WebSocketConstructor,
} from '../core/platform-types'
import type { OpenSse } from '../core/transport-types'
import type { Timers } from '../core/timers'

/** Platform defaults that differ between browsers and Node. Every getter looks its global up when read. */
export interface PlatformDefaults {
  readonly fetch: typeof fetch
  readonly WebSocket: WebSocketConstructor
  readonly EventSource: EventSourceConstructor | undefined
  readonly timers: Timers
  readonly random: () => number
  readonly online: OnlineSource
  readonly visibility: VisibilitySource
  readonly pageOrigin: string | undefined
}

/** The runtime's own SSE transport for a platform, or `undefined` where fetch carries the stream. */
export type PlatformSse = (platform: Platform) => OpenSse | undefined

/** An online source for runtimes without `navigator.onLine` (Node): always online, never changes. */
export const alwaysOnline: OnlineSource = {
  isOnline: () => true,
  subscribe: () => () => {},
}

/** A visibility source for runtimes without `document` (Node): always visible, never changes. */
export const alwaysVisible: VisibilitySource = {
  isVisible: () => true,
  subscribe: () => () => {},
}

/**
 * `fetch` bound to the global looked up at call time. Calling a stored `globalThis.fetch` as a method of another
 * object throws "Illegal invocation" in browsers, and looking it up late lets msw patch it after import.
 */
export const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)
