/**
 * One WebSocket connection (R16–R20): hello handshake, subscribe/unsubscribe with replay, publish, ping, idle and
 * slow-consumer limits. Frames are handled one at a time, in order, even when `authorize` is async.
 *
 * A server holds thousands of these, idle most of the time, so the connection is one object whose methods live on
 * the prototype: it is its own registry entry, its own engine listener and its own write target; the socket's
 * listeners are module functions that find it through a symbol (as `ws` itself does). Per connection there is the
 * object, one subscription per channel, and one idle timer (docs/decisions/0022).
 */
import type { IncomingMessage } from 'node:http'
import type { RawData, WebSocket } from 'ws'
import {
  CLOSE_CODES,
  PROTOCOL_DEFAULTS,
  decodeClientFrame,
  encodeFrame,
  type ClientFrame,
  type ServerFrame,
} from '@switchline/client/protocol'
import type { LoggedEvent } from './channel-log'
import type { EngineListener, EngineSubscription } from './engine'
import { deliverableWire, skippedEventNotice, wsWire } from './event-wire'
import { SwitchlineServerError, UnavailableError, toServerError } from './errors'
import { errorBody } from './http-util'
import type { Refusal } from './internals'
import { publishFromClient } from './publish'
import type { RegisteredConnection, ServerCore } from './server-core'
import { canWriteFramesDirectly, writeFrame } from './ws-frame-writer'

const OPEN = 1

/** Channels one WebSocket may be subscribed to at once (R26): the SSE stream's limit (R10). */
const MAX_CHANNELS = PROTOCOL_DEFAULTS.maxChannelsPerStream

/**
 * Where a socket keeps its connection, for the socket's listeners (shared by every connection): one property on the
 * socket costs less than an entry in a WeakMap.
 */
const kConnection = Symbol('switchline.wsConnection')
type ServedSocket = WebSocket & { [kConnection]?: WsConnection }

/** The close code for a refusal decided at `hello` by the hooks (after `authorize`). */
function closeCodeOf(refusal: Refusal): number {
  if (refusal.status === 401) return CLOSE_CODES.unauthorized
  if (refusal.status === 403) return CLOSE_CODES.forbidden
  if (refusal.status === 503 || refusal.status === 429) return CLOSE_CODES.try_again_later
  return CLOSE_CODES.internal
}

/** The close code for an error met while authorizing (R25). */
function closeCodeOfError(error: SwitchlineServerError): number {
  if (error.code === 'unauthorized') return CLOSE_CODES.unauthorized
  if (error.code === 'forbidden') return CLOSE_CODES.forbidden
  return CLOSE_CODES.internal
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8')
}

// The socket's listeners, one of each for every connection.
function onMessage(this: ServedSocket, data: RawData, isBinary: boolean): void {
  this[kConnection]?.received(data, isBinary)
}
function onPing(this: ServedSocket): void {
  this[kConnection]?.resetIdle()
}
function onClose(this: ServedSocket): void {
  this[kConnection]?.cleanup()
}

// The writes `core.send` makes (directly, or later through the fault hook's write).
function writeControl(conn: WsConnection, text: string): void {
  conn.writeRaw(text)
}
function writeEvent(conn: WsConnection, frame: Buffer): void {
  conn.writeEvent(frame)
}

/** Serves one accepted WebSocket until it closes. */
export function startWsConnection(core: ServerCore, ws: WebSocket, req: IncomingMessage): RegisteredConnection {
  return new WsConnection(core, ws as ServedSocket, req)
}

class WsConnection implements RegisteredConnection, EngineListener {
  readonly id: number
  private state: 'hello' | 'ready' | 'closed' = 'hello'
  private token: string | undefined
  /**
   * The upgrade request, for `authorize({ request })` on later subscribes and publishes; dropped after `hello` when
   * the server has no `authorize` (nothing would read it), which saves it on every idle connection.
   */
  private request: IncomingMessage | undefined
  /**
   * The subscriptions by channel: the first in two fields (most sockets carry one channel), any others in a Map,
   * made only then.
   */
  private channel: string | undefined
  private sub: EngineSubscription | undefined
  private more: Map<string, EngineSubscription> | undefined
  /** The frame being handled and those queued behind it; `undefined` when none. */
  private queue: Promise<void> | undefined
  private helloTimer: unknown
  private idleTimer: unknown
  private onIdle: (() => void) | undefined
  /** Whether event frames go to the socket directly (ws-frame-writer.ts). */
  private readonly direct: boolean

  constructor(
    private readonly core: ServerCore,
    private readonly ws: ServedSocket,
    req: IncomingMessage,
  ) {
    this.id = core.nextConnectionId()
    this.request = req
    this.direct = canWriteFramesDirectly(ws)
    const { timers, helloTimeoutMs } = core.options
    this.helloTimer = timers.setTimeout(
      () => this.closeWith(CLOSE_CODES.hello_timeout, 'hello timeout'),
      helloTimeoutMs,
    )
    core.register(this)
    ws[kConnection] = this
    ws.on('message', onMessage)
    ws.on('ping', onPing)
    ws.on('close', onClose)
    ws.on('error', onClose) // e.g. 1009 over maxPayload (R18): ws closes the socket itself
    this.resetIdle()
  }

