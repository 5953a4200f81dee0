/**
 * Browser platform defaults (resolved through the `#platform` import, `browser` condition): native `fetch`,
 * `WebSocket`, `EventSource`, `navigator.onLine` + `online`/`offline` events, `document.visibilityState` +
 * `visibilitychange`, and `location.origin` (the CORS rule of SSE, ADR 0008). Every global is looked up when read,
 * never captured at import, so msw and tests can patch them. No Node code is reachable from this file.
 */
import type {
  EventSourceConstructor,
  OnlineSource,
  VisibilitySource,
  WebSocketConstructor,
} from '../core/platform-types'
import { globalFetch, type PlatformDefaults, type PlatformSse } from './defaults'
import { systemTimers } from '../core/timers'

/** Adds `handler` for each of `types` on `target`; returns what removes them. */
function listen(target: EventTarget, types: string[], handler: (event: Event) => void): () => void {
  for (const type of types) target.addEventListener(type, handler)
  return () => {
    for (const type of types) target.removeEventListener(type, handler)
  }
}

// Shared by every subscription's listeners (not an array per subscribe()).
const ONLINE_EVENTS = ['online', 'offline']
const VISIBILITY_EVENTS = ['visibilitychange']

const browserOnline: OnlineSource = {
  // `navigator.onLine` where it is a boolean; online where there is none.
  isOnline: () => globalThis.navigator?.onLine !== false,
  subscribe: (listener) =>
    typeof globalThis.addEventListener !== 'function'
      ? () => {}
      : listen(globalThis as unknown as EventTarget, ONLINE_EVENTS, (event) => listener(event.type === 'online')),
}

const isVisible = (): boolean => typeof document === 'undefined' || document.visibilityState !== 'hidden'

const browserVisibility: VisibilitySource = {
  isVisible,
  subscribe: (listener) =>
    typeof document === 'undefined' ? () => {} : listen(document, VISIBILITY_EVENTS, () => listener(isVisible())),
}

/** Browsers have no SSE transport of their own: fetch (or `EventSource` without fetch) carries it (ADR 0008). */
export const platformSse: PlatformSse | undefined = undefined

/** Browser defaults; see the file comment. */
export const platformDefaults: PlatformDefaults = {
  fetch: globalFetch,
  get WebSocket() {
    return globalThis.WebSocket as unknown as WebSocketConstructor
  },
  get EventSource() {
    return globalThis.EventSource as unknown as EventSourceConstructor | undefined
  },
  timers: systemTimers,
  // Read when resolved (a stub installed later is seen).
  get random() {
    return Math.random
  },
  online: browserOnline,
  visibility: browserVisibility,
  get pageOrigin() {
    return (globalThis as { location?: { origin?: string } }).location?.origin
  },
}
