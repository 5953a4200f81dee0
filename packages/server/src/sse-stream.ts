/**
 * One open SSE stream (R11–R15): the head, gaps and replay of its channels, then live events and heartbeats (one
 * clock per server, heartbeat.ts), within the outgoing-buffer budget. A server holds thousands of these, idle most of the time, so a stream is one object
 * whose methods live on the prototype: it is its own registry entry, engine listener and write target, and the
 * response's `close` listener is a module function that finds it through a symbol (docs/decisions/0022).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SSE_EVENTS } from '@switchline/client/protocol'
import type { LoggedEvent } from './channel-log'
import type { EngineListener, EngineSubscription, SubscribeRequest } from './engine'
import { type SwitchlineServerError, UnavailableError, toServerError } from './errors'
import { deliverableWire, skippedEventNotice, sseWire } from './event-wire'
import { corsHeaders, errorBody, sendError } from './http-util'
import { createHeartbeat, type Heartbeat } from './heartbeat'
import type { RegisteredConnection, ServerCore } from './server-core'
import { planSseWrite } from './sse-budget'
import { writeSseChunk } from './sse-chunk-writer'
import { sseControl, sseRetry } from './sse-format'

const SLOW_CONSUMER_NOTICE = sseControl(SSE_EVENTS.error, errorBody('slow_consumer', 'outgoing buffer over limit'))
const SLOW_CONSUMER_BYTES = Buffer.byteLength(SLOW_CONSUMER_NOTICE)

/** Where a response keeps its stream (the `close` listener is shared by every stream). */
const kStream = Symbol('switchline.sseStream')
type StreamResponse = ServerResponse & { [kStream]?: SseStream }

function onClose(this: StreamResponse): void {
  this[kStream]?.cleanup()
}

// The writes `core.send` makes (directly, or later through the fault hook's write).
function writeControl(stream: SseStream, text: string): void {
  stream.writeRaw(text)
}
function writeEvent(stream: SseStream, wire: Buffer): void {
  stream.writeEvent(wire)
}

/** Answers an error before the stream started: its status, and `Retry-After` for `unavailable` (R24). */
function refuse(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const error = toServerError(err)
  if (!(error instanceof UnavailableError)) return sendError(req, res, error.code, error.message)
  // This instance cannot serve now (e.g. cut off from Redis): on HTTP/1 the connection closes with the answer, so the
  // retry opens a new one, which a balancer may send to another instance (a kept-alive one would come back here).
  const headers: Record<string, string> = req.httpVersionMajor >= 2 ? {} : { Connection: 'close' }
  sendError(req, res, error.code, error.message, { retryAfterSeconds: error.retryAfterSeconds, headers })
}

/** Subscribes `accepted` and serves the stream until it ends; answers an error instead when the engine cannot. */
export async function openSseStream(
  core: ServerCore,
  req: IncomingMessage,
  res: ServerResponse,
  accepted: readonly SubscribeRequest[],
  rejected: readonly SwitchlineServerError[],
): Promise<void> {
  const { options } = core
  const stream = new SseStream(core, res)
  // The engine holds live events back from here until `sub.start()`: replay and live neither overlap nor leave a
  // hole (R6), and the head cursor is where live delivery starts (R9).
  let sub: EngineSubscription
  try {
    sub = await core.engine.subscribe(accepted, stream)
  } catch (err) {
    if (!req.socket.destroyed) refuse(req, res, err)
    return
  }
  if (req.socket.destroyed) {
    sub.close()
    return
  }
  stream.sub = sub

  req.socket.setNoDelay(true)
  req.socket.setTimeout(0)
  res.writeHead(200, {
    ...corsHeaders(req),
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
    // HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2); its streams need none
    ...(req.httpVersionMajor >= 2 ? {} : { Connection: 'keep-alive' }),
  })
  ;(res as StreamResponse)[kStream] = stream
  res.on('close', onClose)
  core.register(stream)

  stream.send(sseRetry(options.retryMs))
  const channels = accepted.map((a) => a.channel)
  stream.send(
    sseControl(SSE_EVENTS.ready, { epoch: sub.epoch, heartbeatMs: options.heartbeatMs, channels, cursor: sub.head }),
  )
  for (const error of rejected) {
    stream.send(sseControl(SSE_EVENTS.error, { ...errorBody(error.code, error.message, error.channel), fatal: true }))
  }
  // Gaps first, then every channel's missed events merged in seq order, so the stream's ids only grow and its
  // Last-Event-ID stays a valid cursor for all of its channels; then the live events the engine held back.
  for (const gap of sub.gaps) stream.send(sseControl(SSE_EVENTS.gap, gap))
  for (const event of sub.replay) stream.event(event)
  sub.start()
  if (stream.isOpen()) heartbeatOf(core).add(stream)
}