  get transport(): 'ws' {
    return 'ws'
  }

  isOpen(): boolean {
    return this.state !== 'closed' && this.ws.readyState === OPEN
  }

  writeRaw(text: string): void {
    if (!this.isOpen()) return
    this.ws.send(text)
    this.checkBuffer()
  }

  /** Writes an event's shared frame (event-wire.ts), to the socket as is where ws allows (ws-frame-writer.ts). */
  writeEvent(frame: Buffer): void {
    if (!this.isOpen()) return
    writeFrame(this.ws, frame, this.direct)
    this.core.counters.eventsDelivered += 1
    this.checkBuffer()
  }

  /** R20: a socket whose outgoing buffer is over the limit is a slow consumer, closed with 4009. */
  private checkBuffer(): void {
    if (this.ws.bufferedAmount > this.core.options.maxBufferedBytes)
      this.closeWith(CLOSE_CODES.slow_consumer, 'slow consumer')
  }

  drop(): void {
    this.cleanup()
    this.ws.terminate()
  }

  end(code: number = CLOSE_CODES.normal, reason = ''): void {
    this.closeWith(code, reason)
  }

  shutdown(): void {
    this.closeWith(CLOSE_CODES.going_away, 'server shutting down')
  }

  /** A live event from the engine. */
  event(event: LoggedEvent): void {
    const frame = deliverableWire(wsWire, event, this.core.options.logger)
    if (frame === undefined) this.send({ type: 'error', ...skippedEventNotice(event) })
    else this.core.send(this, frame, writeEvent)
  }

  /** Live delivery broke (engine): close so the client resumes every channel from its cursor, here or elsewhere. */
  interrupted(): void {
    this.closeWith(CLOSE_CODES.restart, 'live feed interrupted')
  }

  resetIdle(): void {
    const { timers, idleTimeoutMs } = this.core.options
    if (this.idleTimer !== undefined) timers.clearTimeout(this.idleTimer)
    // One callback per connection, made with the first timer, for every later one.
    this.onIdle ??= this.idle.bind(this)
    this.idleTimer = timers.setTimeout(this.onIdle, idleTimeoutMs)
  }

  /** R19: nothing was heard for `idleTimeoutMs`. */
  private idle(): void {
    this.closeWith(CLOSE_CODES.idle_timeout, 'idle timeout')
  }

  cleanup(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    const { timers } = this.core.options
    this.clearHelloTimer()
    if (this.idleTimer !== undefined) timers.clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    this.sub?.close()
    for (const sub of this.more?.values() ?? []) sub.close()
    this.channel = this.sub = this.more = undefined
    this.request = undefined
    this.core.unregister(this)
  }

  private clearHelloTimer(): void {
    if (this.helloTimer === undefined) return
    this.core.options.timers.clearTimeout(this.helloTimer)
    this.helloTimer = undefined
  }

  private closeWith(code: number, reason: string): void {
    this.cleanup()
    if (this.ws.readyState === OPEN) this.ws.close(code, reason)
  }

  // A method, not `state === 'closed'` inline: TypeScript would keep its narrowing across an await.
  private isClosed(): boolean {
    return this.state === 'closed'
  }

  private send(frame: ServerFrame): void {
    this.core.send(this, encodeFrame(frame), writeControl)
  }

  private sendError(error: SwitchlineServerError, id: number): void {
    this.send({ type: 'error', id, ...errorBody(error.code, error.message, error.channel) })
  }

  /** The upgrade request for `authorize`: only read when the server has one, and then it is kept. */
  private get req(): IncomingMessage {
    return this.request as IncomingMessage
  }

