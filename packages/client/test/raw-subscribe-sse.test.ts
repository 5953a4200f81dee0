/** Raw `subscribe()` over SSE against msw in Node: EventSource, fetch and node:http paths, resume, fatal answers, auth. */
import './msw-globals'
import { http, HttpResponse, sse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import type { SwitchlineError } from '../src/core/errors'
import { subscribe } from '../src/raw/subscribe'
import type { StateChange } from '../src/types'
import { deferred } from './support/async'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const API = 'http://api.test'
const encoder = new TextEncoder()

/** A text/event-stream response that writes `chunks` and ends. */
function eventStream(chunks: string[], init: ResponseInit = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
  return new Response(body, { ...init, headers: { 'content-type': 'text/event-stream', ...init.headers } })
}

/** Resolves with the closing state change. */
function closedState() {
  const closed = deferred<StateChange>()
  return { closed: closed.promise, onState: (change: StateChange) => change.to === 'closed' && closed.resolve(change) }
}

describe('raw subscribe() over SSE (msw)', () => {
  it('streams a plain GET over EventSource; a decode error is reported and the stream goes on', async () => {
    server.use(
      sse<{ message: string; tick: string }>(`${API}/ticks`, ({ client }) => {
        client.send({ id: '1', data: JSON.stringify({ n: 1 }) })
        client.send({ id: '2', data: 'not json' })
        client.send({ id: '3', event: 'tick', data: JSON.stringify({ n: 3 }) })
        client.send({ id: '4', data: JSON.stringify({ n: 4 }) })
      }),
    )
    const errors: SwitchlineError[] = []
    const sub = subscribe<{ n: number }>(`${API}/ticks`, {
      sse: 'eventsource',
      onError: (e) => errors.push(e),
      events: ['message'],
    })
    expect(sub.transport).toBe('sse')
    const got: Array<{ n: number }> = []
    for await (const event of sub) {
      got.push(event)
      if (event.n === 4) break
    }
    expect(got).toEqual([{ n: 1 }, { n: 4 }]) // 'tick' filtered out by `events`
    expect(errors.map((e) => e.code)).toEqual(['decode'])
    expect(sub.lastEventId).toBe('4')
    expect(sub.state).toBe('closed')
  })

  it.each([
    ['EventSource', { sse: 'eventsource' as const }],
    ['fetch', { sse: 'fetch' as const, headers: { 'x-app': '1' } }],
    ['node:http', { headers: { 'x-app': '1' } }],
  ])('204 is fatal, no reconnect (%s)', async (_path, extra) => {
    const handler = vi.fn(() => new HttpResponse(null, { status: 204 }))
    server.use(http.get(`${API}/stop`, handler))
    const { closed, onState } = closedState()
    subscribe(`${API}/stop`, { onState, ...extra })
    const change = await closed
    expect(change.error).toMatchObject({ code: 'http_status', fatal: true, status: 204 })
    expect(handler).toHaveBeenCalledOnce()
  })

  it('EventSource reconnects carry the cursor as a lastEventId query parameter', async () => {
    const urls: string[] = []
    server.use(
      sse(`${API}/es`, ({ client, request }) => {
        urls.push(request.url)
        if (urls.length === 1) {
          client.send({ id: 'x1', data: '1' })
          client.close()
        } else client.send({ id: 'x2', data: '2' })
      }),
    )
    const got: number[] = []
    for await (const n of subscribe<number>(`${API}/es?room=a`, {
      sse: 'eventsource',
      reconnect: { backoff: () => 0 },
    })) {
      got.push(n)
      if (n === 2) break
    }
    expect(got).toEqual([1, 2])
    expect(urls[0]).toBe(`${API}/es?room=a`)
    expect(urls[1]).toBe(`${API}/es?room=a&lastEventId=x1`)
  })

  it("sse: 'eventsource' refuses what EventSource cannot send", () => {
    expect(() => subscribe(`${API}/x`, { sse: 'eventsource', headers: { 'x-app': '1' } })).toThrow(
      expect.objectContaining({ code: 'invalid_options', fatal: true }),
    )
    expect(() => subscribe(`${API}/x`, { sse: 'eventsource', method: 'POST' })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    )
  })

  /** Every case runs over both HTTP clients of Node: fetch (asked for) and node:http (what 'auto' picks in Node). */
  describe.each([
    ['fetch', { sse: 'fetch' as const }, true],
    ['node:http', {}, false],
  ])('over %s', (_client, client, overFetch) => {
    let fetchSpy: MockInstance<typeof fetch>
    beforeEach(() => {
      fetchSpy = vi.spyOn(globalThis, 'fetch')
    })
    afterEach(() => {
      // msw intercepts both; the spy shows which one carried the stream
      expect(fetchSpy.mock.calls.length > 0).toBe(overFetch)
      fetchSpy.mockRestore()
    })

    it('streams an LLM-style POST with a JSON body and Authorization, ending cleanly on [DONE]', async () => {
      const requests: Request[] = []
      server.use(
        http.post(`${API}/v1/chat`, async ({ request }) => {
          requests.push(request.clone())
          return eventStream([
            'data: {"delta":"Hel"}\n\n',
            ': keep-alive\n\ndata: {"delta":"lo"}\n',
            '\ndata: [DONE]\n\n',
          ])
        }),
      )
      const { closed, onState } = closedState()
      const token = vi.fn(() => 'sk-test')
      const sub = subscribe<{ delta: string }>(`${API}/v1/chat`, {
        method: 'POST',
        body: { model: 'm', stream: true },
        token,
        done: '[DONE]',
        onState,
        ...client,
      })
      const deltas: string[] = []
      for await (const chunk of sub) deltas.push(chunk.delta)
      expect(deltas.join('')).toBe('Hello')
      expect(await closed).toMatchObject({ to: 'closed', reason: 'done' })
      expect((await closed).error).toBeUndefined()
      expect(requests).toHaveLength(1)
      expect(requests[0]!.headers.get('authorization')).toBe('Bearer sk-test')
      expect(requests[0]!.headers.get('content-type')).toBe('application/json')
      expect(requests[0]!.headers.get('accept')).toBe('text/event-stream')
      expect(await requests[0]!.json()).toEqual({ model: 'm', stream: true })
    })

    it('a wrong content type is fatal', async () => {
      server.use(http.get(`${API}/json`, () => HttpResponse.json({ hello: 'world' })))
      const { closed, onState } = closedState()
      const onError = vi.fn()
      subscribe(`${API}/json`, { onState, onError, headers: { 'x-app': '1' }, ...client })
      const change = await closed
      expect(change.error).toMatchObject({ code: 'content_type', fatal: true })
      expect(onError).toHaveBeenCalledWith(change.error)
    })

    it('401 asks the token provider again and retries at once', async () => {
      const auth: Array<string | null> = []
      server.use(
        http.get(`${API}/private`, ({ request }) => {
          auth.push(request.headers.get('authorization'))
          if (request.headers.get('authorization') !== 'Bearer fresh') {
            return HttpResponse.json({ code: 'unauthorized', message: 'expired' }, { status: 401 })
          }
          return eventStream(['id: 1\ndata: "secret"\n\n'])
        }),
      )
      const tokens = ['stale', 'fresh']
      const token = vi.fn(() => tokens.shift())
      const states: StateChange[] = []
      const sub = subscribe<string>(`${API}/private`, {
        token,
        onState: (change) => states.push(change),
        reconnect: { backoff: () => 60_000 }, // proves the retry after 401 does not wait for backoff
        ...client,
      })
      const first = await sub[Symbol.asyncIterator]().next()
      expect(first).toEqual({ done: false, value: 'secret' })
      expect(token).toHaveBeenCalledTimes(2)
      expect(auth).toEqual(['Bearer stale', 'Bearer fresh'])
      expect(states[0]).toMatchObject({ to: 'reconnecting', delayMs: 0, error: { code: 'unauthorized' } })
      sub.close()
    })

    it("resumes with Last-Event-ID after the stream ends; dedupe: 'unique' drops a replayed id", async () => {
      const seenIds: Array<string | null> = []
      server.use(
        http.get(`${API}/feed`, ({ request }) => {
          const last = request.headers.get('last-event-id')
          seenIds.push(last)
          if (last === null) return eventStream(['retry: 5\nid: a\ndata: 1\n\nid: b\ndata: 2\n\n'])
          return eventStream(['id: b\ndata: 2\n\nid: c\ndata: 3\n\n']) // replays b
        }),
      )
      const got: number[] = []
      const sub = subscribe<number>(`${API}/feed`, {
        headers: { 'x-app': '1' },
        dedupe: 'unique',
        reconnect: { backoff: () => 0 },
        ...client,
      })
      for await (const n of sub) {
        got.push(n)
        if (n === 3) break
      }
      expect(got).toEqual([1, 2, 3])
      expect(seenIds.slice(0, 2)).toEqual([null, 'b'])
    })

    it('streams a plain GET; the cursor travels as Last-Event-ID', async () => {
      const seen: Array<{ url: string; last: string | null }> = []
      server.use(
        http.get(`${API}/plain`, ({ request }) => {
          seen.push({ url: request.url, last: request.headers.get('last-event-id') })
          if (seen.length === 1) return eventStream(['id: p1\ndata: 1\n\n'])
          return eventStream(['id: p2\ndata: 2\n\n'])
        }),
      )
      const got: number[] = []
      for await (const n of subscribe<number>(`${API}/plain`, { reconnect: { backoff: () => 0 }, ...client })) {
        got.push(n)
        if (n === 2) break
      }
      expect(got).toEqual([1, 2])
      expect(seen.slice(0, 2)).toEqual([
        { url: `${API}/plain`, last: null },
        { url: `${API}/plain`, last: 'p1' },
      ])
    })
  })
})
