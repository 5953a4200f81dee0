/**
 * Error codes and WebSocket close codes of the Switchline protocol v1 (docs/protocol.md §7).
 * This is the only place these numbers and strings are written down in code.
 */

/** Every error code the protocol defines, with its HTTP status (if any) and whether it is fatal. */
export const ERROR_CODES = {
  bad_request: { status: 400, fatal: true },
  bad_frame: { status: undefined, fatal: true },
  unsupported_protocol: { status: 400, fatal: true },
  unauthorized: { status: 401, fatal: false },
  forbidden: { status: 403, fatal: true },
  unknown_channel: { status: 404, fatal: true },
  not_found: { status: 404, fatal: true },
  send_not_allowed: { status: 405, fatal: true },
  payload_too_large: { status: 413, fatal: true },
  unsupported_media_type: { status: 415, fatal: true },
  rate_limited: { status: 429, fatal: false },
  slow_consumer: { status: undefined, fatal: false },
  unavailable: { status: 503, fatal: false },
  internal: { status: 500, fatal: false },
} as const satisfies Record<string, { status: number | undefined; fatal: boolean }>

/** A protocol error code, e.g. `'unknown_channel'`. */
export type ProtocolErrorCode = keyof typeof ERROR_CODES

/** WebSocket close codes used by the protocol, by name. */
export const CLOSE_CODES = {
  normal: 1000,
  going_away: 1001,
  abnormal: 1006,
  too_big: 1009,
  internal: 1011,
  restart: 1012,
  try_again_later: 1013,
  bad_frame: 4000,
  unauthorized: 4001,
  forbidden: 4003,
  hello_timeout: 4008,
  slow_consumer: 4009,
  idle_timeout: 4010,
} as const

/** A close code name, e.g. `'idle_timeout'`. */
export type CloseCodeName = keyof typeof CLOSE_CODES

/** Whether a WebSocket close code means "do not reconnect" (docs/protocol.md §7). */
export function isFatalCloseCode(code: number): boolean {
  // A plain test, not a module-level `Set`: nothing runs at import (the package is side-effect free).
  return code === CLOSE_CODES.bad_frame || code === CLOSE_CODES.forbidden
}

/** Whether an error code means "do not retry" (docs/protocol.md §7). Unknown codes are treated as retryable. */
export function isFatalErrorCode(code: string): boolean {
  return isProtocolErrorCode(code) ? ERROR_CODES[code].fatal : false
}

/** Whether a string is a protocol error code. */
export function isProtocolErrorCode(code: unknown): code is ProtocolErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)
}

/**
 * Reads a `retry-after=<ms>` hint from a close reason (close code 1013).
 * @returns the delay in ms, or `undefined` when the reason carries none.
 */
export function parseRetryAfterReason(reason: string): number | undefined {
  const match = /(?:^|[\s;,])retry-after=(\d{1,9})(?:$|[\s;,])/.exec(reason)
  return match ? Number(match[1]) : undefined
}
