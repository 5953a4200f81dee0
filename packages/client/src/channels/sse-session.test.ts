import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mulberry32, tick } from '../../test/support'
import { FakeEventSource, FakeEventSourceConstructor } from '../../test/fakes/eventsource'
import { createFakeFetch, ready } from '../../test/support/fake-connections'
import { recordingMember } from '../../test/support/fake-member'
import { sessionOptions } from '../../test/support/session'
import { resolvePlatform } from '../platform/platform'
import { createSseSession, sseUrl, type SseSessionOptions } from './sse-session'

function setup(extra: Partial<SseSessionOptions> = {}) {
  const net = createFakeFetch()
  const base = sessionOptions()
  const platform = () => resolvePlatform({ fetch: net.fetch, EventSource: undefined, random: mulberry32(5) })
  const session = createSseSession({ ...base, platform, ...extra })
  return { net, tracker: base.tracker, session }
}

describe('sse-session', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('builds B/sse?channels=…&since.<ch>=…', () => {
    const url = new URL(
      sseUrl('http://h/rt', [
        ['a', 'e1-4'],
        ['b:x', undefined],
      ]),
    )
    expect(url.pathname).toBe('/rt/sse')
    expect(url.searchParams.get('channels')).toBe('a,b:x')
    expect(url.searchParams.get('since.a')).toBe('e1-4')
    expect(url.searchParams.has('since.b:x')).toBe(false)
  })

  it('coalesces 10 subscribes in one tick into one connect', async () => {
    const { net, session } = setup()
    const members = Array.from({ length: 10 }, (_, i) => recordingMember(`ch${i}`))
    for (const member of members) session.add(member)
    await tick()
    expect(net.streams).toHaveLength(1)
    expect(net.last.url.searchParams.get('channels')?.split(',')).toHaveLength(10)
    ready(net.last)
    await tick()
    for (const member of members) expect(member.readies).toEqual(['sse'])
    session.close()
  })

  it('resumes each channel from its cursor; Last-Event-ID when every channel has one', async () => {
    const { net, tracker, session } = setup({ token: () => 'tok' })
    tracker.set('a', 'e1-10')
    session.add(recordingMember('a'))
    session.add(recordingMember('b', 'e1-3'))
    await tick()
    expect(net.last.url.searchParams.get('since.a')).toBe('e1-10')
    expect(net.last.url.searchParams.get('since.b')).toBe('e1-3')
    expect(net.last.headers['last-event-id']).toBe('e1-10')
    expect(net.last.headers.authorization).toBe('Bearer tok')
    session.close()
  })

  it('a channel without a cursor takes the head cursor of sl-ready (R9); a real cursor is never replaced', async () => {
    const { net, tracker, session } = setup()
    tracker.set('tracked', 'e1-2')
    session.add(recordingMember('quiet'))
    session.add(recordingMember('tracked'))
    session.add(recordingMember('given', 'e1-1'))
    await tick()
    expect(net.last.url.searchParams.has('since.quiet')).toBe(false)
    expect(net.last.headers['last-event-id']).toBeUndefined() // a new channel: live only
    ready(net.last, 15_000, 'e1-40')
    await tick()
    expect(tracker.get('quiet')).toBe('e1-40')
    expect(tracker.get('tracked')).toBe('e1-2')
    expect(tracker.get('given')).toBeUndefined() // its replay starts at e1-1 and must not look like duplicates
    net.last.event({ id: 'e1-3', data: { channel: 'given', data: 3 } })
    await tick()
    expect(tracker.get('given')).toBe('e1-3')

    net.last.end() // dropped before 'quiet' saw an event: it resumes from the head, not live-only
    await vi.advanceTimersByTimeAsync(100)
    expect(net.streams).toHaveLength(2)
    expect(net.last.url.searchParams.get('since.quiet')).toBe('e1-40')
    expect(net.last.url.searchParams.get('since.tracked')).toBe('e1-2')
    expect(net.last.url.searchParams.get('since.given')).toBe('e1-3')
    expect(net.last.headers['last-event-id']).toBe('e1-40')
    ready(net.last, 15_000, 'e1-50')
    await tick()
    expect(tracker.get('quiet')).toBe('e1-40')
    session.close()
  })

  it('delivers channel events deduplicated, routes gaps, ignores control ids', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    const b = recordingMember('b')
    session.add(a)
    session.add(b)
    await tick()
    ready(net.last)
    net.last.event({ id: 'e1-1', data: { channel: 'a', data: 1 } })
    net.last.event({ id: 'e1-1', data: { channel: 'a', data: 1 } })
    net.last.event({ id: 'e1-2', data: { channel: 'b', data: 2, event: 'tick' } })
    net.last.event({ event: 'sl-heartbeat', data: { t: 1 } })
    net.last.event({ event: 'sl-gap', data: { channel: 'b', from: 'e1-0', to: 'e1-2', reason: 'retention' } })
    await tick()
    expect(a.events.map((e) => e.data)).toEqual([1])
    expect(b.events[0]?.meta).toEqual({ id: 'e1-2', channel: 'b', event: 'tick', transport: 'sse' })
    expect(b.gaps).toHaveLength(1)
    session.close()
  })

  it('a fatal sl-error fails that channel only; the stream restarts without it', async () => {
    const { net, session } = setup()
    const good = recordingMember('good')
    const bad = recordingMember('bad')
    session.add(good)
    session.add(bad)
    await tick()
    net.last.event({ event: 'sl-error', data: { code: 'unknown_channel', message: 'no', channel: 'bad', fatal: true } })
    net.last.event({ event: 'sl-ready', data: { epoch: 'e1', heartbeatMs: 15000, channels: ['good'], cursor: 'e1-0' } })
    await tick()
    ready(net.last)
    await tick()
    expect(bad.failures[0]?.error).toMatchObject({ protocolCode: 'unknown_channel', fatal: true })
    expect(good.failures).toEqual([])
    expect(good.readies).toEqual(['sse'])
    expect(net.streams).toHaveLength(2)
    expect(net.last.url.searchParams.get('channels')).toBe('good')
    // the quiet restart does not flap the channel that stayed
    expect(good.states.filter((s) => s.to === 'connecting')).toEqual([])
    session.close()
  })

  it('a malformed event goes to onError of the channels, and the stream goes on', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    session.add(a)
    await tick()
    ready(net.last)
    net.last.push('data: {malformed\n\n')
    net.last.event({ id: 'e1-1', data: { channel: 'a', data: 1 } })
    await tick()
    expect(a.errors.map((e) => e.code)).toEqual(['malformed_frame'])
    expect(a.events).toHaveLength(1)
    expect(net.streams).toHaveLength(1)
    session.close()
  })

  it('a stalled stream (no event for 2 × heartbeat + 5 s) reconnects from the cursor', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    session.add(a)
    await tick()
    ready(net.last, 1000) // stall timeout 7000
    net.last.event({ id: 'e1-5', data: { channel: 'a', data: 5 } })
    await vi.advanceTimersByTimeAsync(6999)
    expect(net.streams).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.streams[0]?.aborted).toBe(true)
    expect(a.states.at(-1)).toMatchObject({ to: 'reconnecting', from: 'sse' })
    await vi.advanceTimersByTimeAsync(100)
    expect(net.streams).toHaveLength(2)
    expect(net.last.url.searchParams.get('since.a')).toBe('e1-5')
    session.close()
  })

  it('comments and retry: lines are not proof of life: a comments-only stream stalls after 2 × heartbeat + 5 s (R13)', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    session.add(a)
    await tick()
    ready(net.last, 1000) // stall timeout 7000
    for (let t = 0; t < 6; t++) {
      net.last.push(': keep-alive\n\nretry: 10\n\n') // a proxy's keep-alive, every second
      await vi.advanceTimersByTimeAsync(1000)
    }
    expect(net.streams).toHaveLength(1)
    net.last.push(': keep-alive\n\n')
    await vi.advanceTimersByTimeAsync(1000) // t = 7000 since sl-ready
    expect(net.streams[0]?.aborted).toBe(true)
    expect(a.states.at(-1)).toMatchObject({ to: 'reconnecting', error: { code: 'timeout' } })
    session.close()
  })

  it('heartbeats, channel events and malformed events each keep the stream alive', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    session.add(a)
    await tick()
    ready(net.last, 1000) // stall timeout 7000
    const proofs = [
      () => net.last.event({ event: 'sl-heartbeat', data: { t: 1 } }),
      () => net.last.event({ id: 'e1-1', data: { channel: 'a', data: 1 } }),
      () => net.last.event({ data: 'not json' }),
    ]
    for (const proof of proofs) {
      await vi.advanceTimersByTimeAsync(6000)
      proof()
    }
    await vi.advanceTimersByTimeAsync(6999)
    expect(net.streams).toHaveLength(1)
    expect(net.streams[0]?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.streams[0]?.aborted).toBe(true)
    session.close()
  })

  it('connect timeout: a request that never answers is aborted after connectTimeoutMs, then retried with backoff', async () => {
    const { net, session } = setup({ connectTimeoutMs: 2000 })
    const a = recordingMember('a')
    net.sseAnswers.push({ hang: true })
    session.add(a)
    await tick()
    expect(net.hung).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1999)
    expect(net.hung[0]?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.hung[0]?.aborted).toBe(true)
    expect(a.states.at(-1)).toMatchObject({
      to: 'reconnecting',
      error: { code: 'timeout', fatal: false },
      attempt: 1,
      delayMs: 100,
    })
    await vi.advanceTimersByTimeAsync(100)
    expect(net.streams).toHaveLength(1) // the retry
    ready(net.last)
    await tick()
    expect(a.readies).toEqual(['sse'])
    expect(a.failures).toEqual([])
    session.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('connect timeout: headers without sl-ready count too; sl-ready in time stops the timer', async () => {
    const { net, session } = setup({ connectTimeoutMs: 2000, stallTimeoutMs: 0 })
    const a = recordingMember('a')
    session.add(a)
    await tick()
    net.last.push('retry: 10\n\n') // bytes, but no sl-ready
    await vi.advanceTimersByTimeAsync(2000)
    expect(net.streams[0]?.aborted).toBe(true)
    expect(a.states.at(-1)).toMatchObject({ to: 'reconnecting', error: { code: 'timeout' } })
    await vi.advanceTimersByTimeAsync(a.states.at(-1)?.delayMs ?? Number.NaN) // backoff 100 + the retry: 10 hint's range
    expect(net.streams).toHaveLength(2)
    ready(net.last)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.streams).toHaveLength(2)
    expect(net.last.aborted).toBe(false)
    session.close()
  })

  it('honours retry: as the floor of the jitter range: [hint + backoff, 2 × hint + backoff)', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    session.add(a)
    await tick()
    net.last.push('retry: 3000\n\n')
    ready(net.last)
    await tick()
    net.last.end()
    await tick()
    const delay = a.states.at(-1)?.delayMs ?? Number.NaN
    expect(delay).toBeGreaterThanOrEqual(3000 + 100) // the test backoff is a constant 100 ms
    expect(delay).toBeLessThan(2 * 3000 + 100)
    expect(a.states.at(-1)?.error).toMatchObject({ attempt: 1, nextDelayMs: delay })
    await vi.advanceTimersByTimeAsync(delay - 1)
    expect(net.streams).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.streams).toHaveLength(2)
    session.close()
  })

  it('503 + Retry-After: the next attempt waits at least that long (more than the backoff)', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    net.sseAnswers.push({
      status: 503,
      body: '{"code":"unavailable","message":"restarting"}',
      headers: { 'retry-after': '2' },
    })
    session.add(a)
    await tick()
    expect(a.states.at(-1)).toMatchObject({
      to: 'reconnecting',
      error: { code: 'http_status', status: 503, retryAfterMs: 2000 },
    })
    const delay = a.states.at(-1)?.delayMs ?? Number.NaN
    expect(delay).toBeGreaterThanOrEqual(2000 + 100)
    expect(delay).toBeLessThan(2 * 2000 + 100)
    await vi.advanceTimersByTimeAsync(delay - 1)
    expect(net.streams).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.streams).toHaveLength(1)
    session.close()
  })

  it('401 → the token provider is asked again', async () => {
    const token = vi.fn().mockReturnValueOnce('old').mockReturnValue('new')
    const { net, session } = setup({ token })
    net.sseAnswers.push({ status: 401, body: '{"code":"unauthorized","message":"no"}' })
    session.add(recordingMember('a'))
    await vi.advanceTimersByTimeAsync(10)
    expect(token).toHaveBeenCalledTimes(2)
    expect(net.last.headers.authorization).toBe('Bearer new')
    session.close()
  })

  it('a fatal answer (204) fails every channel, no reconnect; removing the last channel leaves nothing running', async () => {
    const { net, session } = setup()
    const a = recordingMember('a')
    net.sseAnswers.push({ status: 204 })
    session.add(a)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(a.failures[0]?.error).toMatchObject({ code: 'http_status', fatal: true })
    expect(net.streams).toHaveLength(0)

    const second = setup()
    const b = recordingMember('b')
    second.session.add(b)
    await tick()
    ready(second.net.last)
    second.session.remove(b)
    await tick()
    expect(second.net.last.aborted).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a new channel beyond 64 fails alone (too_many_channels, a microtask later); the stream keeps 64', async () => {
    const { net, session } = setup()
    const members = Array.from({ length: 65 }, (_, i) => recordingMember(`ch${i}`))
    for (const member of members) session.add(member)
    const extra = members[64]!
    expect(extra.failures).toEqual([])
    await tick()
    expect(extra.failures).toEqual([
      { error: expect.objectContaining({ code: 'too_many_channels', fatal: true, channel: 'ch64' }), from: 'sse' },
    ])
    expect(session.has(extra)).toBe(false)
    expect(session.size()).toBe(64)
    expect(net.streams).toHaveLength(1)
    expect(net.last.url.searchParams.get('channels')?.split(',')).toHaveLength(64)
    session.add(recordingMember('ch0')) // a channel already on the stream still joins
    expect(session.size()).toBe(64)
    session.close()
  })
})

