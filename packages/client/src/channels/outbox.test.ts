import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mulberry32, settle, tick } from '../../test/support'
import { SwitchlineError } from '../core/errors'
import { createHttpPublisher, httpSendPath } from './http-publisher'
import { MAX_RETRY_HINT_MS } from '../core/backoff'
import { createMid, createOutbox } from './outbox'
import { resolvePlatform } from '../platform/platform'
import type { OutgoingMessage, PublishDone, SendPath } from './session-types'
import { systemTimers } from '../core/timers'

/** A path that records publishes and lets the test answer them. */
function fakePath(kind: 'websocket' | 'sse' = 'websocket', maxFrameBytes = 65_536) {
  const calls: Array<{ message: OutgoingMessage; done: PublishDone }> = []
  const path: SendPath = {
    kind,
    maxFrameBytes,
    publish(message, done) {
      calls.push({ message, done })
    },
  }
  return { path, calls }
}

describe('outbox', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const make = (extra: Partial<Parameters<typeof createOutbox>[0]> = {}) =>
    createOutbox({ channel: 'chat:a', timers: systemTimers, random: mulberry32(7), ...extra })

  it('mids are 16 base-36 chars, deterministic for a seeded random', () => {
    const a = createMid(mulberry32(1))
    expect(a).toMatch(/^[0-9a-z]{16}$/)
    expect(createMid(mulberry32(1))).toBe(a)
    expect(createMid(mulberry32(2))).not.toBe(a)
  })

  it('queues while no path is live, sends once on the path, resolves on ack', async () => {
    const outbox = make()
    const result = outbox.send({ text: 'hi' })
    expect(outbox.pending).toBe(1)
    const { path, calls } = fakePath()
    outbox.setPath(path)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.message).toMatchObject({ channel: 'chat:a', data: { text: 'hi' } })
    calls[0]?.done({ eventId: 'e1-5' })
    await expect(result).resolves.toEqual({ eventId: 'e1-5' })
    expect(outbox.pending).toBe(0)
  })

  it('re-sends unacked messages with the SAME mid after the path changes; a late ack still counts once', async () => {
    const outbox = make()
    const ws = fakePath('websocket')
    outbox.setPath(ws.path)
    const first = outbox.send('a')
    const second = outbox.send('b')
    expect(ws.calls.map((c) => c.message.data)).toEqual(['a', 'b'])
    const mids = ws.calls.map((c) => c.message.mid)
    ws.calls[0]?.done({ eventId: 'e1-1' })
    outbox.setPath(undefined) // connection lost before b's ack
    const http = fakePath('sse')
    outbox.setPath(http.path)
    expect(http.calls.map((c) => c.message.mid)).toEqual([mids[1]])
    http.calls[0]?.done({ eventId: 'e1-2' })
    ws.calls[1]?.done({ eventId: 'e1-2' }) // stale duplicate answer: ignored
    expect(await first).toEqual({ eventId: 'e1-1' })
    expect(await second).toEqual({ eventId: 'e1-2' })
  })

  it('over HTTP sends one message at a time, in order', async () => {
    const outbox = make()
    const http = fakePath('sse')
    outbox.setPath(http.path)
    const results = [outbox.send(1), outbox.send(2), outbox.send(3)]
    expect(http.calls).toHaveLength(1)
    http.calls[0]?.done({ eventId: 'e1-1' })
    expect(http.calls).toHaveLength(2)
    http.calls[1]?.done({ eventId: 'e1-2' })
    http.calls[2]?.done({ eventId: 'e1-3' })
    expect(await Promise.all(results)).toEqual([{ eventId: 'e1-1' }, { eventId: 'e1-2' }, { eventId: 'e1-3' }])
  })

  it('rejects queue_full when count or bytes run out', async () => {
    const outbox = make({ maxCount: 2 })
    void outbox.send(1).catch(() => {})
    void outbox.send(2).catch(() => {})
    const third = await settle(outbox.send(3))
    expect(third.status).toBe('rejected')
    expect((third as { reason: SwitchlineError }).reason.code).toBe('queue_full')

    const small = make({ maxBytes: 200 })
    const big = await settle(small.send('x'.repeat(300)))
    expect((big as { reason: SwitchlineError }).reason.code).toBe('queue_full')
  })

  it('rejects payload_too_large before sending, against the path (welcome) limit or 65536', async () => {
    const outbox = make()
    const huge = await settle(outbox.send('x'.repeat(70_000)))
    expect((huge as { reason: SwitchlineError }).reason.code).toBe('payload_too_large')
    const ws = fakePath('websocket', 1000)
    outbox.setPath(ws.path)
    const over = await settle(outbox.send('x'.repeat(1000)))
    expect((over as { reason: SwitchlineError }).reason.code).toBe('payload_too_large')
    expect(ws.calls).toHaveLength(0)
  })

  it('rejects with timeout when no ack comes within ackTimeoutMs', async () => {
    const outbox = make({ ackTimeoutMs: 1000 })
    const pending = settle(outbox.send('a'))
    await vi.advanceTimersByTimeAsync(999)
    expect(outbox.pending).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    const result = await pending
    expect((result as { reason: SwitchlineError }).reason.code).toBe('timeout')
    expect(outbox.pending).toBe(0)
  })

  it('a fatal answer rejects that message; a non-fatal one is retried (Retry-After honoured)', async () => {
    const outbox = make()
    const http = fakePath('sse')
    outbox.setPath(http.path)
    const a = settle(outbox.send('a'))
    http.calls[0]?.done(new SwitchlineError('send_unsupported', 'nope', { fatal: true }))
    expect(((await a) as { reason: SwitchlineError }).reason.code).toBe('send_unsupported')

    const b = outbox.send('b')
    http.calls[1]?.done(new SwitchlineError('http_status', '503', { retryAfterMs: 2000 }))
    await vi.advanceTimersByTimeAsync(1999)
    expect(http.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(http.calls).toHaveLength(3)
    expect(http.calls[2]?.message.mid).toBe(http.calls[1]?.message.mid)
    http.calls[2]?.done({ eventId: 'e1-9' })
    expect(await b).toEqual({ eventId: 'e1-9' })
  })

  it('close() rejects everything pending with closed, and later sends too; no timer is left', async () => {
    const outbox = make()
    const a = settle(outbox.send('a'))
    outbox.close(new SwitchlineError('closed', 'bye'))
    expect(((await a) as { reason: SwitchlineError }).reason.code).toBe('closed')
    expect(((await settle(outbox.send('b'))) as { reason: SwitchlineError }).reason.code).toBe('closed')
    await tick()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('over the HTTP publisher: 503 + Retry-After holds the re-send back at least that long, then the same mid goes out', async () => {
    const bodies: Array<{ mid?: string }> = []
    const answers = [
      () =>
        new Response(JSON.stringify({ code: 'unavailable', message: 'restarting' }), {
          status: 503,
          headers: { 'retry-after': '3' },
        }),
      () =>
        new Response(JSON.stringify({ eventId: 'e1-9' }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    ]
    const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)) as { mid?: string })
      return (answers.shift() as () => Response)()
    }) as unknown as typeof globalThis.fetch
    const publisher = createHttpPublisher({ baseUrl: 'http://example.test/rt', platform: resolvePlatform({ fetch }) })
    const outbox = make({ backoff: () => 10 })
    outbox.setPath(httpSendPath(publisher))
    const result = outbox.send({ text: 'hi' })
    await tick()
    expect(bodies).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(2999) // backoff says 10 ms; Retry-After says 3 s
    expect(bodies).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(bodies).toHaveLength(2)
    expect(bodies[1]?.mid).toBe(bodies[0]?.mid)
    await expect(result).resolves.toEqual({ eventId: 'e1-9' })
  })

  /** An outbox on the real HTTP publisher over a scripted fetch; records each POST's body. */
  function overHttp(answers: Array<() => Response>, extra: Partial<Parameters<typeof createOutbox>[0]> = {}) {
    const bodies: Array<{ mid?: string }> = []
    const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)) as { mid?: string })
      return (answers.shift() as () => Response)()
    }) as unknown as typeof globalThis.fetch
    const publisher = createHttpPublisher({ baseUrl: 'http://example.test/rt', platform: resolvePlatform({ fetch }) })
    const outbox = make({ backoff: () => 10, ...extra })
    outbox.setPath(httpSendPath(publisher))
    return { outbox, bodies }
  }
  const published = () =>
    new Response(JSON.stringify({ eventId: 'e1-9' }), { status: 200, headers: { 'content-type': 'application/json' } })

  it('over the HTTP publisher: 429 + retry-after-ms (as LLM APIs send it) holds the re-send back that long; it wins over Retry-After', async () => {
    const limited = () =>
      new Response(JSON.stringify({ error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after-ms': '2500', 'retry-after': '20' },
      })
    const { outbox, bodies } = overHttp([limited, published])
    const result = outbox.send({ text: 'hi' })
    await tick()
    expect(bodies).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(2499) // backoff says 10 ms; retry-after-ms says 2.5 s (Retry-After: 20 s loses)
    expect(bodies).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(bodies).toHaveLength(2)
    expect(bodies[1]?.mid).toBe(bodies[0]?.mid)
    await expect(result).resolves.toEqual({ eventId: 'e1-9' })
  })

  it('over the HTTP publisher: an absurd Retry-After is capped at MAX_RETRY_HINT_MS (60 s), as reconnect hints are', async () => {
    const down = () => new Response('', { status: 503, headers: { 'retry-after': '999999999' } })
    const { outbox, bodies } = overHttp([down, published], { ackTimeoutMs: 120_000 })
    const result = outbox.send({ text: 'hi' })
    await tick()
    await vi.advanceTimersByTimeAsync(MAX_RETRY_HINT_MS - 1)
    expect(bodies).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(bodies).toHaveLength(2)
    await expect(result).resolves.toEqual({ eventId: 'e1-9' })
  })

  it('over HTTP, a message whose own deadline passes while its request hangs is rejected and abandoned; the next one goes', async () => {
    const outbox = make({ ackTimeoutMs: 1000 })
    const abandoned: string[] = []
    const calls: Array<{ message: OutgoingMessage; done: PublishDone }> = []
    outbox.setPath({
      kind: 'sse',
      maxFrameBytes: 65_536,
      publish(message, done) {
        calls.push({ message, done })
        return () => abandoned.push(message.mid)
      },
    })
    const a = settle(outbox.send('a'))
    await vi.advanceTimersByTimeAsync(500)
    const b = outbox.send('b') // its own deadline is 1000 ms from now
    expect(calls).toHaveLength(1) // one request at a time: b waits behind a
    await vi.advanceTimersByTimeAsync(500)
    expect(((await a) as { reason: SwitchlineError }).reason.code).toBe('timeout')
    expect(abandoned).toEqual([calls[0]?.message.mid])
    expect(calls.map((c) => c.message.data)).toEqual(['a', 'b'])
    calls[0]?.done({ eventId: 'e1-1' }) // a late answer for the abandoned request changes nothing
    calls[1]?.done({ eventId: 'e1-2' })
    expect(await b).toEqual({ eventId: 'e1-2' })
    expect(outbox.pending).toBe(0)
  })

  it('over the HTTP publisher: a request over its deadline is aborted and retried with the same mid; the queue then moves on', async () => {
    const requests: Array<{ mid: string; aborted: boolean; answer(eventId: string): void }> = []
    const fetch = (async (_url: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        const request = {
          mid: (JSON.parse(String(init?.body)) as { mid: string }).mid,
          aborted: false,
          answer: (eventId: string) => resolve(new Response(JSON.stringify({ eventId }), { status: 200 })),
        }
        requests.push(request)
        init?.signal?.addEventListener('abort', () => {
          request.aborted = true
          reject(new DOMException('The operation was aborted.', 'AbortError'))
        })
      })) as typeof globalThis.fetch
    const publisher = createHttpPublisher({
      baseUrl: 'http://example.test/rt',
      platform: resolvePlatform({ fetch }),
      timeoutMs: 1000,
    })
    const outbox = make({ backoff: () => 50, ackTimeoutMs: 30_000, maxCount: 3 })
    outbox.setPath(httpSendPath(publisher))
    const sends = [outbox.send('a'), outbox.send('b'), outbox.send('c')]
    expect(((await settle(outbox.send('d'))) as { reason: SwitchlineError }).reason.code).toBe('queue_full') // bounds kept
    await tick()
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1000) // half-open: no answer, the request is aborted
    expect(requests[0]?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(1000 + 50) // the retry hangs too
    expect(requests.map((r) => r.aborted)).toEqual([true, true])
    await vi.advanceTimersByTimeAsync(50) // the network is healthy again
    expect(requests.map((r) => r.mid)).toEqual(Array(3).fill(requests[0]?.mid))
    requests[2]?.answer('e1-1')
    await tick()
    requests[3]?.answer('e1-2')
    await tick()
    requests[4]?.answer('e1-3')
    expect(await Promise.all(sends)).toEqual([{ eventId: 'e1-1' }, { eventId: 'e1-2' }, { eventId: 'e1-3' }])
    expect(new Set(requests.map((r) => r.mid)).size).toBe(3)
    expect(outbox.pending).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
