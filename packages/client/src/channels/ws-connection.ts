/**
 * One attempt of the client's WebSocket (docs/protocol.md §6), and once `welcome` arrived the connection: `hello`,
 * the connect timeout, the pinger, the frames the server sends (`subscribed`, `event` deduplicated by the cursor
 * tracker, `gap`, `ack`, `error`, `pong`) routed to the members and pending sends, and the members' send path.
 * The session (ws-session.ts) owns the members and the supervisor.
 */
import { adoptHeadCursor } from '../core/head-cursor'
import { classifyClose, SwitchlineError } from '../core/errors'
import { AttemptTimers } from '../core/attempt-timers'
import { createPinger, DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_TIMEOUT_MS } from '../core/liveness'
import type { Platform } from '../core/platform-types'
import { decodeServerFrame, encodeFrame } from '../protocol/codec'
import { PATHS, SUBPROTOCOL } from '../protocol/constants'
import type { ErrorPayload, WelcomeFrame } from '../protocol/frames'
import type { OutgoingMessage, PublishDone, SendPath } from './session-types'
import type { Timers } from '../core/timers'
import { isBlockedAfter } from './transport-choice'
import type { AttemptContext, AttemptHandle, WsAttempt, WsAttemptHandlers } from '../core/transport-types'
import { bytesOver, DEFAULT_MAX_MESSAGE_BYTES, messageTooLarge, openWebSocket } from '../ws/ws'
import { protocolError, routeProtocolError, type ProtocolErrorRoutes } from './protocol-errors'
import type { WsSessionOptions } from './ws-options'