/** A browser-like platform: fetch, an EventSource and a page origin (ADR 0008). */
describe('sse-session in a browser: fetch, and where the stream-wide cursor travels', () => {
  function browserSetup(pageOrigin: string, extra: Partial<SseSessionOptions> = {}) {
    const net = createFakeFetch()
    const base = sessionOptions() // baseUrl http://example.test/rt
    const platform = () => resolvePlatform({ fetch: net.fetch, EventSource: FakeEventSourceConstructor, pageOrigin })
    const session = createSseSession({ ...base, platform, ...extra })
    base.tracker.set('a', 'e1-10') // every channel has a cursor: the stream-wide one is sent
    session.add(recordingMember('a'))
    return { net, session }
  }

  beforeEach(() => {
    vi.useFakeTimers()
    FakeEventSource.reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('streams over fetch although the platform has an EventSource; same origin → Last-Event-ID header', async () => {
    const { net, session } = browserSetup('http://example.test')
    await tick()
    expect(FakeEventSource.instances).toHaveLength(0)
    expect(net.streams).toHaveLength(1)
    expect(net.last.headers['last-event-id']).toBe('e1-10')
    expect(net.last.url.searchParams.has('lastEventId')).toBe(false)
    session.close()
  })

  it('cross-origin without headers → lastEventId in the query, no header a preflight would be needed for', async () => {
    const { net, session } = browserSetup('http://app.test', { withCredentials: true })
    await tick()
    expect(net.last.url.searchParams.get('lastEventId')).toBe('e1-10')
    expect(net.last.url.searchParams.get('since.a')).toBe('e1-10')
    expect(net.last.headers).toEqual({ accept: 'text/event-stream' })
    expect(net.last.init).toMatchObject({ credentials: 'include', cache: 'no-store' })
    session.close()
  })

  it('cross-origin with a token (a preflight anyway) → the header', async () => {
    const { net, session } = browserSetup('http://app.test', { token: () => 'tok' })
    await tick()
    expect(net.last.headers).toMatchObject({ 'last-event-id': 'e1-10', authorization: 'Bearer tok' })
    expect(net.last.url.searchParams.has('lastEventId')).toBe(false)
    session.close()
  })
})
