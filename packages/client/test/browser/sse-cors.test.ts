/**
 * SSE over fetch against a real cross-origin server (the test page and the server are on different ports), as the
 * server sees it (ADR 0008): without headers of the app's, the cursor travels as `lastEventId=` and no preflight
 * (`OPTIONS`) is made — the same "simple" request the native `EventSource` makes (`cache: 'no-store'` included);
 * with a token the request is preflighted anyway and the cursor travels as the `Last-Event-ID` header.
 */
import { describe, expect, it } from 'vitest'
import { createClient, subscribe } from '../../src/index'
import { baseUrl, fault, publish, sseRequests, until } from './support'

/** A query parameter the server ignores, so each test sees only its own requests (and its own preflight cache). */
const marker = (): string => `probe=${Math.random().toString(36).slice(2)}`

describe('SSE over fetch, cross-origin', () => {
  it('is cross-origin here', () => {
    expect(new URL(baseUrl()).origin).not.toBe(location.origin)
  })

  it('raw subscribe() resumes with lastEventId in the query, no Last-Event-ID header, no preflight', async () => {
    const first = await publish('chat', { n: 1 })
    await publish('chat', { n: 2 })
    const probe = marker()
    const seen: string[] = []
    const sub = subscribe(`${baseUrl()}/sse?channels=chat&${probe}`, {
      format: 'text',
      events: ['message'], // not sl-ready / sl-heartbeat
      lastEventId: first,
      onEvent: (data) => seen.push(String(data)),
    })
    await until(() => seen.length >= 1)
    expect(seen.map((s) => (JSON.parse(s) as { data: unknown }).data)).toEqual([{ n: 2 }]) // resumed after `first`
    const requests = await sseRequests(probe)
    expect(requests.map((r) => r.method)).toEqual(['GET'])
    expect(requests[0]?.lastEventId).toBeNull()
    expect(new URL(requests[0]!.url, 'http://x').searchParams.get('lastEventId')).toBe(first)
    sub.close()
  })

  it('raw subscribe() with a token: preflighted anyway, so the cursor is the Last-Event-ID header', async () => {
    const first = await publish('chat', { n: 1 })
    await publish('chat', { n: 2 })
    const probe = marker()
    const seen: string[] = []
    const sub = subscribe(`${baseUrl()}/sse?channels=chat&${probe}`, {
      format: 'text',
      events: ['message'], // not sl-ready / sl-heartbeat
      token: () => 'tok',
      lastEventId: first,
      onEvent: (data) => seen.push(String(data)),
    })
    await until(() => seen.length >= 1)
    expect(seen.map((s) => (JSON.parse(s) as { data: unknown }).data)).toEqual([{ n: 2 }])
    const requests = await sseRequests(probe)
    expect(requests.map((r) => r.method)).toEqual(['OPTIONS', 'GET'])
    expect(requests[1]?.lastEventId).toBe(first)
    expect(new URL(requests[1]!.url, 'http://x').searchParams.has('lastEventId')).toBe(false)
    sub.close()
  })

  it('createClient resumes a dropped stream exactly once, with simple requests only', async () => {
    const before = (await sseRequests('')).length
    const rt = createClient<{ chat: { receive: { n: number } } }>({ url: baseUrl() })
    const seen: number[] = []
    const chat = rt.subscribe('chat', { onEvent: (data) => seen.push(data.n) })
    await until(() => chat.state === 'open')
    expect(chat.transport).toBe('sse')
    const a = await publish('chat', { n: 1 })
    await until(() => chat.lastEventId === a)
    await fault('drop', { transport: 'sse' })
    await publish('chat', { n: 2 }) // while down or reconnecting: replayed from the cursor
    await until(() => seen.length >= 2 && chat.state === 'open')
    const b = await publish('chat', { n: 3 })
    await until(() => chat.lastEventId === b)
    expect(seen).toEqual([1, 2, 3])
    const requests = (await sseRequests('')).slice(before)
    expect(requests.every((r) => r.method === 'GET' && r.lastEventId === null)).toBe(true)
    const resumed = requests.map((r) => new URL(r.url, 'http://x').searchParams).filter((q) => q.has('lastEventId'))
    expect(resumed.length).toBeGreaterThanOrEqual(1)
    expect(resumed[0]?.get('since.chat')).toBe(a)
    rt.close()
  })
})
