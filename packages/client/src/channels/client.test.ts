import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectCode, mulberry32, settle, tick } from '../../test/support'
import { fakeOnline, fakeVisibility } from '../../test/fakes/platform'
import { FakeWebSocket } from '../../test/fakes/websocket'
import { createFakeFetch, ready } from '../../test/support/fake-connections'
import { createClient, createClientWith } from './client'
import type { SwitchlineError } from '../core/errors'
import type { WebSocketConstructor } from '../core/platform-types'
import { createWsBlockRegistry } from './transport-choice'
import type { ClientOptions, StateChange } from '../types'

type Schema = {
  ticker: { receive: { n: number } }
  chat: { receive: { text: string }; send: { text: string } }
}

function setup(extra: Partial<ClientOptions> = {}) {
  const net = createFakeFetch()
  const registry = createWsBlockRegistry()
  const client = createClientWith<Schema>(
    {
      url: 'http://example.test/rt/',
      sendChannels: ['chat'],
      reconnect: { backoff: () => 100 },
      reprobeWebSocketMs: 5000,
      platform: {
        fetch: net.fetch,
        WebSocket: FakeWebSocket as unknown as WebSocketConstructor,
        EventSource: undefined,
        random: mulberry32(9),
      },
      ...extra,
    },
    registry,
  )
  return { net, client, registry }
}