  received(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return
    this.resetIdle()
    if (isBinary) return this.closeWith(CLOSE_CODES.bad_frame, 'binary frame') // R17
    const decoded = decodeClientFrame(rawText(data))
    if (!decoded.ok) return this.closeWith(CLOSE_CODES.bad_frame, decoded.reason) // R17
    const frame = decoded.value
    const queue = (this.queue ?? Promise.resolve())
      .then(() => this.handle(frame))
      .catch((error: unknown) => {
        this.core.options.logger.error(
          `switchline: WebSocket ${this.id} failed on a ${frame.type} frame; closed 1011`,
          { error },
        )
        this.closeWith(CLOSE_CODES.internal, 'internal error')
      })
    this.queue = queue
    // An idle connection keeps no settled promise chain.
    void queue.then(() => {
      if (this.queue === queue) this.queue = undefined
    })
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (this.state === 'closed') return
    if (this.state === 'hello') {
      // R16: the first frame must be hello; any other first frame is a protocol violation (fatal 4000).
      if (frame.type !== 'hello') return this.closeWith(CLOSE_CODES.bad_frame, 'expected hello')
      return this.hello(frame)
    }
    switch (frame.type) {
      case 'hello':
        return this.closeWith(CLOSE_CODES.bad_frame, 'duplicate hello')
      case 'ping':
        return this.send(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id })
      case 'subscribe':
        return this.subscribe(frame)
      case 'unsubscribe':
        this.unsubscribe(frame.channel)
        return this.send({ type: 'unsubscribed', id: frame.id, channel: frame.channel })
      case 'publish':
        return this.publish(frame)
    }
  }

  private async hello(frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const { core } = this
    this.clearHelloTimer()
    try {
      this.token = await core.authorizeConnect(this.req, frame.token)
    } catch (err) {
      const error = toServerError(err)
      return this.closeWith(closeCodeOfError(error), error.message)
    }
    if (this.isClosed()) return
    // The hooks have seen the token; a fault may still answer as if it had been rejected.
    const refusal = core.afterAuthorize('hello', this.req)
    if (refusal) return this.closeWith(closeCodeOf(refusal), refusal.message)
    this.state = 'ready'
    if (!core.options.authorize) this.request = undefined
    const { idleTimeoutMs, maxFrameBytes } = core.options
    this.send({ type: 'welcome', epoch: core.engine.epoch() ?? '', idleTimeoutMs, maxFrameBytes })
  }

  private subscribedTo(channel: string): boolean {
    return this.channel === channel || this.more?.has(channel) === true
  }

  private subscribedCount(): number {
    return (this.sub === undefined ? 0 : 1) + (this.more?.size ?? 0)
  }

  private unsubscribe(channel: string): void {
    if (this.channel === channel) {
      this.sub?.close()
      this.channel = this.sub = undefined
    } else {
      this.more?.get(channel)?.close()
      this.more?.delete(channel)
    }
  }

  private keep(channel: string, sub: EngineSubscription): void {
    if (this.sub === undefined) {
      this.channel = channel
      this.sub = sub
    } else (this.more ??= new Map()).set(channel, sub)
  }

  private async subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>): Promise<void> {
    const { id, channel, cursor } = frame
    const { core } = this
    // R26: as many channels as one SSE stream carries (R10); checked before any work for the channel.
    if (!this.subscribedTo(channel) && this.subscribedCount() >= MAX_CHANNELS) {
      return this.sendError(
        new SwitchlineServerError(
          'bad_request',
          `a WebSocket carries at most ${MAX_CHANNELS} channels; unsubscribe one first`,
          channel,
        ),
        id,
      )
    }
    const error = await core.authorizeSubscribe(this.token, channel, this.req)
    if (this.isClosed()) return
    if (error?.code === 'unauthorized') return this.closeWith(CLOSE_CODES.unauthorized, error.message)
    if (error) return this.sendError(error, id)
    this.unsubscribe(channel)
    // The engine holds live events back until `sub.start()`: the head is where live delivery starts, and replay
    // and live neither overlap nor leave a hole (R6, R9).
    let sub: EngineSubscription
    try {
      sub = await core.engine.subscribe([{ channel, cursor }], this)
    } catch (err) {
      const failure = toServerError(err)
      if (this.isClosed()) return
      // A client stops on an error frame for its subscribe; a close 1013 makes it come back and resubscribe
      // every channel from its cursor once the engine can serve it again (docs/protocol.md §7).
      if (failure instanceof UnavailableError) {
        return this.closeWith(CLOSE_CODES.try_again_later, `retry-after=${failure.retryAfterSeconds * 1000}`)
      }
      return this.sendError(failure, id)
    }
    if (this.isClosed()) return sub.close()
    this.send({ type: 'subscribed', id, channel, cursor: sub.head })
    for (const gap of sub.gaps) this.send({ type: 'gap', ...gap })
    for (const event of sub.replay) this.event(event)
    sub.start()
    // Closed meanwhile (a slow consumer on its replay): the subscription must not outlive the connection.
    if (this.isClosed()) return sub.close()
    this.keep(channel, sub)
  }

  private async publish(frame: Extract<ClientFrame, { type: 'publish' }>): Promise<void> {
    const { id, channel, data, event, mid } = frame
    try {
      const eventId = await publishFromClient(this.core, {
        channel,
        data,
        event,
        mid,
        token: this.token,
        request: this.req,
        source: 'ws',
      })
      this.send({ type: 'ack', id, eventId })
    } catch (err) {
      const error = toServerError(err)
      if (error.code === 'unauthorized') return this.closeWith(CLOSE_CODES.unauthorized, error.message)
      this.sendError(
        error.channel === undefined ? new SwitchlineServerError(error.code, error.message, channel) : error,
        id,
      )
    }
  }
}
