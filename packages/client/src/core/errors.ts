/**
 * The one error class of `@switchline/client`, and the pure rules that turn an HTTP answer or a WebSocket close
 * into "retry" or "stop" (docs/protocol.md §7). No I/O.
 */
import { parseJsonObject } from './json-object'
import { clampDelay, MAX_TIMER_DELAY_MS } from './timers'
import { CLOSE_CODES, isFatalCloseCode, isProtocolErrorCode, parseRetryAfterReason } from '../protocol/codes'

/** What went wrong, as a discriminant. */
export type SwitchlineErrorCode =
  /** fatal HTTP status on connect (SSE 204, 4xx other than 401/408/429, 404 …) */
  | 'http_status'
  /** 401 / close 4001 (retryable after asking the token provider again) */
  | 'unauthorized'
  /** the response is not `text/event-stream` (fatal) */
  | 'content_type'
  /** the server sent a protocol error (carries `protocolCode`) */
  | 'protocol'
  /** the WebSocket closed with a fatal close code */
  | 'close_code'
  /** a frame/event the client could not parse (non-fatal: reported, skipped) */
  | 'malformed_frame'
  /** a payload failed to decode (json/text/custom decoder threw) */
  | 'decode'
  /** Standard Schema validation failed */
  | 'validation'
  /** the send queue is full (count or bytes) */
  | 'queue_full'
  /** a send bigger than the server's `maxFrameBytes` (rejected), or an incoming WebSocket message over `maxMessageBytes` (skipped, not fatal) */
  | 'payload_too_large'
  /** `send()` where it is not possible */
  | 'send_unsupported'
  /** the subscription/client was closed (pending sends reject with this) */
  | 'closed'
  /** an `AbortSignal` fired */
  | 'aborted'
  /** reconnect attempts exhausted */
  | 'max_attempts'
  /** the async-iterator buffer overflowed with policy `'error'` */
  | 'buffer_overflow'
  /** a send not acknowledged in `ackTimeoutMs`, an attempt over `connectTimeoutMs`, an SSE stall, a missing pong */
  | 'timeout'
  /** bad options passed by the app */
  | 'invalid_options'
  /**
   * a channel that would be the 65th on the client's one SSE stream (the server takes at most 64 per stream, R10):
   * that channel fails alone (fatal); the others stay
   */
  | 'too_many_channels'
  /** a transport-level failure (retryable) */
  | 'network'

/** Optional context of a {@link SwitchlineError}. A detail given as `undefined` is the same as one left out. */
export interface SwitchlineErrorDetails {
  /** HTTP status of the answer that failed. */
  status?: number | undefined
  /** WebSocket close code. */
  closeCode?: number | undefined
  /** The protocol error code the server sent (docs/protocol.md §7), e.g. `'unknown_channel'`. */
  protocolCode?: string | undefined
  /** The channel the error is about, when it is about one. */
  channel?: string | undefined
  /** Retrying cannot succeed. @defaultValue `false` */
  fatal?: boolean
  /** The server asked to wait at least this long before retrying. */
  retryAfterMs?: number | undefined
  /** The URL of the request that failed (HTTP errors). */
  url?: string | undefined
  /** The start of the answer's body (HTTP errors; at most {@link MAX_ERROR_BODY_SNIPPET} characters). */
  body?: string | undefined
  /**
   * The error code a server put in its error body, whatever its shape: `code` of our `{ code, message }` (then
   * also `protocolCode`), `error.code` (or `error.type`) of an OpenAI-style `{ error: { message, code, type } }`.
   */
  serverCode?: string | undefined
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown
}

/** The optional details copied onto a {@link SwitchlineError} when given. */
const OPTIONAL_DETAILS = [
  'status',
  'closeCode',
  'protocolCode',
  'channel',
  'retryAfterMs',
  'url',
  'body',
  'serverCode',
] as const

/** How much of an HTTP error body a {@link SwitchlineError} keeps in `body`. */
export const MAX_ERROR_BODY_SNIPPET = 500

/**
 * Every error the client reports or rejects with. Switch on `code`; `fatal` says whether retrying can help.
 * @example
 * const chat = rt.subscribe('chat', {
 *   onError: (error) => {
 *     if (error.code === 'protocol' && error.protocolCode === 'forbidden') showLogin()
 *   },
 * })
 */