/** Each server's heartbeat clock, made with its first stream. */
const heartbeats = new WeakMap<ServerCore, Heartbeat>()

function heartbeatOf(core: ServerCore): Heartbeat {
  let heartbeat = heartbeats.get(core)
  if (!heartbeat) heartbeats.set(core, (heartbeat = createHeartbeat(core.options.timers, core.options.heartbeatMs)))
  return heartbeat
}

class SseStream implements RegisteredConnection, EngineListener {
  readonly id: number
  private open = true
  sub: EngineSubscription | undefined

  constructor(
    private readonly core: ServerCore,
    private readonly res: ServerResponse,
  ) {
    this.id = core.nextConnectionId()
  }

  get transport(): 'sse' {
    return 'sse'
  }

  isOpen(): boolean {
    return this.open
  }

  /** R15: whether `bytes` more may be written; if not, a slow consumer is told (fatal: false) if the notice fits, and closed. */
  private fits(bytes: number): boolean {
    const plan = planSseWrite(this.res.writableLength, bytes, SLOW_CONSUMER_BYTES, this.core.options.maxBufferedBytes)
    if (plan === 'write') return true
    if (plan === 'notify-and-close') this.res.write(SLOW_CONSUMER_NOTICE)
    this.end()
    return false
  }

  writeRaw(text: string): void {
    if (this.open && this.fits(Buffer.byteLength(text))) this.res.write(text)
  }

  /** Writes an event's shared HTTP chunk (event-wire.ts), as is where the response allows (sse-chunk-writer.ts). */
  writeEvent(wire: Buffer): void {
    if (!this.open || !this.fits(wire.length)) return
    writeSseChunk(this.res, wire)
    this.core.counters.eventsDelivered += 1
  }

  send(text: string): void {
    this.core.send(this, text, writeControl)
  }

  beat(): void {
    this.send(sseControl(SSE_EVENTS.heartbeat, { t: this.core.options.now() }))
  }

  /** A live event from the engine (and the replay). */
  event(event: LoggedEvent): void {
    const wire = deliverableWire(sseWire, event, this.core.options.logger)
    if (wire === undefined) this.send(sseControl(SSE_EVENTS.error, skippedEventNotice(event)))
    else this.core.send(this, wire, writeEvent)
  }

  /**
   * Live delivery broke (engine): end the stream so the client resumes from its cursor, here or elsewhere. On HTTP/1
   * its connection ends too: kept alive, it would take the client's next request back to this instance through a
   * TCP balancer, even while this instance refuses it (cut off from Redis's pub/sub).
   */
  interrupted(): void {
    const { req, socket } = this.res
    this.end()
    if (req.httpVersionMajor < 2) socket?.end()
  }

  cleanup(): void {
    if (!this.open) return
    this.open = false
    this.sub?.close()
    this.sub = undefined
    heartbeats.get(this.core)?.delete(this)
    this.core.unregister(this)
  }

  drop(): void {
    this.cleanup()
    this.res.destroy()
  }

  end(): void {
    this.cleanup()
    this.res.end()
  }

  shutdown(): void {
    this.end()
  }
}
