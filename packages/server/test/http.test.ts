import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createSwitchlineServer } from '../src/index'
import { onRedis } from './engine-under-test'
import { installCleanup, listenHttp, onCleanup, openWs, postPublish, startServer } from './helpers'

installCleanup()

describe('routing', () => {
  it('R1: any other path under B answers 404 not_found with a JSON body', async () => {
    const { baseUrl } = await startServer()
    for (const path of ['', '/', '/nope', '/sse/extra', '/_faults/stats', '/publish/x']) {
      const res = await fetch(`${baseUrl}${path}`)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await res.json()).toEqual({ code: 'not_found', message: expect.any(String), fatal: true })
    }
  })

  it('outside B: answers 404 when mounted alone, calls next() when given one', async () => {
    const { url } = await startServer()
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404)

    const sl = createSwitchlineServer({ channels: { chat: { send: true } } })
    onCleanup(() => sl.close())
    const http = createServer((req, res) =>
      sl.handleRequest(req, res, () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        res.end('host app')
      }),
    )
    http.on('upgrade', (req, socket, head) => {
      if (!sl.handleUpgrade(req, socket, head)) socket.end("HTTP/1.1 418 I'm a teapot\r\nConnection: close\r\n\r\n")
    })
    const origin = await listenHttp(http)
    expect(await (await fetch(`${origin}/elsewhere`)).text()).toBe('host app')
    expect((await postPublish(`${origin}/rt`, { channel: 'chat', data: 1 })).status).toBe(200)
    // handleUpgrade leaves foreign paths to the host
    expect((await openWs(`${origin.replace('http', 'ws')}/other`).refused).status).toBe(418)
    await openWs(`${origin.replace('http', 'ws')}/rt/ws`).opened
  })

  it('Express-style mounting: uses originalUrl when the host rewrote req.url', async () => {
    const sl = createSwitchlineServer({ channels: { chat: { send: true } }, basePath: '/api/rt' })
    onCleanup(() => sl.close())
    const http = createServer((req, res) => {
      // what Express does for app.use('/api', handler): strip the mount path, keep originalUrl
      const original = req.url ?? '/'
      Object.assign(req, { originalUrl: original, url: original.replace(/^\/api/, '') || '/' })
      sl.handleRequest(req, res, () => {
        res.writeHead(404)
        res.end()
      })
    })
    const origin = await listenHttp(http)
    expect((await postPublish(`${origin}/api/rt`, { channel: 'chat', data: 1 })).status).toBe(200)
  })

  it("basePath is configurable and normalized ('rt2/' → '/rt2')", async () => {
    const { baseUrl, url } = await startServer({ basePath: 'rt2/' })
    expect(baseUrl).toBe(`${url}/rt2`)
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(200)
  })

  it('R1: a plain GET on B/ws without an upgrade answers 426 bad_request', async () => {
    const { baseUrl } = await startServer()
    const res = await fetch(`${baseUrl}/ws`)
    expect(res.status).toBe(426)
    expect(res.headers.get('upgrade')).toBe('websocket')
    expect(await res.json()).toEqual({ code: 'bad_request', message: expect.any(String), fatal: true })
  })

  it('R1: a wrong method on a known path answers 400 bad_request', async () => {
    const { baseUrl } = await startServer()
    const wrong: [string, string][] = [
      ['GET', '/publish'],
      ['PUT', '/publish'],
      ['POST', '/sse'],
      ['DELETE', '/sse'],
      ['POST', '/ws'],
      ['PUT', '/ws'],
    ]
    for (const [method, path] of wrong) {
      const res = await fetch(`${baseUrl}${path}?channels=chat`, {
        method,
        ...(method === 'GET' ? {} : { body: '{}' }),
      })
      expect(res.status, `${method} ${path}`).toBe(400)
      expect(await res.json(), `${method} ${path}`).toEqual({
        code: 'bad_request',
        message: expect.any(String),
        fatal: true,
      })
    }
  })

  it('after close() the server answers 503 unavailable', async () => {
    const sl = createSwitchlineServer({ channels: { chat: { send: true } } })
    const http = createServer((req, res) => sl.handleRequest(req, res))
    const origin = await listenHttp(http)
    await sl.close()
    const res = await fetch(`${origin}/rt/sse?channels=chat`)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
  })
})

