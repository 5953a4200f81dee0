/**
 * The seam between a shared connection (the client's one SSE stream or one WebSocket) and the channel
 * subscriptions riding it. Sessions deduplicate events (cursor tracker) before they reach a member.
 */
import type { CursorTracker } from '../core/dedupe'
import type { SwitchlineError } from '../core/errors'
import type { Platform } from '../core/platform-types'
import type { GapInfo } from '../protocol/frames'
import type { SupervisorOptions } from '../core/supervisor-types'
import type { ClientTransport, ConnectionState, EventMeta, StateChange, TokenProvider, TransportKind } from '../types'

/** A state change of a session, as a member receives it (the member emits `{ from, to }` itself). */
export interface MemberStateChange {
  to: ConnectionState
  reason?: string
  error?: SwitchlineError
  attempt?: number
  delayMs?: number
}

/** One published message on its way out (the same `mid` on every retry). */
export interface OutgoingMessage {
  channel: string
  data: unknown
  mid: string
  event?: string
}

/** Where a publish ends: the event id, or an error for that message. */
export type PublishDone = (result: { eventId: string } | SwitchlineError) => void

/** A live way out for sends (the WebSocket, or HTTP POST). */
export interface SendPath {
  readonly kind: TransportKind
  /** The largest frame/body the server accepts. */
  readonly maxFrameBytes: number
  /**
   * Sends one message; `done` is called once with the server's answer. When the path goes away first, `done` is
   * never called: the owner learns through `setPath(undefined)` and re-sends with the same `mid`. A path may return
   * a function that abandons the message (HTTP aborts its request; `done` may then still be called, and is ignored).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a path that cannot abandon a send returns nothing (WsConnection), one that can returns the canceller
  publish(message: OutgoingMessage, done: PublishDone): void | (() => void)
}

/** A channel as seen by a session. */
export interface ChannelMember {
  /** The channel identifier (`name` or `name:key`). */
  readonly channel: string
  /** The cursor to resume from when the session has none for this channel (the app's `lastEventId`). */
  readonly initialCursor: string | undefined
  /** One new (deduplicated) event. */
  deliver(data: unknown, meta: EventMeta): void
  gap(info: GapInfo): void
  /** A non-fatal error. */
  error(error: SwitchlineError): void
  /** The session dropped this channel for good (its fatal error); the member is already removed. */
  fail(error: SwitchlineError, from: TransportKind): void
  /** The session's connection state changed. */
  state(from: TransportKind, change: MemberStateChange): void
  /** The server accepted this channel on that transport (`sl-ready` lists it / `subscribed`). */
  ready(from: TransportKind): void
  /** The WebSocket send path came up (a path) or went away (`undefined`). */
  wsPath?(path: SendPath | undefined): void
}

/** Options every session (the client's SSE stream, its WebSocket) takes. */
export interface SessionOptions {
  /** Base URL (http/https) without a trailing slash. */
  baseUrl: string
  /** Resolves the platform at connect time. */
  platform: () => Platform
  tracker: CursorTracker
  token?: TokenProvider | undefined
  /** From the start of an attempt until the server's first protocol message. `0` disables. @defaultValue 10000 */
  connectTimeoutMs?: number | undefined
  /** Supervisor settings (backoff, attempts…); `connect`, `platform` and `onState` are filled in by the session. */
  supervisor: Omit<SupervisorOptions, 'connect' | 'platform' | 'onState'>
  /** Every state change of the connection (for `onConnectionState`). */
  onState?: (change: StateChange) => void
  /** The last member left (the session has stopped). */
  onEmpty?: () => void
}

/** What every session offers the channels riding it. */
export interface MultiplexedSession {
  /** Adds a channel member; the session connects (or re-subscribes) as needed. */
  add(member: ChannelMember): void
  /** Removes a member; the last one out stops the session. */
  remove(member: ChannelMember): void
  has(member: ChannelMember): boolean
  /** How many channels have members (a method, not a getter: V8 memory notes §3, docs/decisions/0021). */
  size(): number
  /** Stops for good; members get no further callbacks. */
  close(): void
}

/**
 * A transport as the client uses it (`sseTransport`, `webSocketTransport`): its kind and how to create its session.
 * The public type is {@link ClientTransport} (opaque).
 */
export interface SessionTransport<O extends SessionOptions = SessionOptions> extends ClientTransport {
  create(options: O): MultiplexedSession
}
