/**
 * What the tabs of one client say to each other over their `BroadcastChannel` (docs/decisions/0027-tabs-leader.md).
 * Plain data only (structured clone): errors travel as {@link ErrorShape} and are rebuilt on arrival. Pure.
 */
import { SwitchlineError, type SwitchlineErrorCode } from '../core/errors'
import type { GapInfo, StateChange, TransportChange, TransportKind, TransportPreference } from '../types'

/** A {@link SwitchlineError} as plain data. */
export interface ErrorShape {
  code: SwitchlineErrorCode
  message: string
  fatal: boolean
  status?: number
  protocolCode?: string
  channel?: string
  retryAfterMs?: number
}

/** A state change as plain data (its error as {@link ErrorShape}). */
export type StateShape = Omit<StateChange, 'error'> & { error?: ErrorShape }

/**
 * One message between tabs. `from` names the sending tab, `to` the one tab an answer is for; `ch` is a channel's
 * full name (`chat:room-a`).
 */
export type TabMessage =
  /** A tab became the leader (`to`: an answer to one tab's `hello`): followers re-send their channels (with cursors) and their unacknowledged sends. */
  | { t: 'leader'; from: string; to?: string }
  /** A tab joined (or came back from the back/forward cache): the leader answers `leader`. */
  | { t: 'hello'; from: string }
  /** A tab wants channel `ch`; `cursor` is the oldest id its subscriptions have seen (resume from there). */
  | { t: 'sub'; from: string; ch: string; cursor?: string; transport?: TransportPreference }
  | { t: 'unsub'; from: string; ch: string }
  /** A tab is going away (page hidden for good, or its client closed). */
  | { t: 'bye'; from: string }
  | { t: 'ev'; ch: string; id?: string; data: unknown; event: string; transport: TransportKind }
  | { t: 'gap'; ch: string; gap: GapInfo }
  | { t: 'state'; ch: string; change: StateShape }
  | { t: 'tr'; ch: string; change: TransportChange }
  | { t: 'err'; ch: string; error: ErrorShape }
  /** The leader's view of a channel, for a tab that just subscribed to it. */
  | { t: 'snap'; to: string; ch: string; state: StateChange['to']; transport?: TransportKind; reason?: string }
  /** A send forwarded to the leader; `mid` is the message id the server deduplicates by (protocol R22). */
  | { t: 'send'; from: string; mid: string; ch: string; data: unknown }
  | { t: 'ack'; to: string; mid: string; eventId: string }
  | { t: 'nack'; to: string; mid: string; error: ErrorShape }

/** A {@link SwitchlineError} (or anything thrown) as plain data. */
export function toErrorShape(error: unknown): ErrorShape {
  if (!(error instanceof SwitchlineError)) return { code: 'protocol', message: String(error), fatal: false }
  const shape: ErrorShape = { code: error.code, message: error.message, fatal: error.fatal }
  if (error.status !== undefined) shape.status = error.status
  if (error.protocolCode !== undefined) shape.protocolCode = error.protocolCode
  if (error.channel !== undefined) shape.channel = error.channel
  if (error.retryAfterMs !== undefined) shape.retryAfterMs = error.retryAfterMs
  return shape
}

/** Rebuilds the {@link SwitchlineError} of an {@link ErrorShape}. */
export function fromErrorShape(shape: ErrorShape): SwitchlineError {
  const { code, message, ...details } = shape
  return new SwitchlineError(code, message, details)
}

/** A state change as plain data. */
export function toStateShape(change: StateChange): StateShape {
  const { error, ...rest } = change
  return error === undefined ? rest : { ...rest, error: toErrorShape(error) }
}

/**
 * The version of this protocol, part of the lock and `BroadcastChannel` names: tabs running another version of it
 * never hear each other (each version elects its own leader).
 */
export const TAB_PROTOCOL_VERSION = 1

