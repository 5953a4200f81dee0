/**
 * Test helpers: servers on 127.0.0.1:0, clients that are not ours (fetch, eventsource, ws), bounded waits, and
 * cleanup of everything a test opened.
 */
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'
import { EventSource } from 'eventsource'
import { WebSocket } from 'ws'
import { SUBPROTOCOL } from '@switchline/client/protocol'
import {
  createSwitchlineServer,
  type ServerLogger,
  type SwitchlineServer,
  type SwitchlineServerOptions,
} from '../src/index'
import { createFaultInjector, type FaultInjector } from '../src/testing/index'
import { engineOption } from './engine-under-test'

type Disposer = () => unknown

const disposers: Disposer[] = []

/** Registers cleanup of everything opened through these helpers; call once at the top of a test file. */
export function installCleanup(): void {
  afterEach(async () => {
    for (const dispose of disposers.splice(0).reverse()) await dispose()
  })
}

/** Runs `fn` after the current test. */
export function onCleanup(fn: Disposer): void {
  disposers.push(fn)
}

/** Polls `predicate` every 5 ms until it holds, failing after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | undefined | false | null,
  { timeoutMs = 2000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = predicate()
    if (value !== undefined && value !== false && value !== null) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A started server. */
export interface Started {
  server: SwitchlineServer<boolean>
  url: string
  baseUrl: string
  wsUrl: string
}

/**
 * Creates and listens a server on 127.0.0.1:0, on the engine of this test file (engine-under-test.ts), and waits
 * until it is ready; closed after the test.
 */
export async function startServer(options: Partial<SwitchlineServerOptions<boolean>> = {}): Promise<Started> {
  const server = createSwitchlineServer<boolean>({
    channels: { ticker: { send: false }, chat: { send: true }, clock: { send: false } },
    ...engineOption(),
    ...options,
  })
  const listener = await server.listen({ host: '127.0.0.1', port: 0 })
  onCleanup(() => listener.close())
  await server.ready()
  return {
    server,
    url: listener.url,
    baseUrl: listener.baseUrl,
    wsUrl: `${listener.baseUrl.replace(/^http/, 'ws')}/ws`,
  }
}

/**
 * Listens a `node:http` server on 127.0.0.1:0 and returns its origin (`http://127.0.0.1:<port>`). Closed after the
 * test, its open connections too.
 */
export async function listenHttp(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** {@link startServer} with a fault injector attached (on the global clock). */
export async function withFaults(
  options: Partial<SwitchlineServerOptions<boolean>> = {},
): Promise<Started & { faults: FaultInjector }> {
  const started = await startServer(options)
  return { ...started, faults: createFaultInjector(started.server) }
}

/** Publishes one event per item, one after the other (in order on every engine); resolves the ids. */
export async function publishEach<T>(
  items: readonly T[],
  publish: (item: T) => string | Promise<string>,
): Promise<string[]> {
  const ids: string[] = []
  for (const item of items) ids.push(await publish(item))
  return ids
}

// ---------------------------------------------------------------- raw SSE over fetch

/** One parsed SSE event. */
export interface SseEvent {
  event: string
  id: string | undefined
  data: string
}

/** A raw SSE stream read with fetch + getReader, parsed by a minimal spec-following parser. */
export interface RawSse {
  response: Response
  events: SseEvent[]
  raw: () => string
  /** Resolves when the body ends or errors. */
  ended: Promise<'end' | 'error'>
  isEnded(): boolean
  /** Waits for the `n`-th (1-based) event matching `filter`. */
  waitForEvents(filter: (e: SseEvent) => boolean, n?: number, timeoutMs?: number): Promise<SseEvent[]>
  close(): void
}

/** Opens `GET url` and parses the stream as it arrives. Non-200 answers are returned without a stream. */
export async function openRawSse(url: string, headers: Record<string, string> = {}): Promise<RawSse> {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal })
  onCleanup(() => controller.abort())
  const events: SseEvent[] = []
  let raw = ''
  let ended = false
  const parse = sseParserInto(events)
  const feed = (text: string): void => {
    raw += text
    parse(text)
  }
  const endedPromise: Promise<'end' | 'error'> = (async () => {
    if (!response.body) return 'end'
    const reader = response.body.getReader()
    const decoder = new TextDecoder()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return 'end'
        feed(decoder.decode(value, { stream: true }))
      }
    } catch {
      return 'error'
    } finally {
      ended = true
    }
  })()
  return {
    response,
    events,
    raw: () => raw,
    ended: endedPromise,
    isEnded: () => ended,
    async waitForEvents(filter, n = 1, timeoutMs = 2000) {
      await waitFor(() => events.filter(filter).length >= n, { timeoutMs, what: `${n} SSE event(s)` })
      return events.filter(filter)
    },
    close: () => controller.abort(),
  }
}

/** A minimal spec-following SSE parser: feed it text as it arrives; complete events are pushed onto `events`. */
export function sseParserInto(events: SseEvent[]): (text: string) => void {
  let buffer = ''
  let current: { event: string; id: string | undefined; data: string[] } = { event: 'message', id: undefined, data: [] }
  return (text) => {
    buffer += text
    let nl: number
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl).replace(/\r$/, '')
      buffer = buffer.slice(nl + 1)
      if (line === '') {
        if (current.data.length > 0)
          events.push({ event: current.event, id: current.id, data: current.data.join('\n') })
        current = { event: 'message', id: undefined, data: [] }
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') current.event = value
      else if (field === 'id') current.id = value
      else if (field === 'data') current.data.push(value)
    }
  }
}

