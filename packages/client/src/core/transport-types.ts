/**
 * The seams between the connection layers. A *transport attempt* opens one connection and reports what happens
 * on it; it never reconnects. The *supervisor* (supervisor.ts) owns reconnection; raw `subscribe()` and
 * `createClient()` put attempts under a supervisor. Stale callbacks (from an attempt already closed) are no-ops.
 */
import type { SwitchlineError } from './errors'
import type { Platform } from './platform-types'
import type { SseEvent } from './sse-parser'

/** A live attempt that can be torn down. `close()` is idempotent and fires no further callbacks. */
export interface AttemptHandle {
  close(): void
}

/** Callbacks of an SSE attempt (fetch-based or EventSource-based). */
export interface SseAttemptHandlers {
  /** The stream is open (200 + text/event-stream). */
  onOpen(): void
  /**
   * The request reached the server: written whole on a connected socket. Only where the transport can see it
   * (Node's `node:http`; fetch and EventSource cannot), so the connect phase can end before a server that holds
   * its response headers until its first write (Node's `writeHead()` without `flushHeaders()`) answers.
   */
  onSent?(): void
  /** One parsed event (including `sl-*` control events and events without data-less filtering). */
  onEvent(event: SseEvent): void
  /**
   * The stream's last event ID changed: every event block with an `id` field (`''` resets it), before `onEvent`
   * for that block, and also for blocks without data (never dispatched). Optional (raw SSE keeps its cursor so).
   */
  onId?(id: string): void
  /** The server's `retry:` hint. */
  onRetry(ms: number): void
  /** Any byte arrived (events, comments, heartbeats) — feeds stall detection. */
  onActivity(): void
  /** The attempt ended: `error` says why (`fatal` decides whether to reconnect); `undefined` = the stream ended cleanly. */
  onClose(error: SwitchlineError | undefined): void
  /**
   * A non-fatal problem on a live stream (e.g. an event over `maxEventSize`, dropped); the stream goes on.
   * Optional addition by the transports (fetch-based SSE only).
   */
  onError?(error: SwitchlineError): void
}

/** One SSE request. */
export interface SseRequest {
  url: string
  method: string
  headers: Record<string, string>
  body: string | undefined
  withCredentials: boolean
  /** Names of events to listen for (EventSource needs them; fetch delivers all). */
  eventNames: readonly string[]
  maxEventSize: number
}

/** Opens one SSE attempt (`openFetchSse`, `openEventSourceSse`, Node's `openNodeHttpSse`). */
export type OpenSse = (request: SseRequest, handlers: SseAttemptHandlers, platform: Platform) => AttemptHandle

/** Callbacks of a WebSocket attempt. */
export interface WsAttemptHandlers {
  onOpen(): void
  /** One text message. Binary messages are reported through `onError` and dropped. */
  onMessage(text: string): void
  onError(error: SwitchlineError): void
  /** The socket closed; `opened` says whether it ever opened (1006 before open → counts toward "blocked"). */
  onClose(close: { code: number; reason: string; opened: boolean }): void
}

/** A live WebSocket attempt. */
export interface WsAttempt extends AttemptHandle {
  send(text: string): void
  /** Closes with a code/reason (e.g. 4010-like local "ping timeout" uses 1000 + reason). */
  closeWith(code: number, reason: string): void
  /**
   * Abandons a socket found dead (no pong, no open or welcome in time): no closing handshake to wait for. Fires no
   * further callback, like `close()`.
   */
  terminate(reason: string): void
  readonly bufferedAmount: number
}

/** What the supervisor asks of a connection owner on every attempt. */
export interface AttemptContext {
  /** 0-based number of this attempt since the last success. */
  attempt: number
  /** Report the connection as open and healthy (starts the reset-after-healthy timer). */
  opened(): void
  /** Report the connection as lost/failed. Fatal errors stop the supervisor; `retryAfterMs` is a lower bound on the next delay. */
  failed(error: SwitchlineError): void
  /** A server hint: never wait less than this before the next attempt (SSE `retry:`). */
  minDelay(ms: number): void
}