export class SwitchlineError extends Error {
  override readonly name = 'SwitchlineError' as const
  readonly code: SwitchlineErrorCode
  declare readonly status?: number
  declare readonly closeCode?: number
  declare readonly protocolCode?: string
  declare readonly channel?: string
  /** Retrying cannot succeed. @defaultValue `false` */
  readonly fatal: boolean
  declare readonly retryAfterMs?: number
  /** The URL of the request that failed (HTTP errors). */
  declare readonly url?: string
  /** The start of the HTTP error body (at most {@link MAX_ERROR_BODY_SNIPPET} characters). */
  declare readonly body?: string
  /** The error code from the server's error body, whatever its shape (see {@link SwitchlineErrorDetails.serverCode}). */
  declare readonly serverCode?: string
  /**
   * On an error reported for a failure that will be retried (`onError`, `onState` `reconnecting`): how many
   * attempts in a row have failed, 1-based, as `StateChange.attempt`.
   */
  declare readonly attempt?: number
  /**
   * On an error reported for a failure that will be retried: the delay before the next attempt, in ms, as actually
   * used (jitter, server hint and its cap included). Absent while the client waits for `online` or visibility.
   */
  declare readonly nextDelayMs?: number

  constructor(code: SwitchlineErrorCode, message: string, details: SwitchlineErrorDetails = {}) {
    // The details are the options bag: `Error` sets `cause` only when the bag has one (even `undefined`).
    super(message, details)
    this.code = code
    this.fatal = details.fatal ?? false
    // Only the details given become own properties, in this order.
    for (const key of OPTIONAL_DETAILS) {
      if (details[key] !== undefined) (this as Record<typeof key, unknown>)[key] = details[key]
    }
  }
}

/**
 * The error of options an app got wrong: `invalid_options`, fatal (retrying cannot help).
 * @example
 * if (!(maxSize >= 1)) throw invalidOptions(`maxSize must be a positive integer, got ${String(maxSize)}`)
 */
export function invalidOptions(message: string, ...cause: [cause?: unknown]): SwitchlineError {
  // A cause passed (even `undefined`) becomes `error.cause`, as with the constructor.
  return new SwitchlineError('invalid_options', message, { fatal: true, ...(cause.length > 0 && { cause: cause[0] }) })
}

/**
 * Whether `e` is a {@link SwitchlineError} (optionally: with this `code`). Also recognises one from another copy
 * of this package (ESM + CJS loaded side by side) by its `name` and `code`.
 * @example
 * if (isSwitchlineError(error, 'closed')) return
 */
export function isSwitchlineError(e: unknown, code?: SwitchlineErrorCode): e is SwitchlineError {
  const matches =
    e instanceof SwitchlineError ||
    (e instanceof Error && e.name === 'SwitchlineError' && typeof (e as { code?: unknown }).code === 'string')
  return matches && (code === undefined || (e as SwitchlineError).code === code)
}

/**
 * The message of a thrown value: `error.message` for an `Error`, `String(value)` otherwise.
 * @example
 * messageOf(new TypeError('boom')) // 'boom'
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The longest delay `setTimeout` honours (2^31 − 1 ms); longer retry hints are clamped to it. */
export const MAX_RETRY_AFTER_MS = MAX_TIMER_DELAY_MS