/** Channel events (default `message`) of a raw stream, decoded. */
export function channelEvents(events: SseEvent[]): { id: string; channel: string; data: unknown; event?: string }[] {
  return events
    .filter((e) => e.event === 'message')
    .map((e) => ({ id: e.id as string, ...(JSON.parse(e.data) as { channel: string; data: unknown; event?: string }) }))
}

// ---------------------------------------------------------------- eventsource package

/** An `eventsource` v4 client that records every event type it is told about. */
export function openEventSource(
  url: string,
  {
    headers = {},
    types = ['sl-ready', 'sl-heartbeat', 'sl-gap', 'sl-error'],
  }: { headers?: Record<string, string>; types?: string[] } = {},
): {
  es: EventSource
  received: { type: string; data: string; lastEventId: string }[]
  errors: { code: number | undefined }[]
} {
  const es = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
  })
  onCleanup(() => es.close())
  const received: { type: string; data: string; lastEventId: string }[] = []
  const errors: { code: number | undefined }[] = []
  for (const type of ['message', ...types]) {
    es.addEventListener(type, (e) => received.push({ type, data: e.data, lastEventId: e.lastEventId }))
  }
  es.addEventListener('error', (e) => errors.push({ code: e.code }))
  return { es, received, errors }
}

// ---------------------------------------------------------------- ws package

/** A `ws` client recording frames and its close. */
export interface WsClient {
  ws: WebSocket
  frames: Record<string, unknown>[]
  texts: string[]
  opened: Promise<void>
  closed: Promise<{ code: number; reason: string }>
  /** The HTTP status when the upgrade was refused. */
  refused: Promise<{ status: number; body: string }>
  send(frame: object): void
  /** Waits for the `n`-th frame matching `filter` (all matching frames are returned). */
  waitFor(
    filter: (f: Record<string, unknown>) => boolean,
    n?: number,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>[]>
}

/** Opens a WebSocket with the Switchline subprotocol (unless `protocols` says otherwise). */
export function openWs(
  url: string,
  {
    protocols = [SUBPROTOCOL],
    origin,
    headers,
  }: { protocols?: string[]; origin?: string; headers?: Record<string, string> } = {},
): WsClient {
  const ws = new WebSocket(url, protocols, {
    ...(origin === undefined ? {} : { origin }),
    ...(headers === undefined ? {} : { headers }),
  })
  onCleanup(() => ws.terminate())
  const frames: Record<string, unknown>[] = []
  const texts: string[] = []
  ws.on('message', (data, isBinary) => {
    if (isBinary) return
    const text = data.toString()
    texts.push(text)
    try {
      frames.push(JSON.parse(text) as Record<string, unknown>)
    } catch {
      // malformed frames are kept in `texts`
    }
  })
  ws.on('error', () => undefined)
  const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  const refused = new Promise<{ status: number; body: string }>((resolve) =>
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body })
        ws.terminate()
      })
    }),
  )
  return {
    ws,
    frames,
    texts,
    opened,
    closed,
    refused,
    send: (frame) => ws.send(JSON.stringify(frame)),
    async waitFor(filter, n = 1, timeoutMs = 2000) {
      await waitFor(() => frames.filter(filter).length >= n, { timeoutMs, what: `${n} WebSocket frame(s)` })
      return frames.filter(filter)
    },
  }
}

/** Opens a WebSocket, sends `hello` and waits for `welcome`. */
export async function helloWs(url: string, token?: string): Promise<WsClient> {
  const client = openWs(url)
  await client.opened
  client.send(token === undefined ? { type: 'hello' } : { type: 'hello', token })
  await client.waitFor((f) => f.type === 'welcome')
  return client
}

/** `hello` + `subscribe`, waiting for `subscribed`. */
export async function subscribeWs(url: string, channel: string, cursor?: string): Promise<WsClient> {
  const client = await helloWs(url)
  client.send(
    cursor === undefined ? { type: 'subscribe', id: 1, channel } : { type: 'subscribe', id: 1, channel, cursor },
  )
  await client.waitFor((f) => f.type === 'subscribed' && f.channel === channel)
  return client
}

/** `POST B/publish` with JSON. */
export async function postPublish(
  baseUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${baseUrl}/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers }
}

// ---------------------------------------------------------------- node:http with any headers

/**
 * One request over `node:http`, which (unlike `fetch`) sends any `Host` header it is given — what a browser sends
 * for a page on a name that resolves to this server (DNS rebinding). Resolves with the status and body.
 */
export function rawRequest(
  url: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      // An SSE stream that was accepted never ends: its head is enough.
      if (res.statusCode === 200 && String(res.headers['content-type']).startsWith('text/event-stream')) {
        resolve({ status: 200, headers: res.headers, body: '' })
        req.destroy()
        return
      }
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

// ---------------------------------------------------------------- logger

/** One call to a {@link recordingLogger}. */
export interface LoggedLine {
  level: 'warn' | 'error'
  message: string
  details: Record<string, unknown> | undefined
}

/** A `logger` option that records its calls instead of printing them. */
export function recordingLogger(): { logger: ServerLogger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = []
  return {
    lines,
    logger: {
      warn: (message, details) => void lines.push({ level: 'warn', message, details }),
      error: (message, details) => void lines.push({ level: 'error', message, details }),
    },
  }
}

/** `server.publish` on a server that must be on the in-memory engine (a test of synchronous behaviour). */
export function publishNow(
  server: SwitchlineServer<boolean>,
  ...args: Parameters<SwitchlineServer['publish']>
): string {
  const id = server.publish(...args)
  if (typeof id !== 'string') throw new Error('publishNow needs the in-memory engine')
  return id
}
