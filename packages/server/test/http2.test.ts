/**
 * Issue 11 item 6: `listen({ tls })` serves SSE and publish over HTTP/2 (many streams over one TCP connection), with
 * HTTP/1.1 fallback and WebSocket upgrades on the same port; checked with `node:http2`, `node:https` and `ws` clients
 * that trust a test CA made with openssl.
 */
import { request as httpsRequest } from 'node:https'
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { SUBPROTOCOL } from '@switchline/client/protocol'
import { createSwitchlineServer, type SwitchlineServerOptions } from '../src/index'
import { channelEvents, installCleanup, onCleanup, sseParserInto, waitFor, type SseEvent } from './helpers'
import { testCertificate } from './tls-cert'

installCleanup()

async function startTls(options: Partial<SwitchlineServerOptions> = {}) {
  const { cert, key } = testCertificate()
  const server = createSwitchlineServer({ channels: { ticker: { send: false }, chat: { send: true } }, ...options })
  const listener = await server.listen({ tls: { cert, key } })
  onCleanup(() => listener.close())
  return { server, listener }
}

function h2Session(url: string): ClientHttp2Session {
  const session = connect(url, { ca: testCertificate().ca })
  session.on('error', () => undefined)
  onCleanup(() => session.destroy())
  return session
}

interface H2Sse {
  events: SseEvent[]
  headers: Promise<IncomingHttpHeaders>
  closed: Promise<void>
}

/** One SSE stream on an HTTP/2 session. */
function h2Sse(session: ClientHttp2Session, path: string, headers: Record<string, string> = {}): H2Sse {
  const stream = session.request({ ':path': path, accept: 'text/event-stream', ...headers })
  const events: SseEvent[] = []
  const parse = sseParserInto(events)
  stream.setEncoding('utf8')
  stream.on('data', parse)
  stream.on('error', () => undefined)
  return {
    events,
    headers: new Promise((resolve) => stream.once('response', resolve)),
    closed: new Promise((resolve) => stream.once('close', resolve)),
  }
}

/** One request/response on an HTTP/2 session. */
function h2Call(
  session: ClientHttp2Session,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers)
    let text = ''
    let status = 0
    stream.setEncoding('utf8')
    stream.on('response', (h) => (status = Number(h[':status'])))
    stream.on('data', (chunk: string) => (text += chunk))
    stream.on('end', () => resolve({ status, body: text }))
    stream.on('error', reject)
    stream.end(body)
  })
}

describe('listen({ tls }): HTTP/2 with HTTP/1.1 fallback', () => {
  it('serves https and names it in url/baseUrl', async () => {
    const { listener } = await startTls()
    expect(listener.url).toBe(`https://127.0.0.1:${listener.port}`)
    expect(listener.baseUrl).toBe(`${listener.url}/rt`)
  })

  it('many SSE streams over one HTTP/2 session, all live at once; publish over the same session', async () => {
    const versions: string[] = []
    const { server, listener } = await startTls({
      authorize: ({ op, request }) => {
        if (op === 'connect') versions.push(request.httpVersion)
        return true
      },
    })
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`)
    process.on('warning', onWarning)
    onCleanup(() => process.off('warning', onWarning))
    const session = h2Session(listener.url)
    const streams = Array.from({ length: 24 }, (_, i) => h2Sse(session, `/rt/sse?channels=ticker,chat:room-${i}`))
    await waitFor(() => streams.every((s) => s.events.some((e) => e.event === 'sl-ready')), { what: '24 sl-ready' })
    expect(server.stats().sse.open).toBe(24)
    const first = await streams[0]?.headers
    expect(first?.[':status']).toBe(200)
    expect(first?.['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(first?.connection).toBeUndefined() // no connection-specific header on HTTP/2

    const tick = server.publish('ticker', { n: 1 })
    const published = await h2Call(
      session,
      { ':method': 'POST', ':path': '/rt/publish', 'content-type': 'application/json' },
      JSON.stringify({ channel: 'chat:room-5', data: 'hi' }),
    )
    expect(published.status).toBe(200)
    const chatId = (JSON.parse(published.body) as { eventId: string }).eventId
    await waitFor(() => streams.every((s) => s.events.some((e) => e.id === tick)), { what: 'the tick on every stream' })
    await waitFor(() => streams[5]?.events.some((e) => e.id === chatId))
    expect(channelEvents(streams[5]?.events ?? []).map((e) => e.id)).toEqual([tick, chatId])
    expect(channelEvents(streams[4]?.events ?? []).map((e) => e.id)).toEqual([tick])
    expect(versions).toEqual([...Array(25)].map(() => '2.0')) // 24 streams + 1 publish, every one HTTP/2
    expect(warnings).toEqual([]) // e.g. node:http2 dropping a connection-specific header
  })

  it('R21 over HTTP/2: :authority stands for Host; a rebinding name is refused, a known one allowed', async () => {
    const { listener } = await startTls()
    const session = h2Session(listener.url)
    const rebound = `attacker.example:${listener.port}`
    const refused = await h2Call(session, {
      ':path': '/rt/sse?channels=ticker',
      ':authority': rebound,
      origin: `https://${rebound}`,
    })
    expect(refused.status).toBe(403)
    const own = h2Sse(session, '/rt/sse?channels=ticker', { origin: listener.url })
    expect((await own.headers)[':status']).toBe(200)
  })

  it('HTTP/1.1 clients get the same endpoints on the same port (ALPN fallback), and WebSockets over wss', async () => {
    const { server, listener } = await startTls()
    const { ca } = testCertificate()
    const head = await new Promise<{ status: number; version: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpsRequest(`${listener.baseUrl}/sse?channels=ticker`, { ca }, (res) => {
          resolve({ status: res.statusCode ?? 0, version: res.httpVersion, connection: res.headers.connection })
          req.destroy()
        })
        req.on('error', reject)
        req.end()
      },
    )
    expect(head).toEqual({ status: 200, version: '1.1', connection: 'keep-alive' })

    const ws = new WebSocket(`${listener.baseUrl.replace(/^https/, 'wss')}/ws`, [SUBPROTOCOL], { ca })
    onCleanup(() => ws.terminate())
    const frames: Record<string, unknown>[] = []
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>))
    await new Promise((resolve) => ws.once('open', resolve))
    ws.send(JSON.stringify({ type: 'hello' }))
    ws.send(JSON.stringify({ type: 'subscribe', id: 1, channel: 'chat' }))
    await waitFor(() => frames.some((f) => f.type === 'subscribed'))
    const id = server.publish('chat', 'over wss')
    await waitFor(() => frames.some((f) => f.type === 'event'))
    expect(frames.find((f) => f.type === 'event')).toMatchObject({ id, data: 'over wss' })
  })

  it('close() ends every HTTP/2 stream and session', async () => {
    const { server, listener } = await startTls()
    const session = h2Session(listener.url)
    const sessionClosed = new Promise((resolve) => session.once('close', resolve))
    const sse = h2Sse(session, '/rt/sse?channels=ticker')
    await waitFor(() => sse.events.some((e) => e.event === 'sl-ready'))
    await listener.close()
    await sse.closed
    await sessionClosed
    expect(server.stats().sse.open).toBe(0)
  })
})
