/**
 * Error classes of `@switchline/server`. Each has a `name` and a protocol `code` discriminant
 * (docs/protocol.md §7), so a caller can branch on `err.code` and the server can map it to HTTP / frames.
 */
import { ERROR_CODES, type ProtocolErrorCode } from '@switchline/client/protocol'

/** Base class of every error the server throws or maps to a protocol error. */
export class SwitchlineServerError extends Error {
  override name = 'SwitchlineServerError'
  /** The protocol error code. */
  readonly code: ProtocolErrorCode
  /** The channel concerned, when there is one. */
  readonly channel: string | undefined

  constructor(code: ProtocolErrorCode, message: string, channel?: string) {
    super(message)
    this.code = code
    this.channel = channel
  }

  /** The HTTP status of this error's code (500 for codes without one). */
  get status(): number {
    return ERROR_CODES[this.code].status ?? 500
  }

  /** Whether retrying cannot succeed (docs/protocol.md §7). */
  get fatal(): boolean {
    return ERROR_CODES[this.code].fatal
  }
}

/** A malformed channel identifier, or one whose name the server does not define (R3). */
export class UnknownChannelError extends SwitchlineServerError {
  override name = 'UnknownChannelError'
  declare readonly code: 'unknown_channel'
  constructor(channel: string) {
    super('unknown_channel', `unknown channel: ${JSON.stringify(channel)}`, channel)
  }
}

/** A publish to a receive-only channel (R4). */
export class SendNotAllowedError extends SwitchlineServerError {
  override name = 'SendNotAllowedError'
  declare readonly code: 'send_not_allowed'
  constructor(channel: string) {
    super('send_not_allowed', `channel ${JSON.stringify(channel)} is receive-only`, channel)
  }
}

/**
 * Missing or rejected credentials. Throw it from `authenticate` or `authorize` to answer `401` (HTTP) or
 * close the WebSocket with `4001` (R25).
 *
 * @example
 * ```ts
 * authorize: ({ token }) => { if (!token) throw new UnauthorizedError(); return true }
 * ```
 */
export class UnauthorizedError extends SwitchlineServerError {
  override name = 'UnauthorizedError'
  declare readonly code: 'unauthorized'
  constructor(message = 'missing or rejected credentials') {
    super('unauthorized', message)
  }
}

/** `authorize` denied the operation, or the origin is not allowed (R21, R25). */
export class ForbiddenError extends SwitchlineServerError {
  override name = 'ForbiddenError'
  declare readonly code: 'forbidden'
  constructor(message = 'forbidden', channel?: string) {
    super('forbidden', message, channel)
  }
}

/**
 * The server cannot serve the request now, but a retry can succeed: its engine's backend (Redis) is unreachable or
 * not ready. Answered `503` with `Retry-After` (R24); on the WebSocket a refused subscription closes with `1013`.
 */
export class UnavailableError extends SwitchlineServerError {
  override name = 'UnavailableError'
  declare readonly code: 'unavailable'
  /** The `Retry-After` hint, in seconds. */
  readonly retryAfterSeconds: number

  constructor(message = 'temporarily unavailable', retryAfterSeconds = 1) {
    super('unavailable', message)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * Maps anything thrown by a hook to a server error: itself when it is one, else `internal` (whose message does not
 * leak the original error to clients).
 */
export function toServerError(err: unknown): SwitchlineServerError {
  if (err instanceof SwitchlineServerError) return err
  return new SwitchlineServerError('internal', 'internal error')
}
