/** Public types of `@switchline/react`: what the hooks take and what they return. */
import type {
  ChannelSubscribeOptions,
  ConnectionState,
  EventMeta,
  GapInfo,
  SendResult,
  StateChange,
  SubscribeOptions,
  SwitchlineError,
  TransportKind,
} from '@switchline/client'

/** What a hook renders from: the data so far and the subscription's status. A new object on every change. */
export interface StreamSnapshot<D> {
  /**
   * The latest event's data, or with `reduce` the fold of every event so far; `initial` (or `undefined`) before
   * the first event.
   */
  data: D
  /**
   * The subscription's state. `'connecting'` before the first connection — also on the server and during
   * hydration, where nothing connects; `'closed'` when `enabled` is `false`, after a fatal error, or after the
   * stream ended.
   */
  state: ConnectionState
  /** The transport in use, `undefined` until the subscription has one. */
  transport: TransportKind | undefined
  /** Why that transport, in a few words (e.g. `'sends → WebSocket'`, `'WebSocket blocked → SSE + POST'`). */
  transportReason: string | undefined
  /** The id of the last event delivered: the resume cursor. */
  lastEventId: string | undefined
  /**
   * The last error reported: non-fatal ones (a payload that failed to decode, a dropped connection) until the
   * stream is open again, the fatal one that closed it for good.
   */
  error: SwitchlineError | undefined
}

/** Callbacks a hook passes through; the latest ones are called (changing them does not resubscribe). */
export interface SubscriptionCallbacks<T> {
  /** Called for every event, once, in order, after the hook's data was updated. */
  onEvent?: (data: T, meta: EventMeta) => void
  /** Called once per state change. */
  onState?: (change: StateChange) => void
  /** The server can no longer replay what was missed: refetch what the app shows. */
  onGap?: (gap: GapInfo) => void
  /** Every error, non-fatal and fatal. */
  onError?: (error: SwitchlineError) => void
}

/** Options every hook takes, besides those of its subscription. */
export interface HookOptions {
  /**
   * `false` opens nothing (the snapshot stays `closed` with the initial data); turning it on opens the stream.
   * @defaultValue true
   */
  enabled?: boolean
}

/** A fold of events into the data a component renders. */
export interface ReduceOptions<T, D> {
  /**
   * Folds one event into the data; runs once per event, outside render (StrictMode does not run it twice). If it
   * throws, the data stays as it was, the snapshot's `error` is a `SwitchlineError` `'decode'` (the thrown value as
   * its `cause`), `onError` and then `onEvent` are called, and the stream goes on.
   * @example
   * useChannel(rt, 'chat', { initial: [] as ChatMsg[], reduce: (list, msg) => [...list, msg].slice(-50) })
   */
  reduce: (data: D, event: T, meta: EventMeta) => D
  /** The data before the first event (what the server renders). */
  initial: D
}

/** The subscription options a channel hook takes (`signal` is the hook's own: the component's lifetime). */
export type ChannelHookOptions<T> = Omit<ChannelSubscribeOptions<T>, 'signal' | keyof SubscriptionCallbacks<T>> &
  SubscriptionCallbacks<T> &
  HookOptions

/** The subscription options a raw-stream hook takes (`signal` is the hook's own: the component's lifetime). */
export type StreamHookOptions<T> = Omit<SubscribeOptions<T>, 'signal' | keyof SubscriptionCallbacks<T>> &
  SubscriptionCallbacks<T> &
  HookOptions

/** `send` of a hook whose channel allows sends. */
export interface HookSend<S> {
  /**
   * Sends over the hook's subscription; resolves with the server's event id once acknowledged. Stable across
   * renders. Rejects with a `SwitchlineError`: `closed` when the component is not mounted (or not enabled), and
   * those of `Subscription.send` (`queue_full`, `payload_too_large`, …).
   */
  send(data: S): Promise<SendResult>
}

/** What `useChannel` returns: the snapshot, and `send` where the channel's schema declares sends. */
export type ChannelResult<D, S> = [S] extends [never] ? StreamSnapshot<D> : StreamSnapshot<D> & HookSend<S>

/** What `useStream` returns: the snapshot and `send` (WebSocket endpoints; SSE rejects with `send_unsupported`). */
export type StreamResult<D> = StreamSnapshot<D> & HookSend<unknown>