/** `http://h/rt` → `ws://h/rt/ws` (and https → wss). */
export function wsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/i, 'ws')}${PATHS.ws}`
}

/** What a connection shares with its session. */
export interface WsSessionCore extends ProtocolErrorRoutes {
  readonly options: WsSessionOptions
  readonly timers: Timers
  /** Bumped by every attempt and by stop: a connection whose id is not the current one is stale. */
  attemptId: number
  closed: boolean
  /** Consecutive attempts that failed before open (the origin's WebSocket is blocked after a few). */
  failuresBeforeOpen: number
  /** The last frame id sent (subscribe, unsubscribe, publish, ping). */
  frameId: number
  /** The current connection once `welcome` arrived. */
  conn: WsConnection | undefined
  /** The bound on incoming frames now ({@link inboundLimit}); raised by a `welcome` that announces more. */
  maxMessageBytes: number
  /** The last connection closed on a frame over the bound that it never read (`ws`'s maxPayload, 1009). */
  oversized: boolean
}

/**
 * The bound on frames `createClient` accepts: the app's `maxMessageBytes` (1 MiB by default), never less than
 * 4 × the server's `maxFrameBytes` — an event published within the server's limit must reach every subscriber
 * (its frame adds the channel, id and envelope, and the server re-encodes the data).
 * @example
 * inboundLimit(undefined, 65_536) // 1_048_576
 * inboundLimit(100_000, 1_048_576) // 4_194_304
 */
export function inboundLimit(maxMessageBytes: number | undefined, maxFrameBytes: number): number {
  return Math.max(maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, 4 * maxFrameBytes)
}

/**
 * The attempt as a class: the socket's handlers, the frame routing, the members' send path and the supervisor's
 * handle in one object (V8 memory notes §1, §4: docs/decisions/0021-v8-memory-notes.md).
 * Callbacks after it ended, or once another attempt started, are no-ops.
 * @example
 * const conn = new WsConnection(session, ctx, ++session.attemptId, token, platform)
 */
export class WsConnection implements WsAttemptHandlers, SendPath, AttemptHandle {
  readonly kind = 'websocket'
  maxFrameBytes = 0
  /** Publishes awaiting `ack`; created by the first publish: an idle connection holds no map for it. */
  #acks: Map<number, PublishDone> | undefined
  /**
   * Subscribes awaiting `subscribed`, per frame id: the channel and the cursor sent (`undefined`: none, live only).
   * Created by a subscribe and dropped when the last answer arrived.
   */
  #subs: Map<number, { channel: string; cursor: string | undefined }> | undefined
  readonly #session: WsSessionCore
  readonly #ctx: AttemptContext
  readonly #id: number
  readonly #token: string | undefined
  readonly #socket: WsAttempt
  #opened = false
  #done = false
  /**
   * The connect timer from construction until welcome (a proxy that swallows the upgrade, or a server that opens
   * and never says welcome, fails the attempt, retryable), then the pinger, started by the first `welcome` (later
   * ones are ignored).
   */
  readonly #timers: AttemptTimers

  constructor(session: WsSessionCore, ctx: AttemptContext, id: number, token: string | undefined, platform: Platform) {
    this.#session = session
    this.#ctx = ctx
    this.#id = id
    this.#token = token
    const { options } = session
    this.#timers = new AttemptTimers(session.timers, options.connectTimeoutMs, (connectTimeoutMs) => {
      const what = this.#opened ? 'no welcome' : 'not open'
      this.#socket.terminate('connect timeout')
      this.#failBeforeOpen(
        new SwitchlineError('timeout', `WebSocket connect timed out (${what} within ${connectTimeoutMs} ms)`),
      )
    })
    // After a frame too large to read (1009), one connection reads up to 4 × the bound: the replay brings that
    // frame again, and this time it is identified and skipped (onMessage) instead of closing every resume.
    const maxPayload = session.oversized ? 4 * session.maxMessageBytes : session.maxMessageBytes
    session.oversized = false
    try {
      this.#socket = openWebSocket(wsUrl(options.baseUrl), [SUBPROTOCOL], this, platform, maxPayload)
    } catch (error) {
      this.#timers.stop()
      throw error
    }
  }

  #live(): boolean {
    return this.#id === this.#session.attemptId && !this.#done
  }

  /** Ends the attempt; whether it was the session's connection (then it no longer is). */
  #stop(): boolean {
    this.#done = true
    this.#timers.stop()
    const session = this.#session
    const wasConn = session.conn === this
    if (wasConn) session.conn = undefined
    return wasConn
  }

  #end(error: SwitchlineError): void {
    if (!this.#live()) return
    if (this.#stop()) this.#session.members.each((member) => member.wsPath?.(undefined))
    this.#ctx.failed(error)
  }

  #errorAll(error: SwitchlineError): void {
    this.#session.members.each((member) => member.error(error))
  }

  /** Before open it counts like any failure before open (blocked, twice). */
  #failBeforeOpen(error: SwitchlineError): void {
    const session = this.#session
    if (!this.#opened) session.failuresBeforeOpen++
    this.#end(error)
    if (!this.#opened && isBlockedAfter(session.failuresBeforeOpen) && !session.closed) session.options.onBlocked?.()
  }

  /** Sends `subscribe` for a channel with its cursor. */
  subscribe(channel: string): void {
    const session = this.#session
    const id = ++session.frameId
    const cursor = session.members.cursorFor(channel, session.options.tracker)
    ;(this.#subs ??= new Map()).set(id, { channel, cursor })
    this.#socket.send(encodeFrame({ type: 'subscribe', id, channel, cursor }))
  }

  unsubscribe(channel: string): void {
    this.#socket.send(encodeFrame({ type: 'unsubscribe', id: ++this.#session.frameId, channel }))
  }

  publish(message: OutgoingMessage, done: PublishDone): void {
    const session = this.#session
    if (session.conn !== this) return // gone: the outbox re-sends on the next path
    const id = ++session.frameId
    ;(this.#acks ??= new Map()).set(id, done)
    this.#socket.send(encodeFrame({ type: 'publish', id, ...message }))
  }

  close(): void {
    this.#stop()
    this.#socket.close()
  }

  onOpen(): void {
    if (!this.#live()) return
    this.#opened = true
    this.#session.failuresBeforeOpen = 0 // the upgrade got through: whatever drops it next, it is not blocked
    this.#socket.send(encodeFrame({ type: 'hello', token: this.#token }))
  }

  onError(error: SwitchlineError): void {
    if (!this.#live()) return
    if (error.code === 'payload_too_large') this.#session.oversized = true // closing with 1009; the channel is unknown
    this.#errorAll(error)
  }

  onClose(close: { code: number; reason: string }): void {
    if (!this.#live()) return
    if (this.#opened) return this.#end(classifyClose(close).error)
    const { code, reason } = close
    this.#failBeforeOpen(
      new SwitchlineError('network', `WebSocket failed to open (${code}${reason ? `: ${reason}` : ''})`, {
        closeCode: code,
      }),
    )
  }

  /**
   * One frame. A malformed one is reported (`malformed_frame`) to every member and skipped; the socket stays.
   *
   * A frame over the bound that the platform read anyway (browsers; the connection after a 1009) is not delivered.
   * An event is reported to its channel's members, with its id, and its id is taken as seen, so no resume brings
   * it back; anything else goes to every member. The socket stays.
   */
  onMessage(text: string): void {
    if (!this.#live()) return
    const {
      members,
      options: { tracker },
      maxMessageBytes,
    } = this.#session
    const bytes = bytesOver(text, maxMessageBytes)
    const decoded = decodeServerFrame(text)
    if (bytes !== undefined) {
      const event = decoded.ok && decoded.value.type === 'event' ? decoded.value : undefined
      if (!event) return this.#errorAll(messageTooLarge(maxMessageBytes, bytes))
      tracker.accept(event.channel, event.id)
      const error = messageTooLarge(
        maxMessageBytes,
        bytes,
        { channel: event.channel },
        `event ${event.id} of ${event.channel}`,
      )
      for (const member of members.named(event.channel)) member.error(error)
      return
    }
    if (!decoded.ok) {
      return this.#errorAll(new SwitchlineError('malformed_frame', `WebSocket frame skipped: ${decoded.reason}`))
    }
    const frame = decoded.value
    switch (frame.type) {
      case 'welcome':
        this.#welcome(frame)
        return
      case 'subscribed': {
        const sub = this.#takeSub(frame.id)
        // The members' own channel string as the tracker's key, not the frame's copy (~40 B per channel).
        if (sub?.channel === frame.channel) adoptHeadCursor(tracker, sub.channel, frame.cursor, sub.cursor)
        for (const member of members.named(frame.channel)) member.ready('websocket')
        return
      }
      case 'event': {
        if (tracker.accept(frame.channel, frame.id)) {
          members.deliver(frame.channel, frame.data, {
            id: frame.id,
            channel: frame.channel,
            event: frame.event ?? 'message',
            transport: 'websocket',
          })
        }
        return
      }
      case 'gap': {
        const { type: _type, ...gap } = frame
        for (const member of members.named(gap.channel)) member.gap(gap)
        return
      }
      case 'ack':
        this.#takeAck(frame.id)?.({ eventId: frame.eventId })
        return
      case 'pong':
        this.#timers.pong()
        return
      case 'error':
        this.#onErrorFrame(frame)
      // 'unsubscribed': nothing to do
    }
  }

  /** The pending publish `id` (none for `undefined`), removed. */
  #takeAck(id: number | undefined): PublishDone | undefined {
    const acks = this.#acks
    const done = acks?.get(id as number)
    acks?.delete(id as number)
    return done
  }

  /** The pending subscribe `id` (none for `undefined`), removed; the map is dropped once empty. */
  #takeSub(id: number | undefined): { channel: string; cursor: string | undefined } | undefined {
    const subs = this.#subs
    const sub = subs?.get(id as number)
    if (subs?.delete(id as number) && subs.size === 0) this.#subs = undefined
    return sub
  }

  /** An `error` frame: fails the publish it answers, else goes to its channel (or the subscribe's it answers). */
  #onErrorFrame(frame: ErrorPayload & { id?: number }): void {
    const error = protocolError(frame)
    const done = this.#takeAck(frame.id)
    if (done) return done(error)
    const sub = this.#takeSub(frame.id)
    routeProtocolError(this.#session, frame.channel ?? sub?.channel, error)
  }

  #welcome(frame: WelcomeFrame): void {
    const timers = this.#timers
    if (timers.pinging) return
    const session = this.#session
    const { options, members } = session
    timers.connected()
    this.maxFrameBytes = frame.maxFrameBytes
    session.maxMessageBytes = inboundLimit(options.maxMessageBytes, frame.maxFrameBytes)
    session.conn = this
    this.#ctx.opened()
    options.onWelcome?.()
    const pingIntervalMs = options.ping?.intervalMs ?? DEFAULT_PING_INTERVAL_MS
    const pingTimeoutMs = options.ping?.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS
    timers.ping(
      createPinger({
        timers: session.timers,
        intervalMs: Math.min(pingIntervalMs, Math.max(1, frame.idleTimeoutMs - pingTimeoutMs)),
        timeoutMs: pingTimeoutMs,
        sendPing: () => this.#socket.send(encodeFrame({ type: 'ping', id: ++session.frameId })),
        onTimeout: () => {
          this.#socket.terminate('ping timeout')
          this.#end(new SwitchlineError('timeout', `no pong within ${pingTimeoutMs} ms`))
        },
      }),
    )
    for (const channel of members.channels()) this.subscribe(channel)
    members.each((member) => member.wsPath?.(this))
  }
}
