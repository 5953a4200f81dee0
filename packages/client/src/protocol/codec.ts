/**
 * Pure encode/decode of Switchline frames: fed text, returns typed values or a reason. No I/O, no timers.
 * Validation is structural and strict: a frame with a missing or mistyped required field is rejected (R17).
 */
import { isFatalErrorCode } from './codes'
import type {
  ClientFrame,
  ErrorPayload,
  GapInfo,
  Json,
  PublishRequest,
  ServerFrame,
  SseMessagePayload,
  SseReadyPayload,
} from './frames'

/** The result of decoding: the value, or why it was rejected. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string }

type Obj = Record<string, unknown>

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value })
const fail = (reason: string): Decoded<never> => ({ ok: false, reason })

/** Parses a JSON object; a string is the reason it is not one. */
function parseObject(text: string): Obj | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return 'not JSON'
  }
  return isObj(value) ? value : 'not a JSON object'
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isStr = (v: unknown): v is string => typeof v === 'string'
const isInt = (v: unknown): v is number => Number.isSafeInteger(v)
const optStr = (v: unknown): boolean => v === undefined || isStr(v)
const optInt = (v: unknown): boolean => v === undefined || isInt(v)
const isPositiveInt = (v: unknown): v is number => isInt(v) && v > 0
const isStrOrNull = (v: unknown): v is string | null => v === null || isStr(v)

/** Field checks per frame type; each returns true when the object is well-formed for that type. */
const CLIENT_FRAME_CHECKS: Record<ClientFrame['type'], (f: Obj) => boolean> = {
  hello: (f) => optStr(f.token),
  subscribe: (f) => isInt(f.id) && isStr(f.channel) && optStr(f.cursor),
  unsubscribe: (f) => isInt(f.id) && isStr(f.channel),
  publish: (f) => isInt(f.id) && isStr(f.channel) && 'data' in f && optStr(f.event) && optStr(f.mid),
  ping: (f) => optInt(f.id),
}

const isGap = (f: Obj): boolean =>
  isStr(f.channel) && isStrOrNull(f.from) && isStrOrNull(f.to) && (f.reason === 'retention' || f.reason === 'epoch')

/** Error codes are lower_snake_case; unknown ones are accepted so a newer server's codes stay decodable. */
const isCode = (v: unknown): v is string => isStr(v) && /^[a-z][a-z0-9_]{0,63}$/.test(v)
const optBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean'

const isErrorPayload = (f: Obj): boolean => isCode(f.code) && isStr(f.message) && optStr(f.channel) && optBool(f.fatal)

/** HTTP error bodies carry no `fatal` (§7): it defaults to the code's entry in the table. */
function withFatal<T extends Obj>(f: T): T & { fatal: boolean } {
  return typeof f.fatal === 'boolean'
    ? (f as T & { fatal: boolean })
    : { ...f, fatal: isFatalErrorCode(f.code as string) }
}

const isEventFrame = (f: Obj): boolean => isStr(f.channel) && isStr(f.id) && 'data' in f && optStr(f.event)

const SERVER_FRAME_CHECKS: Record<ServerFrame['type'], (f: Obj) => boolean> = {
  welcome: (f) => isStr(f.epoch) && f.epoch !== '' && isPositiveInt(f.idleTimeoutMs) && isPositiveInt(f.maxFrameBytes),
  subscribed: (f) => isInt(f.id) && isStr(f.channel) && isStr(f.cursor),
  unsubscribed: (f) => isInt(f.id) && isStr(f.channel),
  event: isEventFrame,
  gap: isGap,
  ack: (f) => isInt(f.id) && isStr(f.eventId),
  pong: (f) => optInt(f.id),
  error: (f) => isErrorPayload(f) && optInt(f.id),
}

function decodeTyped<T>(text: string, checks: Record<string, (f: Obj) => boolean>): Decoded<T> {
  const frame = parseObject(text)
  if (typeof frame === 'string') return fail(frame)
  const type = frame.type
  // The hot path (every delivered event) skips the table lookup.
  if (type === 'event' && checks === SERVER_FRAME_CHECKS)
    return isEventFrame(frame) ? ok(frame as T) : fail('malformed event frame')
  if (!isStr(type) || !Object.hasOwn(checks, type)) return fail('unknown frame type')
  return (checks[type] as (f: Obj) => boolean)(frame) ? ok(frame as T) : fail(`malformed ${type} frame`)
}

/** Encodes any frame or payload as one line of JSON. */
export function encodeFrame(frame: ClientFrame | ServerFrame | object): string {
  return JSON.stringify(frame)
}

/** Decodes a frame sent by a client (server side). */
export function decodeClientFrame(text: string): Decoded<ClientFrame> {
  return decodeTyped<ClientFrame>(text, CLIENT_FRAME_CHECKS)
}

/** Decodes a frame sent by a server (client side). */
export function decodeServerFrame(text: string): Decoded<ServerFrame> {
  const decoded = decodeTyped<ServerFrame>(text, SERVER_FRAME_CHECKS)
  return decoded.ok && decoded.value.type === 'error'
    ? ok(withFatal(decoded.value as unknown as Obj) as unknown as ServerFrame)
    : decoded
}

/** Decodes the `data` of a channel event on the SSE stream. */
export function decodeSseMessage(text: string): Decoded<SseMessagePayload> {
  const f = parseObject(text)
  if (typeof f === 'string') return fail(f)
  return isStr(f.channel) && 'data' in f && optStr(f.event)
    ? ok(f as unknown as SseMessagePayload)
    : fail('malformed channel event')
}

/** Decodes the `data` of `sl-ready`. */
export function decodeSseReady(text: string): Decoded<SseReadyPayload> {
  const f = parseObject(text)
  if (typeof f === 'string') return fail(f)
  return isStr(f.epoch) &&
    isInt(f.heartbeatMs) &&
    Array.isArray(f.channels) &&
    f.channels.every(isStr) &&
    isStr(f.cursor)
    ? ok(f as unknown as SseReadyPayload)
    : fail('malformed sl-ready')
}

/** Decodes the `data` of `sl-gap`. */
export function decodeGap(text: string): Decoded<GapInfo> {
  const f = parseObject(text)
  if (typeof f === 'string') return fail(f)
  return isGap(f) ? ok(f as unknown as GapInfo) : fail('malformed gap')
}

/** Decodes an error body (`sl-error` data or an HTTP error response body). */
export function decodeErrorPayload(text: string): Decoded<ErrorPayload> {
  const f = parseObject(text)
  if (typeof f === 'string') return fail(f)
  return isErrorPayload(f) ? ok(withFatal(f) as unknown as ErrorPayload) : fail('malformed error')
}

/** Decodes the body of `POST B/publish` (server side). */
export function decodePublishRequest(text: string): Decoded<PublishRequest> {
  const f = parseObject(text)
  if (typeof f === 'string') return fail(f)
  return isStr(f.channel) && 'data' in f && optStr(f.event) && optStr(f.mid)
    ? ok(f as unknown as PublishRequest)
    : fail('malformed publish request')
}

export type { Json }