/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) or RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`). */
const GMT_DATE = /^(?:[a-z]{3}, \d\d [a-z]{3} \d{4}|[a-z]{6,9}, \d\d-[a-z]{3}-\d\d) \d\d:\d\d:\d\d GMT$/i
/** asctime (`Sun Nov  6 08:49:37 1994`), read as GMT. */
const ASCTIME_DATE = /^[a-z]{3} [a-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/i

/**
 * Reads an HTTP `Retry-After` value: delay-seconds, or an HTTP-date (IMF-fixdate, RFC 850 or asctime) compared
 * with `now`. A date in the past gives 0.
 * @returns the delay in ms (at most {@link MAX_RETRY_AFTER_MS}), or `undefined` if absent or unparseable.
 * @example
 * parseRetryAfterHeader('120', Date.now()) // 120000
 */
export function parseRetryAfterHeader(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim() ?? ''
  // clampDelay: at most MAX_RETRY_AFTER_MS, the same number.
  if (/^\d+$/.test(text)) return clampDelay(Number(text) * 1000)
  const date = GMT_DATE.test(text) ? Date.parse(text) : ASCTIME_DATE.test(text) ? Date.parse(`${text} GMT`) : Number.NaN
  return Number.isNaN(date) ? undefined : clampDelay(date - now)
}

/** What an HTTP error body says, read leniently: {@link readErrorBody}. */
export interface ErrorBody {
  message?: string | undefined
  serverCode?: string | undefined
  /** Set only for our own `{ code, message }` body (docs/protocol.md §7). */
  protocolCode?: string | undefined
  channel?: string | undefined
}

/** A string that is not empty, else `undefined`. */
const str = (value: unknown): string | undefined => (typeof value === 'string' && value) || undefined

/**
 * Reads the message and the code of an HTTP error body, in the shapes servers use: ours `{ code, message,
 * channel? }`, OpenAI-style `{ error: { message, code, type } }` (Google's `{ error: { message, status } }` too),
 * `{ error: "…" }`, `{ message }`; a text body that is not HTML gives its first 200 characters as the message.
 * Numeric codes are left out (they repeat the HTTP status). Shared by the SSE connect ({@link classifyHttpResponse})
 * and `POST B/publish` (http-publisher.ts). Its keys are named as the error's details, so it can be spread into them.
 * @example
 * readErrorBody('{"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}}')
 * // { message: 'Rate limit reached', serverCode: 'rate_limit_exceeded', protocolCode: undefined, channel: undefined }
 */
export function readErrorBody(text: string | undefined): ErrorBody | undefined {
  if (!text) return undefined
  const value = parseJsonObject(text)
  if (value === undefined) {
    const line = text.trim().replace(/\s+/g, ' ')
    return /^(?:[<{[]|null$|$)/.test(line) ? undefined : { message: line.slice(0, 200) }
  }
  const nested = value.error
  const inner = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : value
  const code = str(inner.code) ?? str(inner.type) ?? str(inner.status)
  const message = str(inner.message) ?? str(nested)
  if (!message && !code) return undefined
  const ours = inner === value && str(value.code) && str(value.message)
  return {
    message,
    serverCode: code,
    protocolCode: ours ? code : undefined,
    channel: ours ? str(value.channel) : undefined,
  }
}

/**
 * Reads the retry hint of an HTTP answer: `retry-after-ms` (milliseconds, as LLM APIs send it) when it is a
 * number ≥ 0, else `Retry-After` ({@link parseRetryAfterHeader}).
 * @returns the delay in ms (at most {@link MAX_RETRY_AFTER_MS}), or `undefined`.
 * @example
 * parseRetryHint('1500', '2', Date.now()) // 1500
 */
export function parseRetryHint(
  retryAfterMs: string | null | undefined,
  retryAfter: string | null | undefined,
  now: number,
): number | undefined {
  const ms = retryAfterMs?.trim()
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return clampDelay(Math.round(Number(ms)))
  return parseRetryAfterHeader(retryAfter, now)
}

/** The result of {@link classifyHttpResponse}. */
export type HttpClassification = { kind: 'ok' } | { kind: 'retry' | 'fatal'; error: SwitchlineError }

/**
 * Maps the HTTP answer of an SSE connect to `ok`, `retry` or `fatal` (docs/protocol.md R11, R23, R24, §7):
 * - `200` + `text/event-stream` → ok; `200` with another content type → fatal `content_type`;
 * - `204` → fatal `http_status` (the server wants the client to stop);
 * - `401` → retry `unauthorized`;
 * - `408`, `429`, `5xx` → retry `http_status`, with `retryAfterMs` from `Retry-After` (seconds or HTTP-date);
 * - anything else → fatal `http_status`.
 *
 * The error carries `url` (when given), the start of the body (`body`, at most {@link MAX_ERROR_BODY_SNIPPET}
 * characters) and what the body says ({@link readErrorBody}): its message goes into the error's message, its code
 * into `serverCode` (and `protocolCode` for our `{ code, message }` body), its `channel`. The hint is
 * `retry-after-ms`, else `Retry-After` ({@link parseRetryHint}).
 * @example
 * classifyHttpResponse({ status: 503, contentType: null, retryAfter: '5', now: Date.now() })
 * // { kind: 'retry', error: SwitchlineError { code: 'http_status', status: 503, retryAfterMs: 5000 } }
 */
export function classifyHttpResponse(input: {
  status: number
  contentType: string | null
  retryAfter: string | null
  /** The `retry-after-ms` header. */
  retryAfterMs?: string | null | undefined
  body?: string | undefined
  /** The request's URL, for the error's `url` and message. */
  url?: string | undefined
  now: number
}): HttpClassification {
  const { status, contentType, url, body: text } = input
  const where = url === undefined ? '' : ` (${url})`
  if (status === 200) {
    // The media type before any parameter, in any case (`\s` is what `trim()` removes; `null` tests as 'null').
    if (/^\s*text\/event-stream\s*(?:;|$)/i.test(contentType as string)) return { kind: 'ok' }
    const error = new SwitchlineError(
      'content_type',
      `expected Content-Type text/event-stream, got ${contentType === null ? 'none' : JSON.stringify(contentType)}${where}`,
      { status, fatal: true, url },
    )
    return { kind: 'fatal', error }
  }

  const body = readErrorBody(text)
  const retryable = status === 401 || status === 408 || status === 429 || (status >= 500 && status <= 599)
  // `body`'s message is not a detail: the constructor takes only the detail keys.
  const details: SwitchlineErrorDetails = {
    ...body,
    status,
    fatal: !retryable,
    retryAfterMs:
      retryable && status !== 401 ? parseRetryHint(input.retryAfterMs, input.retryAfter, input.now) : undefined,
    url,
    body: text ? text.slice(0, MAX_ERROR_BODY_SNIPPET) : undefined,
  }
  const message =
    status === 204
      ? ': the server asked the client to stop'
      : `${body?.serverCode ? ` ${body.serverCode}` : ''}${body?.message ? `: ${body.message}` : ''}`
  return {
    kind: retryable ? 'retry' : 'fatal',
    error: new SwitchlineError(
      status === 401 ? 'unauthorized' : 'http_status',
      `HTTP ${status}${message}${where}`,
      details,
    ),
  }
}

/** The protocol name of a close code, looked up when needed (no table built at import). */
function closeCodeName(code: number): string | undefined {
  for (const name in CLOSE_CODES) if (CLOSE_CODES[name as keyof typeof CLOSE_CODES] === code) return name
  return undefined
}

/**
 * Maps a WebSocket close to retry-or-stop (docs/protocol.md §7):
 * - a fatal close code (`4000`, `4003`) → fatal `close_code`;
 * - `4001` → retryable `unauthorized` (ask the token provider again);
 * - anything else → retryable `network`; for `1013` with a `retry-after=<ms>` reason, `retryAfterMs` is set.
 *
 * The error always carries `closeCode`; close codes whose protocol name is also a protocol error code (e.g.
 * `4003` `forbidden`, `4009` `slow_consumer`) carry it as `protocolCode`.
 * @example
 * classifyClose({ code: 1013, reason: 'retry-after=2000' }).error.retryAfterMs // 2000
 */
export function classifyClose(input: { code: number; reason: string }): { fatal: boolean; error: SwitchlineError } {
  const { code, reason } = input
  const name = closeCodeName(code)
  const fatal = isFatalCloseCode(code)
  const details: SwitchlineErrorDetails = {
    closeCode: code,
    fatal,
    protocolCode: isProtocolErrorCode(name) ? name : undefined,
    retryAfterMs: code === CLOSE_CODES.try_again_later ? parseRetryAfterReason(reason) : undefined,
  }
  const message = `WebSocket closed with ${code}${name ? ` (${name})` : ''}${reason ? `: ${reason}` : ''}`
  const errorCode: SwitchlineErrorCode = fatal
    ? 'close_code'
    : code === CLOSE_CODES.unauthorized
      ? 'unauthorized'
      : 'network'
  return { fatal, error: new SwitchlineError(errorCode, message, details) }
}
