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
import { alwaysOnline, alwaysVisible, globalFetch, type PlatformDefaults, type PlatformSse } from './defaults'

const browserOnline: OnlineSource = {
  isOnline: () => (typeof navigator === 'undefined' || typeof navigator.onLine !== 'boolean' ? true : navigator.onLine),
  subscribe(listener) {
    if (typeof globalThis.addEventListener !== 'function') return alwaysOnline.subscribe(listener)
    const onOnline = (): void => listener(true)
    const onOffline = (): void => listener(false)
    globalThis.addEventListener('online', onOnline)
    globalThis.addEventListener('offline', onOffline)
    return () => {
      globalThis.removeEventListener('online', onOnline)
      globalThis.removeEventListener('offline', onOffline)
    }
  },
}

const browserVisibility: VisibilitySource = {
  isVisible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
  subscribe(listener) {
    if (typeof document === 'undefined') return alwaysVisible.subscribe(listener)
    const onChange = (): void => listener(document.visibilityState !== 'hidden')
    document.addEventListener('visibilitychange', onChange)
    return () => document.removeEventListener('visibilitychange', onChange)
  },
}

/** Browsers have no SSE transport of their own: fetch (or `EventSource` without fetch) carries it (ADR 0008). */
export const platformSse: PlatformSse | undefined = undefined

/** Browser defaults; see the file comment. */
export const platformDefaults: PlatformDefaults = {
  get fetch() {
    return globalFetch
  },
  get WebSocket() {
    return globalThis.WebSocket as unknown as WebSocketConstructor
  },
  get EventSource() {
    return globalThis.EventSource as unknown as EventSourceConstructor | undefined
  },
  online: browserOnline,
  visibility: browserVisibility,
  get pageOrigin() {
    return (globalThis as { location?: { origin?: string } }).location?.origin
  },
}
