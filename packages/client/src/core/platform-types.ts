/**
 * The platform a subscription runs on. Everything is looked up at connect time (never captured at import), so
 * msw, tests and unusual runtimes can replace it. `platform.ts` resolves defaults (browser globals, or the
 * `ws` / `eventsource` packages in Node through the `#platform` import).
 */
import type { Timers } from './timers'

/**
 * An event handler property. Checked like a method (its parameter both ways), so a class whose handlers take the
 * platform's own event types (the DOM's `Event`, the `ws` package's `WebSocket.Event`) fits without a cast.
 */
export type EventHandler<E> = { handle(ev: E): void }['handle']

/** The structural WebSocket the client needs (browser `WebSocket` and the `ws` package both fit). */
export interface WebSocketLike {
  readonly readyState: number
  readonly protocol: string
  readonly bufferedAmount: number
  binaryType: string
  onopen: EventHandler<unknown> | null
  onmessage: EventHandler<{ data: unknown }> | null
  onerror: EventHandler<unknown> | null
  onclose: EventHandler<{ code: number; reason: string; wasClean?: boolean }> | null
  send(data: string): void
  close(code?: number, reason?: string): void
  /** Drops the connection at once, without the closing handshake (the `ws` package has it; browsers do not). */
  terminate?(): void
}
/**
 * A WebSocket constructor. The third argument carries the `ws` package's `maxPayload` (the largest incoming message
 * it reads); browsers' `WebSocket` ignores it.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { maxPayload?: number },
) => WebSocketLike

/** The structural EventSource the client needs (browser `EventSource` and the `eventsource` package both fit). */
export interface EventSourceLike {
  readonly readyState: number
  onopen: EventHandler<unknown> | null
  onmessage: EventHandler<{ data: string; lastEventId: string }> | null
  onerror: EventHandler<unknown> | null
  addEventListener(type: string, listener: (ev: { data: string; lastEventId: string }) => void): void
  close(): void
}
export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike

/** Online/offline (browser `navigator.onLine` + `online`/`offline` events; always online in Node). */
export interface OnlineSource {
  isOnline(): boolean
  /** Calls `listener(online)` on every change; returns an unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void
}

/** Page visibility (browser `document.visibilityState`; always visible in Node). */
export interface VisibilitySource {
  isVisible(): boolean
  subscribe(listener: (visible: boolean) => void): () => void
}

/** Everything platform-specific a subscription touches. */
export interface Platform {
  fetch: typeof fetch
  WebSocket: WebSocketConstructor
  /** `undefined` where no EventSource exists (then SSE always uses fetch). */
  EventSource: EventSourceConstructor | undefined
  timers: Timers
  /** Returns [0, 1). Drives backoff jitter and message ids. */
  random: () => number
  online: OnlineSource
  visibility: VisibilitySource
  /**
   * The origin of the page the SDK runs in (browser `location.origin`), against which a stream URL is judged
   * cross-origin (CORS); `undefined` (or left out) where requests are not subject to CORS (Node).
   */
  pageOrigin?: string | undefined
}
