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

  constructor(code: ProtocolErrorCode, message: string, channel?: string, options?: ErrorOptions) {
    super(message, options)
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
 * A published event the server refuses before it gets an id (docs/protocol.md R22): `data` that JSON cannot
 * encode (`undefined`, a `BigInt`, a cycle, a function), an `event` or `mid` that is not a string (`bad_request`,
 * HTTP 400), or an event too large to fit a connection's outgoing buffer (`payload_too_large`, HTTP 413). Nothing
 * is stored and no id is used up.
 *
 * @example
 * ```ts
 * try { server.publish('ticker', { n: 10n }) } catch (err) { if (err instanceof InvalidEventError) log(err.message) }
 * ```
 */
export class InvalidEventError extends SwitchlineServerError {
  override name = 'InvalidEventError'
  declare readonly code: 'bad_request' | 'payload_too_large'
  constructor(code: 'bad_request' | 'payload_too_large', message: string, channel?: string, options?: ErrorOptions) {
    super(code, message, channel, options)
  }
}

/**
 * The server holds as many channel-instance logs as `maxChannelInstances` allows and none is old enough to be
 * forgotten: a publish to a new instance is refused with `unavailable` (HTTP 503 + `Retry-After`), retryable once
 * the oldest instance's events have aged out. Instances that already have a log are not affected.
 */
export class ChannelCapacityError extends SwitchlineServerError {
  override name = 'ChannelCapacityError'
  declare readonly code: 'unavailable'
  /** When a retry can succeed at the earliest, in ms. */
  readonly retryAfterMs: number
  constructor(channel: string, limit: number, retryAfterMs: number) {
    super(
      'unavailable',
      `the server holds its limit of ${limit} channel instances; ${JSON.stringify(channel)} cannot be created now`,
      channel,
    )
    this.retryAfterMs = retryAfterMs
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
