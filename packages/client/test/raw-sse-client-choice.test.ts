/**
 * Raw `subscribe(http…)` on a browser-like platform (fetch, `EventSource` and the page origin injected): which HTTP
 * client carries the stream under `sse: 'auto'`, and where the resume cursor travels (ADR 0008).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Platform } from '../src/core/platform-types'
import { subscribe } from '../src/raw/subscribe'
import type { SubscribeOptions } from '../src/types'
import { FakeEventSource, FakeEventSourceConstructor } from './fakes/eventsource'
import { tick } from './support/async'
import { createFakeFetch } from './support/fake-connections'

const PAGE = 'https://app.example.com'

function browserLike(pageOrigin: string | undefined) {
  const net = createFakeFetch()
  const platform: Partial<Platform> = { fetch: net.fetch, EventSource: FakeEventSourceConstructor, pageOrigin }
  return { net, platform }
}

beforeEach(() => {
  vi.useFakeTimers()
  FakeEventSource.reset()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe("sse: 'auto' picks fetch wherever the platform has it", () => {
  it('a plain GET streams over fetch, not the EventSource the platform also has', async () => {
    const { net, platform } = browserLike(PAGE)
    const got: number[] = []
    const sub = subscribe<number>(`${PAGE}/ticks`, { platform, onEvent: (n) => got.push(n) })
    await tick()
    expect(net.streams).toHaveLength(1)
    expect(FakeEventSource.instances).toHaveLength(0)
    net.last.event({ id: '1', data: 7 })
    await tick()
    expect(got).toEqual([7])
    expect(sub.state).toBe('open')
    sub.close()
  })

  it('EventSource only without fetch', async () => {
    vi.stubGlobal('fetch', undefined)
    const sub = subscribe(`${PAGE}/ticks`, { platform: { EventSource: FakeEventSourceConstructor, pageOrigin: PAGE } })
    await tick()
    expect(FakeEventSource.instances).toHaveLength(1)
    sub.close()
  })

  it("sse: 'eventsource' still rides EventSource where fetch exists", async () => {
    const { net, platform } = browserLike(PAGE)
    const sub = subscribe(`${PAGE}/ticks`, { platform, sse: 'eventsource', lastEventId: 'k-7' })
    await tick()
    expect(net.streams).toHaveLength(0)
    expect(FakeEventSource.last.url).toBe(`${PAGE}/ticks?lastEventId=k-7`)
    sub.close()
  })
})

describe('where the cursor travels over fetch', () => {
  /** Opens one stream resuming from `k-7` and returns what was requested. */
  async function firstRequest(
    url: string,
    pageOrigin: string | undefined,
    extra: Partial<SubscribeOptions<unknown>> = {},
  ) {
    const { net, platform } = browserLike(pageOrigin)
    const sub = subscribe(url, { platform, lastEventId: 'k-7', ...extra })
    await tick()
    expect(net.streams).toHaveLength(1)
    sub.close()
    return net.last
  }

  it('same origin: Last-Event-ID header, URL untouched', async () => {
    const stream = await firstRequest(`${PAGE}/ticks?room=a`, PAGE)
    expect(stream.url.href).toBe(`${PAGE}/ticks?room=a`)
    expect(stream.headers).toEqual({ accept: 'text/event-stream', 'last-event-id': 'k-7' })
  })

  it('cross-origin, no headers of its own: lastEventId in the query and only CORS-safelisted headers', async () => {
    const stream = await firstRequest('https://api.example.com/ticks?room=a', PAGE)
    expect(stream.url.href).toBe('https://api.example.com/ticks?room=a&lastEventId=k-7')
    expect(stream.headers).toEqual({ accept: 'text/event-stream' })
    expect(stream.init).toMatchObject({ method: 'GET', credentials: 'same-origin', cache: 'no-store' })
  })

  it('cross-origin with withCredentials: still the query, credentials include', async () => {
    const stream = await firstRequest('https://api.example.com/ticks', PAGE, { withCredentials: true })
    expect(stream.url.searchParams.get('lastEventId')).toBe('k-7')
    expect(stream.init?.credentials).toBe('include')
  })

  it.each([
    ['headers', { headers: { 'x-app': '1' } }],
    ['token', { token: () => 'tok' }],
    ['a JSON body', { method: 'POST', body: { q: 1 } }],
  ])('cross-origin with %s (a preflight anyway): the header', async (_what, extra) => {
    const stream = await firstRequest('https://api.example.com/ticks', PAGE, extra)
    expect(stream.url.searchParams.has('lastEventId')).toBe(false)
    expect(stream.headers['last-event-id']).toBe('k-7')
  })

  it("cross-origin with an explicit sse: 'fetch': the header (the CORS rule is the 'auto' default's)", async () => {
    const stream = await firstRequest('https://api.example.com/ticks', PAGE, { sse: 'fetch' })
    expect(stream.url.searchParams.has('lastEventId')).toBe(false)
    expect(stream.headers['last-event-id']).toBe('k-7')
  })

  it('no page origin (Node): the header, whatever the host', async () => {
    const stream = await firstRequest('https://api.example.com/ticks', undefined)
    expect(stream.url.searchParams.has('lastEventId')).toBe(false)
    expect(stream.headers['last-event-id']).toBe('k-7')
  })

  it('a reconnect carries the last id seen the same way (cross-origin: query, replacing nothing of the app)', async () => {
    const { net, platform } = browserLike(PAGE)
    const sub = subscribe('https://api.example.com/ticks?room=a', { platform, reconnect: { backoff: () => 0 } })
    await tick()
    expect(net.last.url.searchParams.has('lastEventId')).toBe(false)
    net.last.event({ id: 'x1', data: 1 })
    net.last.end()
    await tick()
    await tick()
    expect(net.streams).toHaveLength(2)
    expect(net.last.url.href).toBe('https://api.example.com/ticks?room=a&lastEventId=x1')
    expect(net.last.headers['last-event-id']).toBeUndefined()
    sub.close()
  })
})
