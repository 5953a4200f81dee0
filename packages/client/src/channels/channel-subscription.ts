/**
 * One channel subscription of a client: a subscription core (callbacks, iterator, state) plus the transport whose
 * session it is on (`transport`). It is the {@link ChannelMember} the sessions talk to; events may come from two
 * sessions for a moment during a move (the cursor tracker deduplicates), but state and the send path follow
 * `transport` only.
 */
import { SwitchlineError } from '../core/errors'
import type { Outbox } from './outbox'
import type { MemberStateChange, SendPath, ChannelMember } from './session-types'
import { createSubscriptionCore, type SubscriptionSink } from '../raw/subscription-core'
import type {
  ChannelSubscribeOptions,
  EventMeta,
  GapInfo,
  SendResult,
  Subscription,
  TransportKind,
  TransportPreference,
} from '../types'

/** What a channel subscription needs from its client. */
export interface ChannelHost {
  /** The app closed the subscription (or it failed): leave every session. Idempotent. */
  release(member: ChannelSubscription): void
  /** The WebSocket accepted a channel whose transport is SSE (a re-probe worked): move it. */
  moveToWebSocket(member: ChannelSubscription): void
  /** Builds a channel's outbox, on its first `send()` (receive-only channels never pay for one). */
  createOutbox(channel: string): Outbox
}

/** A channel subscription, as the client sees it. */
export interface ChannelSubscription extends ChannelMember {
  readonly preference: TransportPreference
  readonly sends: boolean
  /** The transport whose session it is on (state, send path), `undefined` before the first choice. */
  readonly transport: TransportKind | undefined
  /** The public subscription. */
  readonly subscription: Subscription<unknown, unknown>
  /**
   * Is on `kind` from now on: transport fields (a change is reported to `onTransport`, with `reprobeAt` when given),
   * send path. `httpPath` is the SSE send path.
   */
  useTransport(kind: TransportKind, reason: string, httpPath: SendPath, reprobeAt?: number): void
  /** Whether it has closed. */
  readonly closed: boolean
}

/**
 * Creates the subscription of one channel (`name` or `name:key`) with its transport preference after defaults and
 * whether it declares sends (drives the transport choice). The host adds it to a session with
 * {@link ChannelSubscription.useTransport} and the session's `add()`.
 * @example
 * const member = createChannelSubscription('chat:a', options, 'auto', true, host)
 * member.useTransport('websocket', 'sends → WebSocket', httpPath)
 * ws.add(member)
 */
export function createChannelSubscription<T>(
  channel: string,
  options: ChannelSubscribeOptions<T>,
  preference: TransportPreference,
  sends: boolean,
  host: ChannelHost,
): ChannelSubscription {
  return new ClientChannel(channel, options as ChannelSubscribeOptions<unknown>, preference, sends, host)
}

/**
 * A class, not a closure-per-method object (V8 memory notes §1: docs/decisions/0021-v8-memory-notes.md).
 */
class ClientChannel implements ChannelSubscription {
  readonly channel: string
  readonly initialCursor: string | undefined
  readonly preference: TransportPreference
  readonly sends: boolean
  readonly subscription: Subscription<unknown, unknown>
  transport: TransportKind | undefined
  readonly #host: ChannelHost
  readonly #sink: SubscriptionSink<unknown>
  #opened = false
  #wsSendPath: SendPath | undefined
  #outbox: Outbox | undefined
  /** The send path as the outbox must see it, and the last defined one (its `maxFrameBytes` outlives it). */
  #sendPath: SendPath | undefined
  #lastSendPath: SendPath | undefined
  /** Set when it closes (what a later `send()` rejects with); `closed` is derived from it. */
  #closedError: SwitchlineError | undefined

  constructor(
    channel: string,
    options: ChannelSubscribeOptions<unknown>,
    preference: TransportPreference,
    sends: boolean,
    host: ChannelHost,
  ) {
    this.channel = channel
    this.initialCursor = options.lastEventId
    this.preference = preference
    this.sends = sends
    this.#host = host
    // The member is its own SubscriptionHooks (`onClose`, `send`): V8 memory notes §4.
    const { sink, subscription } = createSubscriptionCore<unknown, unknown>(options, this)
    this.#sink = sink
    this.subscription = subscription
  }

  get closed(): boolean {
    return this.#closedError !== undefined
  }

  /** SubscriptionHooks: the app closed the subscription. */
  onClose(): void {
    this.#finish(new SwitchlineError('closed', `subscription to ${this.channel} closed`))
  }

  /** SubscriptionHooks: the subscription's `send()`. */
  send(data: unknown): Promise<SendResult> {
    if (this.#closedError) return Promise.reject(this.#closedError)
    if (!this.#outbox) {
      const outbox = (this.#outbox = this.#host.createOutbox(this.channel))
      if (this.#lastSendPath !== undefined && this.#lastSendPath !== this.#sendPath) outbox.setPath(this.#lastSendPath)
      outbox.setPath(this.#sendPath)
    }
    return this.#outbox.send(data)
  }

  #finish(error: SwitchlineError): void {
    if (this.#closedError) return
    const { channel } = this
    this.#closedError =
      error.code === 'closed'
        ? error
        : new SwitchlineError('closed', `${channel} failed: ${error.message}`, { cause: error, channel })
    this.#outbox?.close(this.#closedError)
    // Not yet constructed (an already-aborted signal closes inside the constructor): nothing to release.
    if (this.#sink !== undefined) this.#host.release(this)
  }

  #setSendPath(path: SendPath | undefined): void {
    this.#sendPath = path
    if (path !== undefined) this.#lastSendPath = path
    this.#outbox?.setPath(path)
  }

  // The sink ignores every call once the subscription is closed (and it is closed whenever this member is): no
  // `closed` checks of our own here.
  deliver(data: unknown, meta: EventMeta): void {
    this.#sink.deliver(data, meta)
  }
  gap(info: GapInfo): void {
    this.#sink.gap(info)
  }
  error(error: SwitchlineError): void {
    this.#sink.error(error)
  }
  fail(error: SwitchlineError, from: TransportKind): void {
    if (from !== this.transport) return
    this.#finish(error)
    this.#sink.setState({ to: 'closed', error, reason: error.message })
  }
  state(from: TransportKind, change: MemberStateChange): void {
    if (from !== this.transport || change.to === 'open') return
    if (change.to === 'closed') return // the session stopped without an error: a move, not an end
    this.#opened = false
    this.#sink.setState(change)
  }
  ready(from: TransportKind): void {
    if (from === 'websocket' && this.transport === 'sse') {
      this.#host.moveToWebSocket(this) // which ignores a closed member
      return
    }
    if (from !== this.transport) return
    this.#opened = true
    this.#sink.setState({ to: 'open' })
  }
  wsPath(path: SendPath | undefined): void {
    this.#wsSendPath = path
    if (this.transport === 'websocket' && !this.#closedError) this.#setSendPath(path)
  }
  useTransport(kind: TransportKind, reason: string, sseSendPath: SendPath, reprobeAt?: number): void {
    if (this.#closedError) return
    const moved = this.transport !== undefined && this.transport !== kind
    this.transport = kind
    this.#sink.setTransport(kind, reason, reprobeAt)
    this.#setSendPath(kind === 'websocket' ? this.#wsSendPath : sseSendPath)
    if (moved && !this.#opened) this.#sink.setState({ to: 'reconnecting', reason })
  }
}
