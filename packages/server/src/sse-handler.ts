/** `GET B/sse` (R10–R15): one SSE stream carrying one or many channels, with replay, gaps and heartbeats. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROTOCOL_DEFAULTS, SSE_EVENTS } from '@switchline/client/protocol'
import type { LoggedEvent } from './channel-log'
import type { EngineListener, EngineSubscription } from './engine'
import { SwitchlineServerError, UnavailableError, toServerError } from './errors'
import { corsHeaders, errorBody, requestUrl, sendError, sendRefusal } from './http-util'
import type { RegisteredConnection, ServerCore } from './server-core'
import { planSseWrite } from './sse-budget'
import { deliverableText, skippedEventNotice, sseEventText } from './event-text'
import { sseControl, sseRetry } from './sse-format'

const SLOW_CONSUMER_NOTICE = sseControl(SSE_EVENTS.error, errorBody('slow_consumer', 'outgoing buffer over limit'))
const SLOW_CONSUMER_BYTES = Buffer.byteLength(SLOW_CONSUMER_NOTICE)

interface Accepted {
  channel: string
  cursor: string | undefined
}

/** Parses `channels`: `undefined` when missing, empty or over-long (R10). Duplicates are removed. */
export function parseChannelsParam(value: string | null): string[] | undefined {
  if (value === null) return undefined
  const list = [...new Set(value.split(',').map((c) => c.trim()).filter((c) => c !== ''))]
  if (list.length === 0 || list.length > PROTOCOL_DEFAULTS.maxChannelsPerStream) return undefined
  return list
}

/** The cursor of one channel: `since.<ch>`, else `Last-Event-ID`, else `lastEventId` (§5). */
function cursorFor(channel: string, url: URL, req: IncomingMessage): string | undefined {
  const since = url.searchParams.get(`since.${channel}`)
  if (since !== null && since !== '') return since
  const header = req.headers['last-event-id']
  if (typeof header === 'string' && header !== '') return header
  const param = url.searchParams.get('lastEventId')
  return param !== null && param !== '' ? param : undefined
}

/** Serves one SSE request. */
export async function handleSse(core: ServerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET') {
    sendError(req, res, 'bad_request', 'the SSE endpoint takes GET')
    return
  }
  const refusal = core.admit('sse', req)
  if (refusal) {
    sendRefusal(req, res, refusal)
    return
  }
  if (core.limitConnection('sse') !== undefined) {
    sendError(req, res, 'unavailable', 'too many new connections', { retryAfterSeconds: 1 })
    return
  }
  const url = requestUrl(req)
  const channels = parseChannelsParam(url.searchParams.get('channels'))
  if (!channels) {
    sendError(req, res, 'bad_request', `channels must list 1-${PROTOCOL_DEFAULTS.maxChannelsPerStream} channels`)
    return
  }
  const accepted: Accepted[] = []
  const rejected: SwitchlineServerError[] = []
  try {
    const token = await core.authorizeConnect(req)
    for (const channel of channels) {
      const error = await core.authorizeSubscribe(token, channel, req)
      if (error?.code === 'unauthorized' || error?.code === 'internal') throw error
      if (error) rejected.push(error)
      else accepted.push({ channel, cursor: cursorFor(channel, url, req) })
    }
  } catch (err) {
    const error = toServerError(err)
    sendError(req, res, error.code, error.message, error.channel !== undefined ? { channel: error.channel } : {})
    return
  }
  if (req.socket.destroyed) return
  // The hooks have seen the token; a fault may still answer as if it had been rejected.
  const late = core.afterAuthorize('sse', req)
  if (late) {
    sendRefusal(req, res, late)
    return
  }
  await openStream(core, req, res, accepted, rejected)
}

/** Answers an error before the stream started: its status, and `Retry-After` for `unavailable` (R24). */
function refuse(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const error = toServerError(err)
  const retryAfterSeconds = error instanceof UnavailableError ? error.retryAfterSeconds : undefined
  sendError(req, res, error.code, error.message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds })
}

async function openStream(
  core: ServerCore,
  req: IncomingMessage,
  res: ServerResponse,
  accepted: Accepted[],
  rejected: SwitchlineServerError[],
): Promise<void> {
  const { options, counters } = core
  let open = true
  const cleanups: (() => void)[] = []
  const cleanup = (): void => {
    if (!open) return
    open = false
    for (const fn of cleanups.splice(0)) fn()
  }

  const conn: RegisteredConnection = {
    id: core.nextConnectionId(),
    transport: 'sse',
    isOpen: () => open,
    writeRaw(text) {
      if (!open) return
      // R15: a slow consumer is told (fatal: false) if the notice fits, and closed; it resumes from its cursor.
      const plan = planSseWrite(res.writableLength, Buffer.byteLength(text), SLOW_CONSUMER_BYTES, options.maxBufferedBytes)
      if (plan === 'write') return void res.write(text)
      if (plan === 'notify-and-close') res.write(SLOW_CONSUMER_NOTICE)
      conn.end()
    },
    drop() {
      cleanup()
      res.destroy()
    },
    end() {
      cleanup()
      res.end()
    },
    shutdown() {
      conn.end()
    },
  }
  // One function per kind of write, made once per stream: delivering an event allocates nothing of its own.
  const writeControl = (text: string): void => {
    if (open) conn.writeRaw(text)
  }
  const writeEvent = (text: string): void => {
    if (!open) return
    conn.writeRaw(text)
    counters.eventsDelivered += 1
  }
  const send = (text: string): void => core.send(conn, text, writeControl)
  const deliver = (event: LoggedEvent): void => {
    const text = deliverableText(sseEventText, event, options.logger)
    if (text === undefined) send(sseControl(SSE_EVENTS.error, skippedEventNotice(event)))
    else core.send(conn, text, writeEvent)
  }
  // Live delivery broke (engine): end the stream so the client resumes from its cursor, here or elsewhere.
  const listener: EngineListener = { event: deliver, interrupted: () => conn.end() }

  // The engine holds live events back from here until `sub.start()`: replay and live neither overlap nor leave a
  // hole (R6), and the head cursor is where live delivery starts (R9).
  let sub: EngineSubscription
  try {
    sub = await core.engine.subscribe(accepted, listener)
  } catch (err) {
    if (!req.socket.destroyed) refuse(req, res, err)
    return
  }
  if (req.socket.destroyed) {
    sub.close()
    return
  }
  cleanups.push(() => sub.close())

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
  res.on('close', cleanup)
  cleanups.push(core.register(conn))

  send(sseRetry(options.retryMs))
  const channels = accepted.map((a) => a.channel)
  send(sseControl(SSE_EVENTS.ready, { epoch: sub.epoch, heartbeatMs: options.heartbeatMs, channels, cursor: sub.head }))
  for (const error of rejected) {
    send(sseControl(SSE_EVENTS.error, { ...errorBody(error.code, error.message, error.channel), fatal: true }))
  }
  // Gaps first, then every channel's missed events merged in seq order, so the stream's ids only grow and its
  // Last-Event-ID stays a valid cursor for all of its channels; then the live events the engine held back.
  for (const gap of sub.gaps) send(sseControl(SSE_EVENTS.gap, gap))
  for (const event of sub.replay) deliver(event)
  sub.start()

  const heartbeat = options.timers.setInterval(
    () => send(sseControl(SSE_EVENTS.heartbeat, { t: options.now() })),
    options.heartbeatMs,
  )
  cleanups.push(() => options.timers.clearInterval(heartbeat))
}