describe('readiness (GET B/ready, not part of the protocol)', () => {
  it('answers 200 with the engine, its state and the epoch while the engine is ready; other methods are 400', async () => {
    const { baseUrl, server } = await startServer()
    const res = await fetch(`${baseUrl}/ready`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      ready: true,
      engine: onRedis() ? 'redis' : 'memory',
      state: 'ready',
      epoch: server.epoch,
    })
    const post = await fetch(`${baseUrl}/ready`, { method: 'POST' })
    expect(post.status).toBe(400)
    expect(await post.json()).toMatchObject({ code: 'bad_request' })
  })
})

describe('R21: origins and CORS for SSE and publish', () => {
  it('a foreign Origin gets 403 forbidden on SSE and publish; no Origin and same-host are allowed', async () => {
    const { baseUrl, url } = await startServer()
    const evil = { Origin: 'http://evil.example' }
    const sse = await fetch(`${baseUrl}/sse?channels=chat`, { headers: evil })
    expect(sse.status).toBe(403)
    expect(await sse.json()).toMatchObject({ code: 'forbidden', fatal: true })
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 }, evil)).status).toBe(403)
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(200)
    const same = await postPublish(baseUrl, { channel: 'chat', data: 1 }, { Origin: url })
    expect(same.status).toBe(200)
    expect(same.headers.get('access-control-allow-origin')).toBe(url)
  })

  it('allowed origins get CORS headers; preflight answers 204 with the allowed headers', async () => {
    const { baseUrl } = await startServer({ allowedOrigins: ['http://app.example'] })
    const origin = { Origin: 'http://app.example' }
    const pre = await fetch(`${baseUrl}/publish`, {
      method: 'OPTIONS',
      headers: { ...origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://app.example')
    expect(pre.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, Last-Event-ID')
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true')
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST')
    const sse = await fetch(`${baseUrl}/sse?channels=chat`, { headers: origin })
    expect(sse.status).toBe(200)
    expect(sse.headers.get('access-control-allow-origin')).toBe('http://app.example')
    expect(sse.headers.get('access-control-allow-credentials')).toBe('true')
    await sse.body?.cancel()
    const denied = await fetch(`${baseUrl}/publish`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('access-control-allow-origin')).toBeNull()
  })

  it("allowedOrigins: '*' reflects any origin (credentials need a concrete origin)", async () => {
    const { baseUrl } = await startServer({ allowedOrigins: '*' })
    const res = await postPublish(baseUrl, { channel: 'chat', data: 1 }, { Origin: 'http://x.example' })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://x.example')
  })
})

describe('stats', () => {
  it('counts open and accepted connections per transport, publishes, deliveries and subscribers', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    const { openRawSse, subscribeWs } = await import('./helpers')
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat,ticker`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const ws = await subscribeWs(wsUrl, 'chat')
    await server.publish('chat', 1)
    await ws.waitFor((f) => f.type === 'event')
    await sse.waitForEvents((e) => e.event === 'message')
    expect(server.stats()).toEqual({
      epoch: server.epoch,
      sse: { open: 1, accepted: 1 },
      ws: { open: 1, accepted: 1, upgradesRefused: 0, closedAtUpgrade: 0 },
      admissionLimited: { sse: 0, ws: 0 },
      publishes: 1,
      eventsDelivered: 2,
      channels: { chat: 2, ticker: 1 },
      channelInstances: onRedis() ? undefined : 1,
      engine: { name: onRedis() ? 'redis' : 'memory', ready: true, state: 'ready' },
    })
    sse.close()
    ws.ws.close()
    const { waitFor } = await import('./helpers')
    await waitFor(() => server.stats().sse.open === 0 && server.stats().ws.open === 0)
    expect(server.stats().channels).toEqual({})
  })
})
