/**
 * Mounting on an existing `node:http` server (README "Mounting"): `handleRequest` as one middleware of a
 * connect-style `(req, res, next)` chain that also serves the app's own routes, `handleUpgrade` on the server's
 * `upgrade` event next to other upgrade routes. No framework: the chain below does what connect and Express do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '@switchline/client/protocol'
import { createSwitchlineServer, type SwitchlineServer } from '../src/index'
import {
  channelEvents,
  installCleanup,
  listenHttp,
  onCleanup,
  openRawSse,
  openWs,
  postPublish,
  subscribeWs,
} from './helpers'

installCleanup()

type Request = IncomingMessage & { originalUrl?: string }
type Middleware = (req: Request, res: ServerResponse, next: (err?: unknown) => void) => void

/**
 * A minimal connect-style app: `use(fn)` or `use(prefix, fn)`. Under a prefix `req.url` is stripped of it and
 * `req.originalUrl` keeps the full URL, as in connect and Express; no middleware left → `404 no route`, `next(err)`
 * → `500`.
 */
function connectLike() {
  const stack: { prefix: string; fn: Middleware }[] = []
  const handle = (req: Request, res: ServerResponse): void => {
    const full = (req.originalUrl ??= req.url ?? '/')
    const path = new URL(full, 'http://localhost').pathname
    let index = 0
    const next = (err?: unknown): void => {
      req.url = full
      if (err !== undefined) return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('app error')
      while (index < stack.length) {
        const { prefix, fn } = stack[index++]!
        if (prefix !== '' && path !== prefix && !path.startsWith(`${prefix}/`)) continue
        req.url = full.slice(prefix.length) || '/'
        if (!req.url.startsWith('/')) req.url = `/${req.url}`
        return fn(req, res, next)
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no route')
    }
    next()
  }
  return {
    handle,
    use(prefixOrFn: string | Middleware, fn?: Middleware): void {
      if (typeof prefixOrFn === 'string') stack.push({ prefix: prefixOrFn, fn: fn! })
      else stack.push({ prefix: '', fn: prefixOrFn })
    },
  }
}

/** The app's own route: `GET <path>` answers `text/plain ok`, anything else goes on. */
const health =
  (path: string): Middleware =>
  (req, res, next) => {
    if (req.method !== 'GET' || req.url !== path) return next()
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok')
  }

/**
 * Listens `app` and the upgrade routing on 127.0.0.1:0: Switchline's upgrades, then the host's own (recorded and
 * refused). Closed after the test: Switchline first (its connections), then the HTTP server.
 */
async function listenHost(sl: SwitchlineServer, app: ReturnType<typeof connectLike>) {
  const otherUpgrades: string[] = []
  const http = createServer(app.handle)
  http.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if (sl.handleUpgrade(req, socket, head)) return
    otherUpgrades.push(req.url ?? '')
    socket.destroy()
  })
  const origin = await listenHttp(http)
  onCleanup(() => sl.close()) // cleanups run in reverse: Switchline before the HTTP server
  return { origin, wsOrigin: origin.replace(/^http/, 'ws'), otherUpgrades }
}

async function text(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url)
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() }
}

describe('mounted on an existing node:http server with a connect-style chain', () => {
  it('at the root: SSE, WebSocket upgrade and publish under B, the app serves everything else', async () => {
    const sl = createSwitchlineServer({ channels: { chat: { send: true } } })
    const app = connectLike()
    const seen: string[] = []
    app.use((req, _res, next) => {
      seen.push(req.url ?? '')
      next()
    })
    app.use(sl.handleRequest) // unbound, as `app.use(server.handleRequest)` passes it
    app.use(health('/health'))
    const { origin, wsOrigin, otherUpgrades } = await listenHost(sl, app)
    const base = `${origin}/rt`

    // The app's routes: Switchline called next() for paths outside B.
    expect(await text(`${origin}/health`)).toEqual({ status: 200, type: 'text/plain', body: 'ok' })
    expect(await text(`${origin}/nothing-here`)).toEqual({ status: 404, type: 'text/plain', body: 'no route' })
    // Under B, Switchline answers itself (R1), the app is not asked.
    const unknown = await text(`${base}/nothing-here`)
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'not_found' })

    const sse = await openRawSse(`${base}/sse?channels=chat`)
    expect(sse.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const ws = await subscribeWs(`${wsOrigin}/rt/ws`, 'chat')
    const published = await postPublish(base, { channel: 'chat', data: { n: 1 } })
    expect(published.status).toBe(200)
    const eventId = published.json.eventId as string
    await sse.waitForEvents((e) => e.event === 'message')
    expect(channelEvents(sse.events)).toEqual([{ id: eventId, channel: 'chat', data: { n: 1 } }])
    const [event] = await ws.waitFor((f) => f.type === 'event')
    expect(event).toMatchObject({ id: eventId, channel: 'chat', data: { n: 1 } })

    // An upgrade outside B is left to the host (handleUpgrade returned false, the socket untouched).
    const other = openWs(`${wsOrigin}/hmr`)
    expect((await other.closed).code).toBe(CLOSE_CODES.abnormal)
    expect(otherUpgrades).toEqual(['/hmr'])
    expect(seen).toEqual(['/health', '/nothing-here', '/rt/nothing-here', '/rt/sse?channels=chat', '/rt/publish'])
    expect(sl.stats()).toMatchObject({ sse: { open: 1, accepted: 1 }, ws: { open: 1, accepted: 1 }, publishes: 1 })
  })

  it("under a prefix (app.use('/api', …) strips req.url): basePath is the full path, read from req.originalUrl", async () => {
    const sl = createSwitchlineServer({ channels: { chat: { send: true } }, basePath: '/api/rt' })
    const app = connectLike()
    app.use('/api', sl.handleRequest)
    app.use('/api', health('/health'))
    const { origin, wsOrigin } = await listenHost(sl, app)
    const base = `${origin}/api/rt`

    expect(await text(`${origin}/api/health`)).toEqual({ status: 200, type: 'text/plain', body: 'ok' })
    expect((await text(`${origin}/rt/sse?channels=chat`)).body).toBe('no route') // B is /api/rt, not /rt
    const sse = await openRawSse(`${base}/sse?channels=chat`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const ws = await subscribeWs(`${wsOrigin}/api/rt/ws`, 'chat') // upgrades never pass through the chain
    const published = await postPublish(base, { channel: 'chat', data: 2 })
    expect(published.status).toBe(200)
    await sse.waitForEvents((e) => e.event === 'message')
    await ws.waitFor((f) => f.type === 'event' && f.id === published.json.eventId)
    expect(channelEvents(sse.events).map((e) => e.id)).toEqual([published.json.eventId])
  })
})
