import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventSource as EventSourcePolyfill } from 'eventsource'
import WebSocketPolyfill from 'isomorphic-ws'
import { hasFetch, platformSse, resolvePlatform } from './platform'
import { systemTimers } from '../core/timers'
import { openNodeHttpSse } from '../sse/sse-node-http'

describe('resolvePlatform (Node defaults)', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('falls back to the ws and eventsource packages when no globals exist', () => {
    vi.stubGlobal('WebSocket', undefined)
    vi.stubGlobal('EventSource', undefined)
    const platform = resolvePlatform()
    expect(platform.WebSocket).toBe(WebSocketPolyfill)
    expect(platform.EventSource).toBe(EventSourcePolyfill)
    expect(platform.timers).toBe(systemTimers)
    expect(platform.online.isOnline()).toBe(true)
    expect(platform.visibility.isVisible()).toBe(true)
  })

  it('prefers globals looked up at call time, not at import', () => {
    class FakeWebSocket {}
    class FakeEventSource {}
    vi.stubGlobal('WebSocket', FakeWebSocket)
    vi.stubGlobal('EventSource', FakeEventSource)
    const platform = resolvePlatform()
    expect(platform.WebSocket).toBe(FakeWebSocket)
    expect(platform.EventSource).toBe(FakeEventSource)
  })

  it('calls the global fetch at call time', async () => {
    const fake = vi.fn(async () => new Response('hi'))
    const platform = resolvePlatform()
    vi.stubGlobal('fetch', fake)
    const res = await platform.fetch('http://127.0.0.1/x')
    expect(await res.text()).toBe('hi')
    expect(fake).toHaveBeenCalledOnce()
  })

  it('applies overrides, including an explicit EventSource: undefined', () => {
    const random = (): number => 0.5
    const platform = resolvePlatform({ random, EventSource: undefined })
    expect(platform.random).toBe(random)
    expect(platform.EventSource).toBeUndefined()
  })

  it('streams SSE over node:http unless the app injects its own fetch', () => {
    expect(platformSse?.(resolvePlatform())).toBe(openNodeHttpSse)
    expect(platformSse?.(resolvePlatform({ random: () => 0.5 }))).toBe(openNodeHttpSse)
    const fetch = (async () => new Response('')) as typeof globalThis.fetch
    expect(platformSse?.(resolvePlatform({ fetch }))).toBeUndefined()
  })
  it('has no page origin in Node, even with a location global (Node knows no CORS); an injected one wins', () => {
    vi.stubGlobal('location', { origin: 'http://app.test', href: 'http://app.test/' })
    expect(resolvePlatform().pageOrigin).toBeUndefined()
    expect(resolvePlatform({ pageOrigin: 'http://app.test' }).pageOrigin).toBe('http://app.test')
  })

  it('hasFetch: the global fetch looked up now, or an injected one', () => {
    expect(hasFetch(resolvePlatform())).toBe(true)
    vi.stubGlobal('fetch', undefined)
    expect(hasFetch(resolvePlatform())).toBe(false)
    const fetch = (async () => new Response('')) as typeof globalThis.fetch
    expect(hasFetch(resolvePlatform({ fetch }))).toBe(true)
  })
})
