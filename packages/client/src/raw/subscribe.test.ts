import { beforeEach, describe, expect, it, vi } from 'vitest'
import { manualTimers } from '../../test/fakes/manual-timers'
import { fakeOnline, fakeVisibility } from '../../test/fakes/platform'
import { FakeWebSocket, FakeWebSocketConstructor } from '../../test/fakes/websocket'
import { flushMicrotasks, settle } from '../../test/support/async'
import { streamingResponse } from '../../test/support/streaming-response'
import { subscribe } from './subscribe'
import type { StateChange } from '../types'

/** A fetch whose every call answers a fresh open event stream (`streamingResponse`) the test can write to; records every call. */
function streamingFetch() {
  const calls: Array<{ url: string; init: RequestInit; push(text: string): void }> = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const stream = streamingResponse({ headers: { 'content-type': 'text/event-stream' } })
    calls.push({ url: String(url), init: init ?? {}, push: (text) => stream.push(new TextEncoder().encode(text)) })
    return stream.response
  }) as unknown as typeof globalThis.fetch
  return { fetch, calls }
}

describe('subscribe() — transport from the URL', () => {
  it('picks SSE for http(s), WebSocket for ws(s), converts the scheme when forced', () => {
    const platform = { fetch: streamingFetch().fetch, WebSocket: FakeWebSocketConstructor, EventSource: undefined }
    FakeWebSocket.reset()
    const a = subscribe('https://x.test/a', { platform })
    expect([a.transport, a.transportReason]).toEqual(['sse', 'http(s) URL → SSE'])
    const b = subscribe('https://x.test/b?q=1', { transport: 'websocket', platform })
    expect(b.transport).toBe('websocket')
    expect(FakeWebSocket.last.url).toBe('wss://x.test/b?q=1')
    const c = subscribe('ws://x.test/c', { transport: 'sse', platform })
    expect(c.transport).toBe('sse')
    for (const s of [a, b, c]) s.close()
  })

  it('onTransport is called once, during subscribe(), when the transport is chosen', () => {
    const platform = { fetch: streamingFetch().fetch, WebSocket: FakeWebSocketConstructor, EventSource: undefined }
    FakeWebSocket.reset()
    const changes: unknown[] = []
    const a = subscribe('https://x.test/a', { platform, onTransport: (c) => changes.push(c) })
    const b = subscribe('https://x.test/b', { transport: 'websocket', platform, onTransport: (c) => changes.push(c) })
    expect(changes).toEqual([
      { from: undefined, to: 'sse', reason: 'http(s) URL → SSE' },
      { from: undefined, to: 'websocket', reason: "transport: 'websocket' (URL scheme converted)" },
    ])
    for (const s of [a, b]) s.close()
  })

  it('throws invalid_options for a bad URL or scheme', () => {
    expect(() => subscribe('not a url')).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => subscribe('ftp://x.test/')).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })

  it('an already-aborted signal never connects', () => {
    const { fetch } = streamingFetch()
    const sub = subscribe('https://x.test/', {
      signal: AbortSignal.abort(),
      platform: { fetch, EventSource: undefined },
    })
    expect(sub.state).toBe('closed')
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('subscribe() over SSE — stall and teardown', () => {
  it('send() rejects with send_unsupported (a URL typed as string keeps send() in the types)', async () => {
    const url: string = 'https://x.test/'
    const sub = subscribe(url, { platform: { fetch: streamingFetch().fetch, EventSource: undefined } })
    await expect(sub.send({})).rejects.toMatchObject({ code: 'send_unsupported' })
    sub.close()
  })

  it('reconnects a stalled stream after stallTimeoutMs, resuming from the last id; activity defers it', async () => {
    const { fetch, calls } = streamingFetch()
    const timers = manualTimers()
    const states: StateChange[] = []
    const events: unknown[] = []
    const sub = subscribe('https://x.test/s', {
      stallTimeoutMs: 1000,
      onEvent: (d) => events.push(d),
      onState: (c) => states.push(c),
      reconnect: { backoff: () => 50 },
      platform: { fetch, EventSource: undefined, timers },
    })
    await flushMicrotasks(20)
    calls[0]!.push('id: 7\ndata: 1\n\n')
    await flushMicrotasks(20)
    timers.advance(900)
    calls[0]!.push(': heartbeat\n\n')
    await flushMicrotasks(20)
    timers.advance(900)
    expect(calls).toHaveLength(1)
    timers.advance(100)
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', error: { code: 'timeout' }, delayMs: 50 })
    expect(calls[0]!.init.signal?.aborted).toBe(true)
    timers.advance(50)
    await flushMicrotasks(20)
    expect(calls).toHaveLength(2)
    expect((calls[1]!.init.headers as Record<string, string>)['last-event-id']).toBe('7')
    expect(events).toEqual([1])
    sub.close()
  })

  it('stallTimeoutMs: 0 disables the watchdog', async () => {
    const { fetch, calls } = streamingFetch()
    const timers = manualTimers()
    const sub = subscribe('https://x.test/s', {
      stallTimeoutMs: 0,
      platform: { fetch, EventSource: undefined, timers },
    })
    await flushMicrotasks(20)
    calls[0]!.push(': first byte\n\n') // stops the connect timer
    await flushMicrotasks(20)
    expect(timers.pending).toBe(1) // only reset-after-healthy
    timers.advance(10 * 60_000)
    expect(timers.pending).toBe(0)
    expect(calls).toHaveLength(1)
    expect(sub.state).toBe('open')
    sub.close()
  })

  it('close() leaves no timer, no platform listener, and aborts the request', async () => {
    const { fetch, calls } = streamingFetch()
    const timers = manualTimers()
    const online = fakeOnline()
    const visibility = fakeVisibility()
    const sub = subscribe('https://x.test/s', {
      reconnect: { pauseWhenHidden: true },
      platform: { fetch, EventSource: undefined, timers, online, visibility },
    })
    await flushMicrotasks(20)
    expect(sub.state).toBe('open')
    expect(timers.pending).toBe(2) // first-byte timeout (headers in, no byte yet) + reset-after-healthy
    expect(online.listeners + visibility.listeners).toBe(2)
    sub.close()
    expect(timers.pending).toBe(0)
    expect(online.listeners + visibility.listeners).toBe(0)
    expect(calls[0]!.init.signal?.aborted).toBe(true)
  })
})

describe('subscribe() over WebSocket — send queue', () => {
  beforeEach(() => FakeWebSocket.reset())

  it('queues up to 100 sends while disconnected, rejects more with queue_full, and the rest with closed on close', async () => {
    const sub = subscribe('wss://x.test/', {
      platform: { WebSocket: FakeWebSocketConstructor, timers: manualTimers() },
    })
    const sends = Array.from({ length: 101 }, (_, i) => settle(sub.send(i)))
    const overflow = await sends[100]!
    expect(overflow).toMatchObject({ status: 'rejected', reason: { code: 'queue_full' } })
    sub.close()
    const results = await Promise.all(sends.slice(0, 100))
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'closed')).toBe(true)
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: '' })
  })

  it('the queue is bounded by bytes too (sendQueue.maxBytes): a send that does not fit rejects with queue_full', async () => {
    const sub = subscribe('wss://x.test/', {
      format: 'text',
      sendQueue: { maxBytes: 10 },
      platform: { WebSocket: FakeWebSocketConstructor, timers: manualTimers() },
    })
    const first = settle(sub.send('12345678')) // 8 bytes
    const tooBig = await settle(sub.send('abc')) // 8 + 3 > 10
    expect(tooBig).toMatchObject({ status: 'rejected', reason: { code: 'queue_full' } })
    expect((tooBig as { reason: Error }).reason.message).toMatch(/bytes/)
    const fits = settle(sub.send('é')) // 2 bytes in UTF-8: 8 + 2 = 10
    FakeWebSocket.last.open()
    expect(await first).toMatchObject({ status: 'fulfilled' })
    expect(await fits).toMatchObject({ status: 'fulfilled' })
    expect(FakeWebSocket.last.sent).toEqual(['12345678', 'é'])
    sub.close()
  })

  it('sendQueue.maxCount bounds the count; bad bounds throw invalid_options', async () => {
    const sub = subscribe('wss://x.test/', {
      sendQueue: { maxCount: 2 },
      platform: { WebSocket: FakeWebSocketConstructor, timers: manualTimers() },
    })
    const sends = [1, 2, 3].map((n) => settle(sub.send(n)))
    expect(await sends[2]).toMatchObject({ status: 'rejected', reason: { code: 'queue_full' } })
    sub.close()
    expect(() => subscribe('wss://x.test/', { sendQueue: { maxCount: 0 } })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    )
    expect(() => subscribe('wss://x.test/', { sendQueue: { maxBytes: -1 } })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    )
  })

  it('a fatal close code closes the subscription; a retryable one reconnects', async () => {
    const timers = manualTimers()
    const states: StateChange[] = []
    const sub = subscribe('wss://x.test/', {
      onState: (c) => states.push(c),
      reconnect: { backoff: () => 10 },
      platform: { WebSocket: FakeWebSocketConstructor, timers, random: () => 0.5 },
    })
    await flushMicrotasks()
    FakeWebSocket.last.open()
    FakeWebSocket.last.serverClose(1013, 'retry-after=300')
    // The hint is the floor of the jitter range: 300 + backoff 10 + 0.5 × 300.
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', delayMs: 460 })
    timers.advance(459)
    expect(FakeWebSocket.instances).toHaveLength(1)
    timers.advance(1)
    expect(FakeWebSocket.instances).toHaveLength(2)
    FakeWebSocket.last.serverClose(1008, 'policy violation') // RFC 6455: final
    expect(states.at(-1)).toMatchObject({ to: 'closed', error: { code: 'close_code', fatal: true, closeCode: 1008 } })
    expect(sub.state).toBe('closed')
  })
})