const ERROR_CODES: Record<SwitchlineErrorCode, true> = {
  http_status: true,
  unauthorized: true,
  content_type: true,
  protocol: true,
  close_code: true,
  malformed_frame: true,
  decode: true,
  validation: true,
  queue_full: true,
  payload_too_large: true,
  send_unsupported: true,
  closed: true,
  aborted: true,
  max_attempts: true,
  buffer_overflow: true,
  timeout: true,
  invalid_options: true,
  too_many_channels: true,
  network: true,
}
const STATES: Record<StateChange['to'], true> = { connecting: true, open: true, reconnecting: true, closed: true }
const TRANSPORTS: Record<TransportKind, true> = { sse: true, websocket: true }

type Fields = Record<string, unknown>
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null
const isString = (value: unknown): value is string => typeof value === 'string'
const optional = (value: unknown, check: (value: unknown) => boolean): boolean => value === undefined || check(value)
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const has = (table: object, value: unknown): boolean => isString(value) && Object.hasOwn(table, value)
const isState = (value: unknown): boolean => has(STATES, value)
const isTransport = (value: unknown): boolean => has(TRANSPORTS, value)
const isPreference = (value: unknown): boolean => value === 'auto' || isTransport(value)
const isNullableString = (value: unknown): boolean => value === null || isString(value)

/** Whether `value` is a complete {@link ErrorShape} with a known error code. */
export function isErrorShape(value: unknown): value is ErrorShape {
  return (
    isObject(value) &&
    has(ERROR_CODES, value.code) &&
    isString(value.message) &&
    typeof value.fatal === 'boolean' &&
    optional(value.status, isNumber) &&
    optional(value.protocolCode, isString) &&
    optional(value.channel, isString) &&
    optional(value.retryAfterMs, isNumber)
  )
}

const isStateShape = (value: unknown): boolean =>
  isObject(value) &&
  isState(value.from) &&
  isState(value.to) &&
  optional(value.reason, isString) &&
  optional(value.error, isErrorShape) &&
  optional(value.attempt, isNumber) &&
  optional(value.delayMs, isNumber)

const isTransportChange = (value: unknown): boolean =>
  isObject(value) &&
  (value.from === undefined || isTransport(value.from)) &&
  isTransport(value.to) &&
  isString(value.reason) &&
  optional(value.reprobeAt, isNumber)

const isGap = (value: unknown): boolean =>
  isObject(value) &&
  isString(value.channel) &&
  isNullableString(value.from) &&
  isNullableString(value.to) &&
  isString(value.reason)

/** The checks of each message type, field by field (besides `t`). */
const CHECKS: Record<TabMessage['t'], (m: Fields) => boolean> = {
  leader: (m) => isString(m.from) && optional(m.to, isString),
  hello: (m) => isString(m.from),
  sub: (m) => isString(m.from) && isString(m.ch) && optional(m.cursor, isString) && optional(m.transport, isPreference),
  unsub: (m) => isString(m.from) && isString(m.ch),
  bye: (m) => isString(m.from),
  ev: (m) => isString(m.ch) && optional(m.id, isString) && isString(m.event) && isTransport(m.transport),
  gap: (m) => isString(m.ch) && isGap(m.gap),
  state: (m) => isString(m.ch) && isStateShape(m.change),
  tr: (m) => isString(m.ch) && isTransportChange(m.change),
  err: (m) => isString(m.ch) && isErrorShape(m.error),
  snap: (m) =>
    isString(m.to) &&
    isString(m.ch) &&
    isState(m.state) &&
    optional(m.transport, isTransport) &&
    optional(m.reason, isString),
  send: (m) => isString(m.from) && isString(m.mid) && isString(m.ch),
  ack: (m) => isString(m.to) && isString(m.mid) && isString(m.eventId),
  nack: (m) => isString(m.to) && isString(m.mid) && isErrorShape(m.error),
}

/**
 * Whether `value` is a well-formed {@link TabMessage}: every field of its type checked (strings, known states,
 * transports and error codes). Anything else — a message from another app on the same channel name, or a broken
 * one — is to be ignored.
 */
export function isTabMessage(value: unknown): value is TabMessage {
  if (!isObject(value) || !has(CHECKS, value.t)) return false
  return CHECKS[value.t as TabMessage['t']](value)
}
