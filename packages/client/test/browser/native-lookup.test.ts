/**
 * Native `WebSocket`, `fetch` and `EventSource` are looked up when a connection is made, never captured at import:
 * a replacement installed after the SDK loaded (msw, a polyfill, a test double) is the one used.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createClient, subscribe } from '../../src/index'
import { baseUrl, publish } from './support'

const NativeWebSocket = globalThis.WebSocket
const NativeEventSource = globalThis.EventSource
const NativeFetch = globalThis.fetch

afterEach(() => {
  globalThis.WebSocket = NativeWebSocket
  globalThis.EventSource = NativeEventSource
  globalThis.fetch = NativeFetch
})

/** Records the URLs it was constructed with and otherwise behaves like the native class. */
function recording<T extends new (...args: never[]) => object>(Native: T): { Class: T; urls: string[] } {
  const urls: string[] = []
  const Class = class extends (Native as unknown as new (...args: unknown[]) => object) {
    constructor(...args: unknown[]) {
      urls.push(String(args[0]))
      super(...args)
    }
  } as unknown as T
  return { Class, urls }
}

describe('native transports are looked up at connect time', () => {
  it('uses a WebSocket installed after the SDK was imported', async () => {
    const ws = recording(NativeWebSocket)
    globalThis.WebSocket = ws.Class
    const rt = createClient<{ chat: { receive: unknown; send: unknown } }>({ url: baseUrl(), sendChannels: ['chat'] })
    const seen: unknown[] = []
    const chat = rt.subscribe('chat', { onEvent: (data) => seen.push(data) })
    await vi.waitFor(() => expect(chat.state).toBe('open'))
    expect(chat.transport).toBe('websocket')
    expect(ws.urls).toHaveLength(1)
    expect(ws.urls[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/rt\/ws$/)
    await publish('chat', { text: 'hi' })
    await vi.waitFor(() => expect(seen).toEqual([{ text: 'hi' }]))
    rt.close()
  })

  it("sse: 'eventsource' uses an EventSource installed after the SDK was imported", async () => {
    const es = recording(NativeEventSource)
    globalThis.EventSource = es.Class
    const seen: string[] = []
    const sub = subscribe(`${baseUrl()}/sse?channels=chat`, {
      sse: 'eventsource',
      format: 'text',
      onEvent: (data) => seen.push(String(data)),
    })
    await vi.waitFor(() => expect(sub.state).toBe('open'))
    expect(sub.transport).toBe('sse')
    expect(es.urls[0]).toContain('/rt/sse?channels=chat')
    await publish('chat', { text: 'now' })
    await vi.waitFor(() => expect(seen.some((s) => s.includes('"text":"now"'))).toBe(true))
    sub.close()
  })

  it("sse: 'auto' streams over a fetch installed after the SDK was imported, not EventSource (ADR 0008)", async () => {
    const es = recording(NativeEventSource)
    globalThis.EventSource = es.Class
    const urls: string[] = []
    globalThis.fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return NativeFetch(input, init)
    }
    const seen: string[] = []
    const sub = subscribe(`${baseUrl()}/sse?channels=chat`, {
      format: 'text',
      onEvent: (data) => seen.push(String(data)),
    })
    await vi.waitFor(() => expect(sub.state).toBe('open'))
    expect(urls.filter((url) => url.includes('/rt/sse?channels=chat'))).toHaveLength(1)
    expect(es.urls).toEqual([])
    globalThis.fetch = NativeFetch
    await publish('chat', { text: 'over fetch' })
    await vi.waitFor(() => expect(seen.some((s) => s.includes('"text":"over fetch"'))).toBe(true))
    sub.close()
  })

  it('rides the native transports per channel against a real server', async () => {
    const rt = createClient<{ ticker: { receive: unknown }; chat: { receive: unknown; send: { text: string } } }>({
      url: baseUrl(),
      sendChannels: ['chat'],
    })
    const ticker = rt.subscribe('ticker')
    const chat = rt.subscribe('chat')
    await vi.waitFor(() => expect([ticker.state, chat.state]).toEqual(['open', 'open']))
    expect([ticker.transport, chat.transport]).toEqual(['sse', 'websocket'])
    const { eventId } = await chat.send({ text: 'from the browser' })
    expect(eventId).toMatch(/^[a-z0-9]+-\d+$/)
    await vi.waitFor(() => expect(chat.lastEventId).toBe(eventId))
    rt.close()
  })
})