describe('createClient', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeWebSocket.reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('rejects bad options with invalid_options', () => {
    expectCode(() => createClient({ url: 'not a url' }), 'invalid_options')
    expectCode(() => createClient({ url: 'ws://example.test/rt' }), 'invalid_options')
    expectCode(() => createClient({ url: 'http://example.test/rt', ackTimeoutMs: -1 }), 'invalid_options')
    const rt = createClient<Schema>({ url: 'http://example.test/rt' })
    expectCode(() => rt.subscribe('chat', { key: 'room/a' }), 'invalid_options')
    expectCode(() => rt.subscribe('bad name' as 'chat'), 'invalid_options')
    rt.close()
  })

  it('checks sendQueue when the client is created, so send() never throws for it', () => {
    expect(() => createClient({ url: 'http://example.test/rt', sendQueue: { maxCount: 0 } })).toThrow(
      expect.objectContaining({ code: 'invalid_options', fatal: true }),
    )
    expect(() => createClient({ url: 'http://example.test/rt', sendQueue: { maxBytes: -1 } })).toThrow(
      expect.objectContaining({ code: 'invalid_options', fatal: true }),
    )
    createClient({ url: 'http://example.test/rt', sendQueue: { maxCount: 5, maxBytes: 1024 } }).close()
  })

  it('receive-only channels ride SSE, sending channels the WebSocket', async () => {
    const connections: string[] = []
    const { net, client } = setup({ onConnectionState: (c) => connections.push(`${c.transport}:${c.from}→${c.to}`) })
    const ticker = client.subscribe('ticker')
    const chat = client.subscribe('chat', { key: 'a' })
    await tick()
    ready(net.last)
    FakeWebSocket.last.welcome()
    await tick()
    expect(connections.sort()).toEqual(['sse:connecting→open', 'websocket:connecting→open'])
    expect(ticker.transport).toBe('sse')
    expect(ticker.transportReason).toBe('receive-only → SSE')
    expect(chat.transport).toBe('websocket')
    expect(chat.transportReason).toBe('sends → WebSocket')
    expect(net.last.url.toString()).toBe('http://example.test/rt/sse?channels=ticker')
    expect(FakeWebSocket.last.url).toBe('ws://example.test/rt/ws')
    client.close()
  })

  it('a blocked WebSocket moves the channel to SSE + POST (same mid), then the re-probe moves it back', async () => {
    const { net, client, registry } = setup()
    const states: StateChange[] = []
    const chat = client.subscribe('chat', { key: 'a', onState: (s) => states.push(s) })
    await tick()
    FakeWebSocket.last.welcome()
    const subscribe = FakeWebSocket.last.sentOf('subscribe')[0]
    FakeWebSocket.last.receive({ type: 'subscribed', id: subscribe?.id, channel: 'chat:a', cursor: 'e1-0' })
    expect(chat.state).toBe('open')
    const sent = chat.send({ text: 'hi' })
    const publish = FakeWebSocket.last.sentOf('publish')[0]
    expect(publish).toMatchObject({ channel: 'chat:a', data: { text: 'hi' }, mid: expect.any(String) })

    // The socket drops before the ack; the next two upgrades are refused.
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    await tick()
    expect(chat.transport).toBe('sse')
    expect(chat.transportReason).toBe('WebSocket blocked → SSE + POST')
    expect(registry.isBlocked('http://example.test', Date.now())).toBe(true)
    expect(net.last.url.searchParams.get('channels')).toBe('chat:a')
    // the unacked message goes out again over POST with the same mid
    expect(net.publishes).toHaveLength(1)
    expect(net.publishes[0]?.body).toEqual({ channel: 'chat:a', data: { text: 'hi' }, mid: publish?.mid })
    net.publishes[0]?.respond(200, { eventId: 'e1-3' })
    expect(await sent).toEqual({ eventId: 'e1-3' })
    ready(net.last)
    await tick()
    expect(chat.state).toBe('open')
    const sockets = FakeWebSocket.instances.length

    // Re-probe after reprobeWebSocketMs: a new WebSocket; the channel moves when it is subscribed there.
    await vi.advanceTimersByTimeAsync(5000)
    expect(FakeWebSocket.instances.length).toBe(sockets + 1)
    FakeWebSocket.last.welcome()
    const again = FakeWebSocket.last.sentOf('subscribe')[0]
    expect(again).toMatchObject({ channel: 'chat:a' })
    FakeWebSocket.last.receive({ type: 'subscribed', id: again?.id, channel: 'chat:a', cursor: 'e1-0' })
    expect(chat.transport).toBe('websocket')
    expect(chat.transportReason).toBe('sends → WebSocket')
    await tick()
    expect(net.last.aborted).toBe(true) // the SSE stream had no channel left
    expect(registry.isBlocked('http://example.test', Date.now())).toBe(false)
    expect(states.map((s) => s.to).at(-1)).toBe('open')
    client.close()
  })

  it('a forced transport is kept; send on an SSE channel goes over POST', async () => {
    const { net, client } = setup()
    const chat = client.subscribe('chat', { key: 'b', transport: 'sse' })
    await tick()
    expect(chat.transportReason).toBe('forced SSE')
    const result = chat.send({ text: 'x' })
    await tick()
    expect(net.publishes[0]?.body).toMatchObject({ channel: 'chat:b', data: { text: 'x' } })
    net.publishes[0]?.respond(405, { code: 'send_not_allowed', message: 'no' })
    const settled = await settle(result)
    expect((settled as { reason: SwitchlineError }).reason).toMatchObject({ code: 'send_unsupported', fatal: true })
    client.close()
  })

  it('two SSE channels send over POST, each with its own channel; destructured send and close work', async () => {
    const { net, client } = setup()
    const { send: sendB, close: closeB } = client.subscribe('chat', { key: 'b', transport: 'sse' })
    const chatC = client.subscribe('chat', { key: 'c', transport: 'sse' })
    await tick()
    const first = settle(sendB({ text: 'b1' }))
    const second = settle(chatC.send({ text: 'c1' }))
    await tick()
    expect(net.publishes.map((p) => (p.body as { channel: string }).channel)).toEqual(['chat:b', 'chat:c'])
    net.publishes[0]?.respond(200, { eventId: 'e-b' })
    net.publishes[1]?.respond(200, { eventId: 'e-c' })
    expect(await first).toMatchObject({ value: { eventId: 'e-b' } })
    expect(await second).toMatchObject({ value: { eventId: 'e-c' } })
    ;[0].forEach(closeB)
    expect((await settle(sendB({ text: 'late' })) as { reason: SwitchlineError }).reason.code).toBe('closed')
    expect(chatC.state).not.toBe('closed')
    client.close()
  })

  it('close() closes every subscription, rejects pending sends, and leaves no timer or socket', async () => {
    const { net, client } = setup()
    const ticker = client.subscribe('ticker')
    const chat = client.subscribe('chat', { key: 'c' })
    await tick()
    ready(net.last)
    FakeWebSocket.last.welcome()
    const pending = settle(chat.send({ text: 'late' }))
    client.close()
    expect(ticker.state).toBe('closed')
    expect(chat.state).toBe('closed')
    expect((await pending as { reason: SwitchlineError }).reason.code).toBe('closed')
    await tick()
    expect(net.last.aborted).toBe(true)
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: '' })
    expect(vi.getTimerCount()).toBe(0)
  })

  for (const [what, answer, expected] of [
    ['403', { status: 403, body: '{"code":"forbidden","message":"no"}' }, { code: 'http_status', status: 403, protocolCode: 'forbidden' }],
    ['404', { status: 404, body: '{"code":"not_found","message":"no"}' }, { code: 'http_status', status: 404, protocolCode: 'not_found' }],
    ['a wrong content type', { status: 200, body: '<html></html>', headers: { 'content-type': 'text/html' } }, { code: 'content_type', status: 200 }],
  ] as const) {
    it(`a fatal answer on the SSE stream (${what}) closes its channels with a typed error, no reconnect loop`, async () => {
      const { net, client } = setup()
      net.sseAnswers.push(answer)
      const errors: SwitchlineError[] = []
      const states: StateChange[] = []
      const ticker = client.subscribe('ticker', { onError: (e) => errors.push(e), onState: (s) => states.push(s) })
      const feed = client.subscribe('ticker', { key: 'b', onError: (e) => errors.push(e) })
      await vi.advanceTimersByTimeAsync(60_000)
      expect(ticker.state).toBe('closed')
      expect(feed.state).toBe('closed')
      expect(states.at(-1)).toMatchObject({ to: 'closed', error: { ...expected, fatal: true } })
      expect(errors.map((e) => e.code)).toEqual([expected.code, expected.code])
      expect(states.filter((s) => s.to === 'reconnecting')).toEqual([])
      expect(net.streams).toHaveLength(0) // one request (the refused one), never retried
      expect(net.sseAnswers).toHaveLength(0)
      expect(vi.getTimerCount()).toBe(0)
      client.close()
    })
  }

  it('close() leaves no listener on the online/visibility sources and no pending timer', async () => {
    const online = fakeOnline()
    const visibility = fakeVisibility()
    const { client } = setup({
      reconnect: { backoff: () => 100, pauseWhenHidden: true },
      platform: {
        fetch: createFakeFetch().fetch,
        WebSocket: FakeWebSocket as unknown as WebSocketConstructor,
        EventSource: undefined,
        random: mulberry32(9),
        online,
        visibility,
      },
    })
    client.subscribe('ticker')
    client.subscribe('chat', { key: 'a' })
    await tick()
    FakeWebSocket.last.welcome()
    await tick()
    expect(online.listeners).toBe(2) // one per connection
    expect(visibility.listeners).toBe(2)
    expect(vi.getTimerCount()).toBeGreaterThan(0)
    client.close()
    await tick()
    expect(online.listeners).toBe(0)
    expect(visibility.listeners).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('an already-aborted signal gives a closed subscription without connecting', async () => {
    const { net, client } = setup()
    const sub = client.subscribe('ticker', { signal: AbortSignal.abort() })
    await tick()
    expect(sub.state).toBe('closed')
    expect(net.streams).toHaveLength(0)
    client.close()
  })
})
