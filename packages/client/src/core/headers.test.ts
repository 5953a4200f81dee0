import { describe, expect, it, vi } from 'vitest'
import { createFakeFetch } from '../../test/support/fake-connections'
import { recordingMember } from '../../test/support/fake-member'
import { createCursorTracker } from './dedupe'
import { headerProblem, normalizeHeaders, setDefaultHeader, utf8ByteString } from './headers'
import { createHttpPublisher } from '../channels/http-publisher'
import { resolvePlatform } from '../platform/platform'
import { createSseSession } from '../channels/sse-session'
import { subscribe } from '../raw/subscribe'

describe('header names are case-insensitive', () => {
  it('normalizeHeaders lower-cases; the last of a name given twice wins; setDefaultHeader never overrides', () => {
    const headers = normalizeHeaders({ 'X-App': '1', Authorization: 'Bearer a', authorization: 'Bearer b' })
    expect(headers).toEqual({ 'x-app': '1', authorization: 'Bearer b' })
    setDefaultHeader(headers, 'authorization', 'Bearer token')
    setDefaultHeader(headers, 'content-type', 'application/json')
    expect(headers).toEqual({ 'x-app': '1', authorization: 'Bearer b', 'content-type': 'application/json' })
  })

  it("publish: the app's Content-Type and Authorization (any case) are sent once and win; the token fills in otherwise", async () => {
    const net = createFakeFetch()
    const platform = resolvePlatform({ fetch: net.fetch })
    const withHeaders = createHttpPublisher({
      baseUrl: 'http://example.test/rt',
      platform,
      token: () => 'from-provider',
      headers: { 'Content-Type': 'application/json; charset=utf-8', AUTHORIZATION: 'Bearer from-app' },
    })
    void withHeaders.publish({ channel: 'chat', data: 1, mid: 'm1' })
    const bare = createHttpPublisher({ baseUrl: 'http://example.test/rt', platform, token: () => 'from-provider' })
    void bare.publish({ channel: 'chat', data: 2, mid: 'm2' })
    await vi.waitFor(() => expect(net.publishes).toHaveLength(2))
    const sent = net.publishes.map((p) => p.headers)
    expect(sent[0]).toEqual({ 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer from-app' })
    expect(sent[1]).toEqual({ 'content-type': 'application/json', authorization: 'Bearer from-provider' })
  })

  it("raw SSE: one header per name; the app's authorization and content-type win, last-event-id is the SDK's", async () => {
    const inits: RequestInit[] = []
    const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      inits.push(init ?? {})
      return new Response(new ReadableStream(), { headers: { 'content-type': 'text/event-stream' } })
    }) as unknown as typeof globalThis.fetch
    const sub = subscribe('https://x.test/s', {
      method: 'POST',
      body: { q: 1 },
      token: () => 'from-provider',
      lastEventId: '7',
      headers: {
        Authorization: 'Bearer from-app',
        'CONTENT-TYPE': 'application/json; charset=utf-8',
        'Last-Event-ID': '1',
        Accept: 'text/plain',
      },
      platform: { fetch, EventSource: undefined },
    })
    await vi.waitFor(() => expect(inits).toHaveLength(1))
    expect(inits[0]?.headers).toEqual({
      authorization: 'Bearer from-app',
      'content-type': 'application/json; charset=utf-8',
      'last-event-id': '7',
      accept: 'text/plain',
    })
    sub.close()
  })

  it("the client's SSE stream: the app's Authorization (any case) wins over the token provider, sent once", async () => {
    const net = createFakeFetch()
    const session = createSseSession({
      baseUrl: 'http://example.test/rt',
      platform: () => resolvePlatform({ fetch: net.fetch, EventSource: undefined }),
      tracker: createCursorTracker(),
      token: () => 'from-provider',
      headers: { Authorization: 'Bearer from-app', 'X-App': '1' },
      supervisor: {
        backoff: () => 100,
        maxAttempts: Infinity,
        resetAfterMs: 5000,
        pauseWhenHidden: false,
        reconnect: true,
      },
    })
    session.add(recordingMember('a'))
    await vi.waitFor(() => expect(net.streams).toHaveLength(1))
    expect(net.last.init?.headers).toEqual({
      accept: 'text/event-stream',
      authorization: 'Bearer from-app',
      'x-app': '1',
    })
    session.close()
  })
})

describe('utf8ByteString and headerProblem (what a header can carry)', () => {
  it('encodes a value as its UTF-8 bytes, one char per byte; ASCII is unchanged', () => {
    expect(utf8ByteString('k3f9a-12')).toBe('k3f9a-12')
    const bytes = (text: string): number[] => [...text].map((c) => c.charCodeAt(0))
    expect(bytes(utf8ByteString('a…é'))).toEqual([0x61, 0xe2, 0x80, 0xa6, 0xc3, 0xa9])
    expect(bytes(utf8ByteString('\ud800'))).toEqual([0xef, 0xbf, 0xbd]) // a lone surrogate → U+FFFD, as browsers do
    expect(headerProblem({ 'last-event-id': utf8ByteString('…日本') })).toBeUndefined()
  })

  it('names the header that cannot be sent, never its value', () => {
    expect(headerProblem({ accept: 'text/event-stream', 'x-latin1': 'café' })).toBeUndefined()
    for (const value of ['Bearer ключ', 'a\r\nb', 'a\nb', 'a\0b']) {
      expect(headerProblem({ authorization: value })).toBe(
        'header "authorization" has NUL, CR, LF or a char above U+00FF',
      )
    }
    expect(headerProblem({ 'bad name': '1' })).toBe('header "bad name" is not a valid field name')
  })
})
