/**
 * Types that options.ts and internals.ts share with the modules below them (the engine seam, event texts, HTTP
 * helpers). They live here, in a file that imports no server module, because options.ts imports the default engine:
 * options.ts → memory-engine.ts → event-text.ts → options.ts (`ServerLogger`), → engine.ts → options.ts
 * (`TimerFunctions`) and → event-text.ts → http-util.ts → internals.ts → options.ts (`Refusal`) were import cycles.
 * options.ts and internals.ts re-export them.
 */
import type { ProtocolErrorCode } from '@switchline/client/protocol'

/** Timer functions the server uses; inject them to run on fake time. */
export interface TimerFunctions {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

/**
 * Where the server reports what it cannot tell a client: an event skipped on delivery, an error thrown by a hook
 * (`authorize`, `onPublish`), an internal error answered `500`. `console` fits, and so do pino-style loggers wrapped
 * as `{ warn: (m, d) => log.warn(d, m), error: (m, d) => log.error(d, m) }`.
 */
export interface ServerLogger {
  warn(message: string, details?: Record<string, unknown>): void
  error(message: string, details?: Record<string, unknown>): void
}

/** A refusal decided by a hook: an HTTP answer (`status` 204 has no body), or a close at `hello`. @internal */
export interface Refusal {
  status: number
  code: ProtocolErrorCode
  message: string
  retryAfterSeconds?: number
  /**
   * At `upgrade` only: complete the upgrade, then close at once with 1013 and reason `retry-after=<ms>` instead of
   * answering `status`. A browser's WebSocket API cannot read an HTTP status (a refused upgrade is just a failed
   * connection, which clients count toward "WebSocket blocked"); an open-then-1013 is a visible "try again later".
   */
  closeAfterUpgrade?: { retryAfterMs: number }
}
