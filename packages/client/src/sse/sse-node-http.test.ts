import { createServer, globalAgent, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it, type Mock } from 'vitest'
import { deferred } from '../../test/support/async'
import { fakePlatform } from '../../test/fakes/platform'
import { manualTimers } from '../../test/fakes/manual-timers'
import { sseHandlers, sseRequest } from '../../test/support/sse-attempt'
import { openNodeHttpSse } from './sse-node-http'

type Handler = (req: IncomingMessage & { text: string }, res: ServerResponse) => void

/** A real `node:http` server on 127.0.0.1, port 0. `closed(n)` resolves when the n-th accepted socket closes. */
async function listen(handler: Handler) {
  const sockets: Array<{ socket: Socket; closed: Promise<void> }> = []
  const server = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text += chunk))
    req.on('end', () => handler(Object.assign(req, { text }), res))
  })
  server.on('connection', (socket) => {
    const closed = deferred<void>()
    socket.on('close', () => closed.resolve())
    sockets.push({ socket, closed: closed.promise })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  open.push(server)
  return {
    url: `http://127.0.0.1:${port}/sse`,
    sockets,
    closed: (index = 0): Promise<void> => sockets[index]!.closed,
  }
}

const open: Array<ReturnType<typeof createServer>> = []
afterEach(async () => {
  for (const server of open.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** Resolves with the first argument of the next call of `mock` (a handler of `sseHandlers()`, no implementation). */
function nextCall(mock: Mock): Promise<unknown> {
  return new Promise((resolve) => {
    mock.mockImplementationOnce((arg: unknown) => resolve(arg))
  })
}

const STREAM_HEAD = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' }

describe('openNodeHttpSse (real node:http server)', () => {
  it('sends method, headers and body; parses events, ids, retry and UTF-8 split across writes', async () => {
    let seen: { method: string | undefined; headers: IncomingMessage['headers']; text: string } | undefined
    let response!: ServerResponse
    const srv = await listen((req, res) => {
      seen = { method: req.method, headers: req.headers, text: req.text }
      response = res
      res.writeHead(200, STREAM_HEAD)
      res.flushHeaders()
    })
    const h = sseHandlers()
    const opened = nextCall(h.onOpen)
    openNodeHttpSse(
      sseRequest({ url: srv.url, method: 'POST', headers: { Authorization: 'Bearer t' }, body: '{"q":1}' }),
      h,
      fakePlatform(),
    )
    await opened
    expect(seen).toMatchObject({
      method: 'POST',
      text: '{"q":1}',
      headers: { accept: 'text/event-stream', authorization: 'Bearer t', 'content-type': 'text/plain;charset=UTF-8' },
    })

    const bytes = Buffer.from('retry: 2500\nid: 1\nevent: tick\ndata: héllo 😀\n\r\n: comment\n\ndata: two\n\n')
    // split inside the multi-byte é and 😀, and between \r and \n; each write waits until the client has read it
    const cuts = [0, 3, 29, 30, 36, 38, 41, bytes.length]
    for (let i = 0; i < cuts.length - 1; i++) {
      const read = nextCall(h.onActivity)
      response.write(bytes.subarray(cuts[i], cuts[i + 1]))
      await read
    }
    expect(h.onRetry).toHaveBeenCalledWith(2500)
    expect(h.onEvent.mock.calls.map((c) => c[0])).toEqual([
      { id: '1', event: 'tick', data: 'héllo 😀' },
      { id: undefined, event: 'message', data: 'two' },
    ])
    expect(h.onActivity).toHaveBeenCalledTimes(cuts.length - 1)
    const ended = nextCall(h.onClose)
    response.end()
    expect(await ended).toBeUndefined()
    expect(h.onError).not.toHaveBeenCalled()
  })

  it.each([
    [401, 'application/json', 'retry', 'unauthorized'],
    [403, 'application/json', 'fatal', 'http_status'],
    [404, 'application/json', 'fatal', 'http_status'],
    [429, 'application/json', 'retry', 'http_status'],
    [503, 'text/plain', 'retry', 'http_status'],
    [204, 'text/event-stream', 'fatal', 'http_status'],
    [200, 'application/json', 'fatal', 'content_type'],
  ])('classifies %i %s as %s %s', async (status, type, kind, code) => {
    const srv = await listen((_req, res) => {
      res.writeHead(status, { 'content-type': type, 'retry-after': '3' })
      res.end(status === 204 ? undefined : JSON.stringify({ code: 'nope', message: 'refused', channel: 'c' }))
    })
    const h = sseHandlers()
    const closed = nextCall(h.onClose)
    openNodeHttpSse(sseRequest({ url: srv.url }), h, fakePlatform())
    const error = await closed
    expect(h.onOpen).not.toHaveBeenCalled()
    expect(error).toMatchObject({ code, fatal: kind === 'fatal', status })
    if (status >= 400) expect(error).toMatchObject({ protocolCode: 'nope', channel: 'c' })
    if (status === 429 || status === 503) expect(error).toMatchObject({ retryAfterMs: 3000 })
  })

  it('reads a Retry-After date against the injected clock', async () => {
    const timers = manualTimers(Date.parse('Sun, 06 Nov 1994 08:49:30 GMT'))
    const srv = await listen((_req, res) => {
      res.writeHead(429, { 'retry-after': 'Sun, 06 Nov 1994 08:49:37 GMT' })
      res.end()
    })
    const h = sseHandlers()
    const closed = nextCall(h.onClose)
    openNodeHttpSse(sseRequest({ url: srv.url }), h, fakePlatform({ timers }))
    expect(await closed).toMatchObject({ code: 'http_status', retryAfterMs: 7000 })
  })

  it('reads an error body only up to its bound, then closes the socket', async () => {
    const srv = await listen((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.write(`{"code":"boom","message":"${'x'.repeat(8000)}`) // never ends
    })
    const h = sseHandlers()
    const closed = nextCall(h.onClose)
    openNodeHttpSse(sseRequest({ url: srv.url }), h, fakePlatform())
    expect(await closed).toMatchObject({ code: 'http_status', status: 500, fatal: false })
    await srv.closed()
  })

  it('reports a refused connection as a retryable network error, and a request it cannot build as fatal', async () => {
    const srv = await listen(() => {})
    const { url } = srv
    await new Promise((resolve) => open.pop()!.close(resolve)) // nothing listens on that port now
    const h = sseHandlers()
    const refused = nextCall(h.onClose)
    openNodeHttpSse(sseRequest({ url }), h, fakePlatform())
    expect(await refused).toMatchObject({
      code: 'network',
      fatal: false,
      message: expect.stringContaining('ECONNREFUSED'),
    })

    const h2 = sseHandlers()
    const bad = nextCall(h2.onClose)
    openNodeHttpSse(sseRequest({ url: 'not a url' }), h2, fakePlatform())
    expect(h2.onClose).not.toHaveBeenCalled() // reported later, never inside the open call
    expect(await bad).toMatchObject({ code: 'invalid_options', fatal: true }) // the same on every retry: no loop

    // http.request would throw ERR_INVALID_CHAR on every attempt: fatal, the header named, its value not shown
    const h3 = sseHandlers()
    const badHeader = nextCall(h3.onClose)
    openNodeHttpSse(sseRequest({ url, headers: { authorization: 'Bearer ключ' } }), h3, fakePlatform())
    const error = (await badHeader) as Error
    expect(error).toMatchObject({ code: 'invalid_options', fatal: true })
    expect(error.message).toContain('"authorization"')
    expect(error.message).not.toContain('ключ')
  })

  it('a server that accepts and never answers: close() by the owner ends it silently', async () => {
    const arrived = deferred<void>()
    const srv = await listen(() => arrived.resolve()) // never writes a byte
    const h = sseHandlers()
    const attempt = openNodeHttpSse(sseRequest({ url: srv.url }), h, fakePlatform())
    await arrived.promise
    attempt.close()
    attempt.close()
    await srv.closed()
    // The request was sent (the connect phase ended), and nothing else was reported.
    expect(h.onSent).toHaveBeenCalled()
    const { onSent: _sent, ...others } = h
    expect(Object.values(others).every((fn) => fn.mock.calls.length === 0)).toBe(true)
  })

  it('the server ending the stream → onClose(undefined); dropping it → a network error', async () => {
    let response!: ServerResponse
    const srv = await listen((_req, res) => {
      response = res
      res.writeHead(200, STREAM_HEAD)
      res.write('data: first\n\n')
    })
    const h = sseHandlers()
    const first = nextCall(h.onEvent)
    openNodeHttpSse(sseRequest({ url: srv.url }), h, fakePlatform())
    await first
    const ended = nextCall(h.onClose)
    response.end('data: last\n\n')
    expect(await ended).toBeUndefined()
    expect(h.onEvent.mock.calls.map((c) => c[0].data)).toEqual(['first', 'last'])

    const h2 = sseHandlers()
    const first2 = nextCall(h2.onEvent)
    openNodeHttpSse(sseRequest({ url: srv.url }), h2, fakePlatform())
    await first2
    const dropped = nextCall(h2.onClose)
    response.socket!.destroy() // mid-stream, without the chunked terminator
    expect(await dropped).toMatchObject({ code: 'network', fatal: false })
  })

  it('close() mid-stream: the server sees the socket close, no callback fires, nothing stays open', async () => {
    let response!: ServerResponse
    const srv = await listen((_req, res) => {
      response = res
      res.writeHead(200, STREAM_HEAD)
      res.write('data: one\n\ndata: part')
    })
    const h = sseHandlers()
    const first = nextCall(h.onEvent)
    const attempt = openNodeHttpSse(sseRequest({ url: srv.url }), h, fakePlatform())
    await first
    attempt.close()
    await srv.closed()
    expect(response.writableEnded).toBe(false) // the client hung up, not the server
    expect(h.onEvent).toHaveBeenCalledOnce()
    expect(h.onClose).not.toHaveBeenCalled()
    expect(h.onError).not.toHaveBeenCalled()
    const origin = `:${new URL(srv.url).port}:`
    const held = [...Object.keys(globalAgent.sockets), ...Object.keys(globalAgent.freeSockets)]
    expect(held.filter((name) => name.includes(origin))).toEqual([])
  })

  it('reports an oversized event through onError and keeps streaming', async () => {
    const srv = await listen((_req, res) => {
      res.writeHead(200, STREAM_HEAD)
      res.end('data: 0123456789abcdef\n\ndata: ok\n\n')
    })
    const h = sseHandlers()
    const ended = nextCall(h.onClose)
    openNodeHttpSse(sseRequest({ url: srv.url, maxEventSize: 8 }), h, fakePlatform())
    await ended
    expect(h.onError.mock.calls[0]?.[0]).toMatchObject({ code: 'malformed_frame' })
    expect(h.onEvent.mock.calls.map((c) => c[0].data)).toEqual(['ok'])
    expect(h.onClose).toHaveBeenCalledWith(undefined)
  })
})
