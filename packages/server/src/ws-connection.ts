/**
 * One WebSocket connection (R16–R20): hello handshake, subscribe/unsubscribe with replay, publish, ping, idle and
 * slow-consumer limits. Frames are handled one at a time, in order, even when `authorize` is async.
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
import { deliverableText, skippedEventNotice, wsEventText } from './event-text'
import { SwitchlineServerError, UnavailableError, toServerError } from './errors'
import { errorBody } from './http-util'
import type { Refusal } from './internals'
import { publishFromClient } from './publish'
import type { RegisteredConnection, ServerCore } from './server-core'

const OPEN = 1

/** Channels one WebSocket may be subscribed to at once (R26): the SSE stream's limit (R10). */
const MAX_CHANNELS = PROTOCOL_DEFAULTS.maxChannelsPerStream

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

/** Serves one accepted WebSocket until it closes. */
export function startWsConnection(core: ServerCore, ws: WebSocket, req: IncomingMessage): RegisteredConnection {
  const { options, counters } = core
  const { timers } = options
  let state: 'hello' | 'ready' | 'closed' = 'hello'
  let token: string | undefined
  const subscriptions = new Map<string, () => void>()
  let queue: Promise<void> = Promise.resolve()

  const helloTimer = timers.setTimeout(() => closeWith(CLOSE_CODES.hello_timeout, 'hello timeout'), options.helloTimeoutMs)
  let idleTimer: unknown
  const resetIdle = (): void => {
    if (idleTimer !== undefined) timers.clearTimeout(idleTimer)
    idleTimer = timers.setTimeout(() => closeWith(CLOSE_CODES.idle_timeout, 'idle timeout'), options.idleTimeoutMs)
  }

  // A function, not `state === 'closed'` inline: TypeScript would keep its narrowing across an await.
  const isClosed = (): boolean => state === 'closed'
  let release: () => void = () => undefined
  const cleanup = (): void => {
    if (state === 'closed') return
    state = 'closed'
    timers.clearTimeout(helloTimer)
    if (idleTimer !== undefined) timers.clearTimeout(idleTimer)
    for (const unsubscribe of subscriptions.values()) unsubscribe()
    subscriptions.clear()
    release()
  }
  function closeWith(code: number, reason: string): void {
    cleanup()
    if (ws.readyState === OPEN) ws.close(code, reason)
  }

  const conn: RegisteredConnection = {
    id: core.nextConnectionId(),
    transport: 'ws',
    isOpen: () => state !== 'closed' && ws.readyState === OPEN,
    writeRaw(text) {
      if (!conn.isOpen()) return
      ws.send(text)
      if (ws.bufferedAmount > options.maxBufferedBytes) closeWith(CLOSE_CODES.slow_consumer, 'slow consumer') // R20
    },
    drop() {
      cleanup()
      ws.terminate()
    },
    end(code = CLOSE_CODES.normal, reason = '') {
      closeWith(code, reason)
    },
    shutdown() {
      closeWith(CLOSE_CODES.going_away, 'server shutting down')
    },
  }
  release = core.register(conn)

  // One function per kind of write, made once per connection: delivering an event allocates nothing of its own.
  const writeControl = (text: string): void => conn.writeRaw(text)
  const writeEvent = (text: string): void => {
    if (!conn.isOpen()) return
    conn.writeRaw(text)
    counters.eventsDelivered += 1
  }
  const send = (frame: ServerFrame): void => core.send(conn, encodeFrame(frame), writeControl)
  const sendError = (error: SwitchlineServerError, id: number): void => {
    send({ type: 'error', id, ...errorBody(error.code, error.message, error.channel) })
  }
  const deliver = (event: LoggedEvent): void => {
    const text = deliverableText(wsEventText, event, options.logger)
    if (text === undefined) send({ type: 'error', ...skippedEventNotice(event) })
    else core.send(conn, text, writeEvent)
  }
  // Live delivery broke (engine): close so the client resumes every channel from its cursor, here or elsewhere.
  const listener: EngineListener = { event: deliver, interrupted: () => closeWith(CLOSE_CODES.restart, 'live feed interrupted') }

  async function hello(frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    timers.clearTimeout(helloTimer)
    try {
      token = await core.authorizeConnect(req, frame.token)
    } catch (err) {
      const error = toServerError(err)
      return closeWith(closeCodeOfError(error), error.message)
    }
    if (state === 'closed') return
    // The hooks have seen the token; a fault may still answer as if it had been rejected.
    const refusal = core.afterAuthorize('hello', req)
    if (refusal) return closeWith(closeCodeOf(refusal), refusal.message)
    state = 'ready'
    send({ type: 'welcome', epoch: core.engine.epoch() ?? '', idleTimeoutMs: options.idleTimeoutMs, maxFrameBytes: options.maxFrameBytes })
  }

  async function subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>): Promise<void> {
    const { id, channel, cursor } = frame
    // R26: as many channels as one SSE stream carries (R10); checked before any work for the channel.
    if (!subscriptions.has(channel) && subscriptions.size >= MAX_CHANNELS) {
      return sendError(new SwitchlineServerError('bad_request', `a WebSocket carries at most ${MAX_CHANNELS} channels; unsubscribe one first`, channel), id)
    }
    const error = await core.authorizeSubscribe(token, channel, req)
    if (state === 'closed') return
    if (error?.code === 'unauthorized') return closeWith(CLOSE_CODES.unauthorized, error.message)
    if (error) return sendError(error, id)
    subscriptions.get(channel)?.()
    subscriptions.delete(channel)
    // The engine holds live events back until `sub.start()`: the head is where live delivery starts, and replay
    // and live neither overlap nor leave a hole (R6, R9).
    let sub: EngineSubscription
    try {
      sub = await core.engine.subscribe([{ channel, cursor }], listener)
    } catch (err) {
      const failure = toServerError(err)
      if (isClosed()) return
      // A client stops on an error frame for its subscribe; a close 1013 makes it come back and resubscribe
      // every channel from its cursor once the engine can serve it again (docs/protocol.md §7).
      if (failure instanceof UnavailableError) {
        return closeWith(CLOSE_CODES.try_again_later, `retry-after=${failure.retryAfterSeconds * 1000}`)
      }
      return sendError(failure, id)
    }
    if (isClosed()) return sub.close()
    send({ type: 'subscribed', id, channel, cursor: sub.head })
    for (const gap of sub.gaps) send({ type: 'gap', ...gap })
    for (const event of sub.replay) deliver(event)
    sub.start()
    subscriptions.set(channel, () => sub.close())
  }

  async function publish(frame: Extract<ClientFrame, { type: 'publish' }>): Promise<void> {
    const { id, channel, data, event, mid } = frame
    try {
      const eventId = await publishFromClient(core, { channel, data, event, mid, token, request: req, source: 'ws' })
      send({ type: 'ack', id, eventId })
    } catch (err) {
      const error = toServerError(err)
      if (error.code === 'unauthorized') return closeWith(CLOSE_CODES.unauthorized, error.message)
      sendError(error.channel === undefined ? new SwitchlineServerError(error.code, error.message, channel) : error, id)
    }
  }

  async function handle(frame: ClientFrame): Promise<void> {
    if (state === 'closed') return
    if (state === 'hello') {
      // R16: the first frame must be hello; any other first frame is a protocol violation (fatal 4000).
      if (frame.type !== 'hello') return closeWith(CLOSE_CODES.bad_frame, 'expected hello')
      return hello(frame)
    }
    switch (frame.type) {
      case 'hello':
        return closeWith(CLOSE_CODES.bad_frame, 'duplicate hello')
      case 'ping':
        return send(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id })
      case 'subscribe':
        return subscribe(frame)
      case 'unsubscribe':
        subscriptions.get(frame.channel)?.()
        subscriptions.delete(frame.channel)
        return send({ type: 'unsubscribed', id: frame.id, channel: frame.channel })
      case 'publish':
        return publish(frame)
    }
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (state === 'closed') return
    resetIdle()
    if (isBinary) return closeWith(CLOSE_CODES.bad_frame, 'binary frame') // R17
    const decoded = decodeClientFrame(rawText(data))
    if (!decoded.ok) return closeWith(CLOSE_CODES.bad_frame, decoded.reason) // R17
    const frame = decoded.value
    queue = queue.then(() => handle(frame)).catch((error: unknown) => {
      options.logger.error(`switchline: WebSocket ${conn.id} failed on a ${frame.type} frame; closed 1011`, { error })
      closeWith(CLOSE_CODES.internal, 'internal error')
    })
  })
  ws.on('ping', resetIdle)
  ws.on('close', cleanup)
  ws.on('error', cleanup) // e.g. 1009 over maxPayload (R18): ws closes the socket itself
  resetIdle()
  return conn
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8')
}
