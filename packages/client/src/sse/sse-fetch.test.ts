import { describe, expect, it, vi } from 'vitest'
import { flushMicrotasks } from '../../test/support/async'
import { fakePlatform } from '../../test/fakes/platform'
import { sseHandlers, sseRequest } from '../../test/support/sse-attempt'
import { streamingResponse } from '../../test/support/streaming-response'
import { openFetchSse } from './sse-fetch'

function fetchReturning(response: Response | Promise<Response>) {
  const calls: Array<{ url: string; init: RequestInit }> = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} })
    return response
  }) as unknown as typeof globalThis.fetch
  return { fetch, calls }
}

describe('openFetchSse', () => {
  it("strips exactly one leading BOM (the parser's); a second one makes the first line an unknown field", async () => {
    const stream = streamingResponse()
    const { fetch } = fetchReturning(stream.response)
    const h = sseHandlers()
    openFetchSse(sseRequest(), h, fakePlatform({ fetch }))
    await flushMicrotasks()
    stream.push(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb])) // two BOMs, the second split across chunks
    stream.push(new Uint8Array([0xbf, ...new TextEncoder().encode('data: x\n\ndata: y\n\n')]))
    await flushMicrotasks()
    expect(h.onEvent.mock.calls.map((c) => (c[0] as { data: string }).data)).toEqual(['y'])
  })

  it('a header no fetch can send (a credential with a char above U+00FF) closes fatal invalid_options, unsent', async () => {
    const { fetch } = fetchReturning(streamingResponse().response)
    const h = sseHandlers()
    openFetchSse(sseRequest({ headers: { authorization: 'Bearer ключ' } }), h, fakePlatform({ fetch }))
    await flushMicrotasks()
    expect(fetch).not.toHaveBeenCalled()
    expect(h.onClose).toHaveBeenCalledWith(expect.objectContaining({ code: 'invalid_options', fatal: true }))
    expect(h.onOpen).not.toHaveBeenCalled()
  })

  it('sends method, headers, body and credentials; parses chunks split at awkward boundaries', async () => {
    const stream = streamingResponse()
    const { fetch, calls } = fetchReturning(stream.response)
    const h = sseHandlers()
    openFetchSse(
      sseRequest({ method: 'POST', headers: { Authorization: 'Bearer t' }, body: '{"q":1}', withCredentials: true }),
      h,
      fakePlatform({ fetch }),
    )
    await flushMicrotasks()
    const init = calls[0]!.init
    expect(init.method).toBe('POST')
    expect(init.headers).toEqual({ accept: 'text/event-stream', authorization: 'Bearer t' })
    expect(init.body).toBe('{"q":1}')
    expect(init.credentials).toBe('include')
    expect(init.signal).toBeInstanceOf(AbortSignal)
    expect(h.onOpen).toHaveBeenCalledOnce()

    const bytes = new TextEncoder().encode(
      'retry: 2500\nid: 1\nevent: tick\ndata: héllo 😀\n\r\n: comment\n\ndata: two\n\n',
    )
    // split inside the multi-byte é and 😀, and between \r and \n
    const cuts = [0, 3, 29, 30, 36, 38, 41, bytes.length]
    for (let i = 0; i < cuts.length - 1; i++) {
      stream.push(bytes.slice(cuts[i], cuts[i + 1]))
      await flushMicrotasks()
    }
    expect(h.onRetry).toHaveBeenCalledWith(2500)
    expect(h.onEvent.mock.calls.map((c) => c[0])).toEqual([
      { id: '1', event: 'tick', data: 'héllo 😀' },
      { id: undefined, event: 'message', data: 'two' },
    ])
    expect(h.onActivity).toHaveBeenCalledTimes(cuts.length - 1)
    stream.end()
    await flushMicrotasks()
    expect(h.onClose).toHaveBeenCalledWith(undefined)
  })

  it.each([
    [204, 'text/event-stream', 'fatal', 'http_status'],
    [200, 'application/json', 'fatal', 'content_type'],
    [401, 'application/json', 'retry', 'unauthorized'],
    [404, 'application/json', 'fatal', 'http_status'],
    [503, 'text/plain', 'retry', 'http_status'],
  ])('classifies %i %s as %s %s', async (status, type, kind, code) => {
    const body = status === 204 ? null : JSON.stringify({ code: 'not_found', message: 'no such path' })
    const { fetch } = fetchReturning(
      new Response(body, { status, headers: { 'content-type': type, 'retry-after': '3' } }),
    )
    const h = sseHandlers()
    openFetchSse(sseRequest(), h, fakePlatform({ fetch }))
    await flushMicrotasks(20)
    expect(h.onOpen).not.toHaveBeenCalled()
    const error = h.onClose.mock.calls[0]?.[0]
    expect(error).toMatchObject({ code, fatal: kind === 'fatal' })
    if (status === 404) expect(error.protocolCode).toBe('not_found')
    if (status === 503) expect(error.retryAfterMs).toBe(3000)
  })

  it('reports a network failure and a broken stream as retryable network errors', async () => {
    const failing = vi.fn(async () => {
      throw new TypeError('fetch failed')
    }) as unknown as typeof fetch
    const h = sseHandlers()
    openFetchSse(sseRequest(), h, fakePlatform({ fetch: failing }))
    await flushMicrotasks()
    expect(h.onClose.mock.calls[0]?.[0]).toMatchObject({ code: 'network', fatal: false })

    const stream = streamingResponse()
    const h2 = sseHandlers()
    openFetchSse(sseRequest(), h2, fakePlatform({ fetch: fetchReturning(stream.response).fetch }))
    await flushMicrotasks()
    stream.error(new Error('socket hang up'))
    await flushMicrotasks()
    expect(h2.onClose.mock.calls[0]?.[0]).toMatchObject({
      code: 'network',
      message: expect.stringContaining('socket hang up'),
    })
  })

  it('close() aborts the request, cancels the reader and fires nothing more', async () => {
    const stream = streamingResponse()
    const { fetch, calls } = fetchReturning(stream.response)
    const h = sseHandlers()
    const attempt = openFetchSse(sseRequest(), h, fakePlatform({ fetch }))
    await flushMicrotasks()
    stream.push(new TextEncoder().encode('data: partial'))
    await flushMicrotasks()
    attempt.close()
    attempt.close()
    await flushMicrotasks()
    expect(calls[0]!.init.signal?.aborted).toBe(true)
    expect(stream.cancel).toHaveBeenCalled()
    expect(h.onClose).not.toHaveBeenCalled()
    expect(h.onEvent).not.toHaveBeenCalled()
  })

  it('close() before the response arrives cancels the late body', async () => {
    let resolve!: (r: Response) => void
    const { fetch } = fetchReturning(new Promise<Response>((r) => (resolve = r)))
    const h = sseHandlers()
    const attempt = openFetchSse(sseRequest(), h, fakePlatform({ fetch }))
    attempt.close()
    const stream = streamingResponse()
    resolve(stream.response)
    await flushMicrotasks()
    expect(stream.cancel).toHaveBeenCalled()
    expect(h.onOpen).not.toHaveBeenCalled()
    expect(h.onClose).not.toHaveBeenCalled()
  })

  it('reports an oversized event through onError and keeps streaming', async () => {
    const stream = streamingResponse()
    const h = sseHandlers()
    openFetchSse(sseRequest({ maxEventSize: 8 }), h, fakePlatform({ fetch: fetchReturning(stream.response).fetch }))
    await flushMicrotasks()
    stream.push(new TextEncoder().encode('data: 0123456789abcdef\n\ndata: ok\n\n'))
    await flushMicrotasks()
    expect(h.onError.mock.calls[0]?.[0]).toMatchObject({ code: 'malformed_frame' })
    expect(h.onEvent.mock.calls.map((c) => c[0].data)).toEqual(['ok'])
  })
})