describe('subscribe() — connect timeout', () => {
  beforeEach(() => FakeWebSocket.reset())

  it('SSE: a fetch that never answers is aborted after connectTimeoutMs and retried with backoff', async () => {
    const timers = manualTimers()
    const signals: AbortSignal[] = []
    const fetch = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          signals.push(init?.signal as AbortSignal)
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        }),
    ) as unknown as typeof globalThis.fetch
    const states: StateChange[] = []
    const sub = subscribe('https://x.test/s', {
      connectTimeoutMs: 500,
      onState: (c) => states.push(c),
      reconnect: { backoff: () => 50 },
      platform: { fetch, EventSource: undefined, timers },
    })
    await flushMicrotasks(20)
    timers.advance(499)
    expect(signals[0]?.aborted).toBe(false)
    timers.advance(1)
    expect(signals[0]?.aborted).toBe(true)
    expect(states.map((s) => s.to)).toEqual(['reconnecting'])
    expect(states[0]).toMatchObject({ error: { code: 'timeout', fatal: false }, attempt: 1, delayMs: 50 })
    timers.advance(50)
    await flushMicrotasks(20)
    expect(signals).toHaveLength(2)
    sub.close()
    expect(timers.pending).toBe(0)
  })

  it("SSE: the connect phase ends with the response headers; a quiet body is firstByteTimeoutMs's, then stallTimeoutMs's", async () => {
    const { fetch, calls } = streamingFetch()
    const timers = manualTimers()
    const states: StateChange[] = []
    const sub = subscribe('https://x.test/s', {
      connectTimeoutMs: 500,
      firstByteTimeoutMs: 2000,
      stallTimeoutMs: 1000,
      onState: (c) => states.push(c),
      reconnect: { backoff: () => 50 },
      platform: { fetch, EventSource: undefined, timers },
    })
    await flushMicrotasks(20)
    expect(sub.state).toBe('open') // headers arrived, nothing written yet (Hono, h3)
    timers.advance(1999) // past connectTimeoutMs and stallTimeoutMs: still fine
    expect(states.map((s) => s.to)).toEqual(['open'])
    timers.advance(1)
    expect(states.at(-1)).toMatchObject({
      to: 'reconnecting',
      error: { code: 'timeout', message: expect.stringMatching(/first byte/) },
    })
    expect(calls[0]!.init.signal?.aborted).toBe(true)
    timers.advance(50)
    await flushMicrotasks(20)
    expect(calls).toHaveLength(2)
    calls[1]!.push(': hello\n\n') // the body started: from now on the stall timeout counts
    await flushMicrotasks(20)
    timers.advance(999)
    expect(calls).toHaveLength(2)
    timers.advance(1)
    expect(states.at(-1)).toMatchObject({
      to: 'reconnecting',
      error: { code: 'timeout', message: expect.stringMatching(/stalled/) },
    })
    sub.close()
  })

  it('SSE: firstByteTimeoutMs defaults to stallTimeoutMs for a GET and to 5 minutes for a POST', async () => {
    for (const [method, expected] of [
      ['GET', 45_000],
      ['POST', 300_000],
    ] as const) {
      const { fetch } = streamingFetch()
      const timers = manualTimers()
      const states: StateChange[] = []
      const sub = subscribe('https://x.test/s', {
        method,
        onState: (c) => states.push(c),
        platform: { fetch, EventSource: undefined, timers },
      })
      await flushMicrotasks(20)
      timers.advance(expected - 1)
      expect(sub.state).toBe('open')
      timers.advance(1)
      expect(states.at(-1)).toMatchObject({ to: 'reconnecting', error: { code: 'timeout' } })
      sub.close()
    }
  })

  it('WebSocket: a socket that never opens is closed after connectTimeoutMs and retried; open stops the timer', async () => {
    const timers = manualTimers()
    const states: StateChange[] = []
    const sub = subscribe('wss://x.test/', {
      connectTimeoutMs: 500,
      onState: (c) => states.push(c),
      reconnect: { backoff: () => 50 },
      platform: { WebSocket: FakeWebSocketConstructor, timers },
    })
    await flushMicrotasks()
    timers.advance(500)
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: 'connect timeout' })
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', error: { code: 'timeout', fatal: false }, delayMs: 50 })
    timers.advance(50)
    expect(FakeWebSocket.instances).toHaveLength(2)
    FakeWebSocket.last.open()
    timers.advance(60_000)
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(sub.state).toBe('open')
    sub.close()
  })
})
