/**
 * One channel subscription of a client: a subscription core (callbacks, iterator, state) plus which session it
 * rides (`primary`). It is the {@link SessionMember} the sessions talk to; events may come from two sessions for a
 * moment during a move (the cursor tracker deduplicates), but state and the send path follow the primary only.
 */
import { SwitchlineError } from './errors'
import type { Outbox } from './outbox'
import type { MemberStateChange, SendPath, SessionMember } from './session-member'
import { createSubscriptionCore } from './subscription-core'
import type { ChannelSubscribeOptions, EventMeta, GapInfo, SendResult, Subscription, TransportKind, TransportPreference } from './types'

/** What a channel subscription needs from its client. */
export interface ChannelHost {
  /** The app closed the subscription (or it failed): leave every session. Idempotent. */
  release(member: ChannelSubscription): void
  /** The WebSocket accepted a channel whose primary is SSE (a re-probe worked): move it. */
  promote(member: ChannelSubscription): void
}

/** Options of {@link createChannelSubscription}. */
export interface ChannelSubscriptionOptions<T> {
  /** The channel identifier (`name` or `name:key`). */
  channel: string
  options: ChannelSubscribeOptions<T>
  /** Transport preference after defaults. */
  preference: TransportPreference
  /** Whether the channel declares sends (drives the transport choice). */
  sends: boolean
  /** Builds the channel's outbox, on its first `send()` (receive-only channels never pay for one). */
  createOutbox: () => Outbox
  host: ChannelHost
}

/** A channel subscription, as the client sees it. */
export interface ChannelSubscription extends SessionMember {
  readonly preference: TransportPreference
  readonly sends: boolean
  /** The transport it rides, `undefined` before the first choice. */
  readonly primary: TransportKind | undefined
  /** The public subscription. */
  readonly subscription: Subscription<unknown, unknown>
  /** Rides `kind` from now on: transport fields, send path. `httpPath` is the SSE send path. */
  ride(kind: TransportKind, reason: string, httpPath: SendPath): void
  /** Whether it has closed. */
  readonly closed: boolean
}

/**
 * Creates the subscription of one channel. The host adds it to a session with {@link ChannelSubscription.ride}
 * and the session's `add()`.
 * @example
 * const member = createChannelSubscription({ channel: 'chat:a', options, preference: 'auto', sends: true, createOutbox, host })
 * member.ride('websocket', 'sends → WebSocket', httpPath)
 * ws.add(member)
 */
export function createChannelSubscription<T>(init: ChannelSubscriptionOptions<T>): ChannelSubscription {
  const { channel, host } = init
  let primary: TransportKind | undefined
  let wsPath: SendPath | undefined
  let httpPath: SendPath | undefined
  let outbox: Outbox | undefined
  /** The send path as the outbox must see it, and the last defined one (its `maxFrameBytes` outlives it). */
  let sendPath: SendPath | undefined
  let lastSendPath: SendPath | undefined
  let closedError: SwitchlineError | undefined
  let closed = false
  let opened = false
  let member: ChannelSubscription | undefined

  const { sink, subscription } = createSubscriptionCore<T, unknown>(init.options, {
    onClose() {
      finish(new SwitchlineError('closed', `subscription to ${channel} closed`))
    },
    send(data: unknown): Promise<SendResult> {
      if (closedError) return Promise.reject(closedError)
      if (!outbox) {
        outbox = init.createOutbox()
        if (lastSendPath !== undefined && lastSendPath !== sendPath) outbox.setPath(lastSendPath)
        outbox.setPath(sendPath)
      }
      return outbox.send(data)
    },
  })

  function finish(error: SwitchlineError): void {
    if (closed) return
    closed = true
    closedError = error.code === 'closed' ? error : new SwitchlineError('closed', `${channel} failed: ${error.message}`, { cause: error, channel })
    outbox?.close(closedError)
    if (member) host.release(member)
  }

  function setSendPath(path: SendPath | undefined): void {
    sendPath = path
    if (path !== undefined) lastSendPath = path
    outbox?.setPath(path)
  }

  const setState = (change: MemberStateChange): void => {
    if (closed) return
    sink.setState(change)
  }

  const self: ChannelSubscription = {
    channel,
    initialCursor: init.options.lastEventId,
    preference: init.preference,
    sends: init.sends,
    get primary() {
      return primary
    },
    get closed() {
      return closed
    },
    subscription: subscription as Subscription<unknown, unknown>,
    deliver(data: unknown, meta: EventMeta) {
      if (!closed) sink.deliver(data as T, meta)
    },
    gap(info: GapInfo) {
      if (!closed) sink.gap(info)
    },
    error(error: SwitchlineError) {
      if (!closed) sink.error(error)
    },
    fail(error: SwitchlineError, from: TransportKind) {
      if (closed || from !== primary) return
      finish(error)
      sink.setState({ to: 'closed', error, reason: error.message })
    },
    state(from: TransportKind, change: MemberStateChange) {
      if (from !== primary || change.to === 'open') return
      if (change.to === 'closed') return // the session stopped without an error: a move, not an end
      opened = false
      setState(change)
    },
    ready(from: TransportKind) {
      if (closed) return
      if (from === 'websocket' && primary === 'sse') {
        host.promote(self)
        return
      }
      if (from !== primary) return
      opened = true
      setState({ to: 'open' })
    },
    wsPath(path: SendPath | undefined) {
      wsPath = path
      if (primary === 'websocket' && !closed) setSendPath(path)
    },
    ride(kind: TransportKind, reason: string, sseSendPath: SendPath) {
      if (closed) return
      httpPath = sseSendPath
      const moved = primary !== undefined && primary !== kind
      primary = kind
      sink.setTransport(kind, reason)
      setSendPath(kind === 'websocket' ? wsPath : httpPath)
      if (moved && !opened) setState({ to: 'reconnecting', reason })
    },
  }
  member = self
  return self
}
