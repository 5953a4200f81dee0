/** `openNodeHttpSse` follows redirects as fetch does, against plain `node:http` servers (127.0.0.1, port 0). */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it, type Mock } from 'vitest'
import { fakePlatform } from '../../test/fakes/platform'
import { until, usePlainNet } from '../../test/support/plain-net'
import { sseHandlers, sseRequest } from '../../test/support/sse-attempt'
import { openNodeHttpSse } from './sse-node-http'

const net = usePlainNet()

/** Resolves with the first argument of the next call of `mock`. */
function nextCall(mock: Mock): Promise<unknown> {
  return new Promise((resolve) => {
    mock.mockImplementationOnce((arg: unknown) => resolve(arg))
  })
}

function stream(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  res.end(text)
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-type': 'text/plain' })
  res.end('moved') // a body the client does not read
}

/** The body of a request, read in full. */
function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text += chunk))
    req.on('end', () => resolve(text))
  })
}

describe('openNodeHttpSse: redirects', () => {
  it('follows 301 → 302 → 303 → 307 → 308 to the stream; same origin keeps every header; Cache-Control: no-cache', async () => {
    const chain: Record<string, [number, string]> = {
      '/start': [301, '/a'],
      '/a': [302, 'b'],
      '/b': [303, '/c?x=1'],
      '/c?x=1': [307, '/d'],
      '/d': [308, '/stream'],
    }
    const srv = await net.http((req, res) => {
      const hop = chain[req.url ?? '']
      if (hop) redirect(res, ...hop)
      else stream(res, 'id: 7\ndata: hello\n\n')
    })
    const h = sseHandlers()
    const ended = nextCall(h.onClose)
    const headers = { authorization: 'Bearer t', cookie: 'c=1', 'last-event-id': 'e-6', 'x-app': '1' }
    openNodeHttpSse(sseRequest({ url: `${srv.origin}/start`, headers }), h, fakePlatform())
    expect(await ended).toBeUndefined() // the stream ended cleanly
    expect(h.onOpen).toHaveBeenCalledOnce()
    expect(h.onEvent.mock.calls.map((c) => c[0])).toEqual([{ id: '7', event: 'message', data: 'hello' }])
    expect(srv.requests.map((r) => r.url)).toEqual(['/start', '/a', '/b', '/c?x=1', '/d', '/stream'])
    for (const req of srv.requests) {
      expect(req.method).toBe('GET')
      expect(req.headers).toMatchObject({ ...headers, accept: 'text/event-stream', 'cache-control': 'no-cache' })
    }
  })

  it('a POST becomes a GET without body on 303 (and 301/302); 307 and 308 re-send the method and body', async () => {
    const seen: Array<{
      url: string | undefined
      method: string | undefined
      type: string | undefined
      body: Promise<string>
    }> = []
    const srv = await net.http((req, res) => {
      seen.push({ url: req.url, method: req.method, type: req.headers['content-type'], body: bodyOf(req) })
      if (req.url?.startsWith('/go/')) redirect(res, Number(req.url.slice(4)), '/stream')
      else stream(res, 'data: ok\n\n')
    })
    for (const status of [303, 302, 301, 307, 308]) {
      seen.length = 0
      const h = sseHandlers()
      const ended = nextCall(h.onClose)
      openNodeHttpSse(
        sseRequest({ url: `${srv.origin}/go/${status}`, method: 'POST', body: '{"q":1}' }),
        h,
        fakePlatform(),
      )
      await ended
      const [first, second] = seen
      expect(first).toMatchObject({ method: 'POST', type: 'text/plain;charset=UTF-8' })
      expect(await first!.body).toBe('{"q":1}')
      const keeps = status === 307 || status === 308
      expect(second).toMatchObject({
        url: '/stream',
        method: keeps ? 'POST' : 'GET',
        type: keeps ? 'text/plain;charset=UTF-8' : undefined,
      })
      expect(await second!.body).toBe(keeps ? '{"q":1}' : '')
      expect(h.onEvent).toHaveBeenCalledOnce()
    }
  })

  it('to another origin: Authorization and Cookie are dropped (and stay dropped), the cursor and other headers are kept', async () => {
    const other = await net.http((_req, res) => stream(res, 'data: there\n\n'))
    const first = await net.http((req, res) => {
      if (req.url === '/away') redirect(res, 307, `${other.origin}/elsewhere`)
      else stream(res, 'data: here\n\n')
    })
    const h = sseHandlers()
    const ended = nextCall(h.onClose)
    const headers = { Authorization: 'Bearer secret', Cookie: 'session=1', 'last-event-id': 'e-6', 'x-app': '1' }
    openNodeHttpSse(sseRequest({ url: `${first.origin}/away`, headers }), h, fakePlatform())
    await ended
    expect(first.requests[0]?.headers).toMatchObject({ authorization: 'Bearer secret', cookie: 'session=1' })
    const moved = other.requests[0]?.headers
    expect(moved).toMatchObject({ 'last-event-id': 'e-6', 'x-app': '1', accept: 'text/event-stream' })
    expect(moved).not.toHaveProperty('authorization')
    expect(moved).not.toHaveProperty('cookie')
    expect(h.onEvent.mock.calls.map((c) => c[0].data)).toEqual(['there'])
  })

  it('a redirect loop stops after 20 redirects with a fatal http_status; a 3xx without Location is a fatal answer', async () => {
    const srv = await net.http((req, res) => {
      if (req.url === '/nowhere') {
        res.writeHead(301)
        res.end()
      } else redirect(res, 302, '/loop')
    })
    const h = sseHandlers()
    const refused = nextCall(h.onClose)
    openNodeHttpSse(sseRequest({ url: `${srv.origin}/loop` }), h, fakePlatform())
    expect(await refused).toMatchObject({
      code: 'http_status',
      status: 302,
      fatal: true,
      message: expect.stringContaining('more than 20'),
    })
    expect(srv.requests).toHaveLength(21)
    expect(h.onOpen).not.toHaveBeenCalled()

    const h2 = sseHandlers()
    const final = nextCall(h2.onClose)
    openNodeHttpSse(sseRequest({ url: `${srv.origin}/nowhere` }), h2, fakePlatform())
    expect(await final).toMatchObject({ code: 'http_status', status: 301, fatal: true })
  })

  it('close() during a redirect chain ends it silently and leaves no socket open', async () => {
    let hops = 0
    const srv = await net.http((_req, res) => {
      hops++
      if (hops < 3) redirect(res, 307, `/hop${hops}`)
      // the third hop never answers
    })
    const sockets = new Set<import('node:net').Socket>()
    srv.server.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    const h = sseHandlers()
    const attempt = openNodeHttpSse(sseRequest({ url: `${srv.origin}/start` }), h, fakePlatform())
    await until(() => hops === 3, 'the third hop')
    attempt.close()
    await until(() => sockets.size === 0, 'every socket to close')
    // The request was sent (the connect phase ended), and nothing else was reported.
    expect(h.onSent).toHaveBeenCalled()
    const { onSent: _sent, ...others } = h
    expect(Object.values(others).every((fn) => fn.mock.calls.length === 0)).toBe(true)
  })
})
