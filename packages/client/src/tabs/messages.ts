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
  /** A tab became the leader: followers re-send their channels (with cursors) and their unacknowledged sends. */
  | { t: 'leader'; from: string }
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

/** Whether `value` looks like a {@link TabMessage} (a message from another app on the same channel name is ignored). */
export function isTabMessage(value: unknown): value is TabMessage {
  return typeof value === 'object' && value !== null && typeof (value as { t?: unknown }).t === 'string'
}
