/**
 * Node platform defaults (resolved through the `#platform` import, default condition): the global `WebSocket` if
 * one is defined (Node 22+, `--experimental-websocket`, or msw's interceptor in tests), else the `ws` package via
 * `isomorphic-ws`; the global `EventSource` if defined, else the `eventsource` package; global `fetch`; always
 * online and visible; SSE over `node:http` unless the app injects its own `fetch` (ADR 0007). Globals are looked up
 * when read, never captured at import.
 */
import { EventSource as EventSourcePolyfill } from 'eventsource'
import WebSocketPolyfill from 'isomorphic-ws'
import type { EventSourceConstructor, WebSocketConstructor } from '../core/platform-types'
import { openNodeHttpSse } from '../sse/sse-node-http'
import { alwaysOnline, alwaysVisible, globalFetch, type PlatformDefaults, type PlatformSse } from './defaults'
import { systemTimers } from '../core/timers'

/**
 * SSE over `node:http` (about a fifth of undici fetch's heap per open stream, ADR 0007), unless the app injected its
 * own `fetch`: then that fetch carries the stream, as the app asked.
 */
export const platformSse: PlatformSse = (platform) => (platform.fetch === globalFetch ? openNodeHttpSse : undefined)

/** Node defaults; see the file comment. */
export const platformDefaults: PlatformDefaults = {
  get fetch() {
    return globalFetch
  },
  get WebSocket() {
    return (globalThis.WebSocket ?? WebSocketPolyfill) as unknown as WebSocketConstructor
  },
  get EventSource() {
    return (globalThis.EventSource ?? EventSourcePolyfill) as unknown as EventSourceConstructor
  },
  timers: systemTimers,
  // Read when resolved (a stub installed later is seen).
  get random() {
    return Math.random
  },
  online: alwaysOnline,
  visibility: alwaysVisible,
  pageOrigin: undefined, // Node's http and fetch know no CORS
}
