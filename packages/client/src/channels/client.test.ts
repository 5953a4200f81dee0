import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectCode, mulberry32, settle, tick } from '../../test/support'
import { fakeOnline, fakeVisibility } from '../../test/fakes/platform'
import { FakeWebSocket } from '../../test/fakes/websocket'
import { createFakeFetch, fakeClientOptions, ready } from '../../test/support/fake-connections'
import { createClient, createClientWith } from './client'
import type { SwitchlineError } from '../core/errors'
import type { WebSocketConstructor } from '../core/platform-types'
import { createWsBlockRegistry } from './transport-choice'
import type { ClientOptions, StateChange, Subscription, TransportChange } from '../types'

type Schema = {
  ticker: { receive: { n: number } }
  chat: { receive: { text: string }; send: { text: string } }
}

function setup(extra: Partial<ClientOptions> = {}) {
  const net = createFakeFetch()
  const registry = createWsBlockRegistry()
  const client = createClientWith<Schema>(fakeClientOptions(net, extra), registry)
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

  it('a path is resolved against the page in a browser (as fetch does); in Node it is an invalid_options error', async () => {
    expect(() => createClient({ url: '/rt' })).toThrow(
      expect.objectContaining({ code: 'invalid_options', message: expect.stringMatching(/a path in a browser/) }),
    )
    vi.stubGlobal('location', { href: 'https://app.example.test/inbox/today' })
    try {
      const { net, client } = setup({ url: '/rt/' })
      client.subscribe('ticker')
      client.subscribe('chat')
      await tick()
      expect(net.last.url.toString()).toBe('https://app.example.test/rt/sse?channels=ticker')
      expect(FakeWebSocket.last.url).toBe('wss://app.example.test/rt/ws')
      client.close()
    } finally {
      vi.unstubAllGlobals()
    }
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

  it('onTransport reports each move once — blocked → SSE + POST (with reprobeAt), a failed re-probe, re-probed → WebSocket — with no event needed', async () => {
    const perClient: string[] = []
    const { net, client } = setup({ onTransport: (c) => perClient.push(`${c.channel}: ${c.from}→${c.to}`) })
    const changes: Array<{ change: TransportChange; member: string | undefined; state: string | undefined }> = []
    const states: StateChange[] = []
    let chat: Subscription<{ text: string }, { text: string }> | undefined
    chat = client.subscribe('chat', {
      key: 'a',
      onTransport: (change) => changes.push({ change, member: chat?.transport, state: chat?.state }),
      onState: (s) => states.push(s),
    })
    expect(changes.map((c) => c.change)).toEqual([{ from: undefined, to: 'websocket', reason: 'sends → WebSocket' }])
    await tick()
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.subscribed('chat:a')
    expect(chat.state).toBe('open')

    // The socket drops; two refused upgrades mark WebSocket blocked.
    const blockedAt = Date.now()
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    await tick()
    const reprobeAt = blockedAt + 200 + 5000
    expect(changes.map((c) => c.change).slice(1)).toEqual([
      { from: 'websocket', to: 'sse', reason: 'WebSocket blocked → SSE + POST', reprobeAt },
    ])
    expect(changes[1]?.member).toBe('sse') // the member had changed when the callback ran
    expect(client.reprobeAt).toBe(reprobeAt)
    ready(net.last)
    await tick()
    expect(chat.state).toBe('open')

    // The re-probe fails twice before open: still blocked, no transport change, the next re-probe is scheduled.
    const sockets = FakeWebSocket.instances.length
    await vi.advanceTimersByTimeAsync(reprobeAt - Date.now())
    expect(FakeWebSocket.instances.length).toBe(sockets + 1)
    expect(client.reprobeAt).toBeUndefined() // under way
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    await tick()
    expect(changes).toHaveLength(2)
    expect(client.reprobeAt).toBe(Date.now() + 5000)

    // The next re-probe works: the open channel moves back without any event or state change.
    const statesBefore = states.length
    await vi.advanceTimersByTimeAsync(5000)
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.subscribed('chat:a')
    expect(changes.map((c) => c.change).slice(2)).toEqual([
      { from: 'sse', to: 'websocket', reason: 'sends → WebSocket' },
    ])
    expect(changes[2]).toMatchObject({ member: 'websocket', state: 'open' })
    expect(states.length).toBe(statesBefore)
    expect(client.reprobeAt).toBeUndefined()
    expect(perClient).toEqual(['chat:a: undefined→websocket', 'chat:a: websocket→sse', 'chat:a: sse→websocket'])
    client.close()
  })

  it('a client that finds its origin already blocked (another client learnt it) rides SSE + POST and re-probes when the block ends', async () => {
    const { client, registry } = setup()
    const until = Date.now() + 3000
    registry.markBlocked('http://example.test', until)
    const changes: TransportChange[] = []
    const chat = client.subscribe('chat', { key: 'a', onTransport: (c) => changes.push(c) })
    expect(changes).toEqual([
      { from: undefined, to: 'sse', reason: 'WebSocket blocked → SSE + POST', reprobeAt: until },
    ])
    expect(client.reprobeAt).toBe(until)
    await vi.advanceTimersByTimeAsync(2999)
    expect(FakeWebSocket.instances).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeWebSocket.instances).toHaveLength(1)
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.subscribed('chat:a')
    expect(chat.transport).toBe('websocket')
    expect(changes.at(-1)).toEqual({ from: 'sse', to: 'websocket', reason: 'sends → WebSocket' })
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
    expect(((await settle(sendB({ text: 'late' }))) as { reason: SwitchlineError }).reason.code).toBe('closed')
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
    expect(((await pending) as { reason: SwitchlineError }).reason.code).toBe('closed')
    await tick()
    expect(net.last.aborted).toBe(true)
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: '' })
    expect(vi.getTimerCount()).toBe(0)
  })

  for (const [what, answer, expected] of [
    [
      '403',
      { status: 403, body: '{"code":"forbidden","message":"no"}' },
      { code: 'http_status', status: 403, protocolCode: 'forbidden' },
    ],
    [
      '404',
      { status: 404, body: '{"code":"not_found","message":"no"}' },
      { code: 'http_status', status: 404, protocolCode: 'not_found' },
    ],
    [
      'a wrong content type',
      { status: 200, body: '<html></html>', headers: { 'content-type': 'text/html' } },
      { code: 'content_type', status: 200 },
    ],
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

  it('channels: ready() resolves at sl-ready, rejects with the fatal error or closed; retried failures reach onError', async () => {
    const { net, client } = setup()
    net.sseAnswers.push({
      status: 503,
      body: '{"code":"unavailable","message":"restarting"}',
      headers: { 'retry-after-ms': '200' },
    })
    const errors: SwitchlineError[] = []
    const ticker = client.subscribe('ticker', { onError: (e) => errors.push(e) })
    const refused = client.subscribe('ticker', { key: 'secret' })
    const leaving = client.subscribe('ticker', { key: 'gone' })
    const settled = (p: Promise<void>) =>
      p.then(
        () => 'open',
        (e: SwitchlineError) => e,
      )
    const tickerReady = settled(ticker.ready())
    const refusedReady = settled(refused.ready())
    const leavingReady = settled(leaving.ready())
    leaving.close()
    expect(await leavingReady).toMatchObject({ code: 'closed' })
    await tick()
    expect(errors).toHaveLength(1)
    const [unavailable] = errors
    expect(unavailable).toMatchObject({
      code: 'http_status',
      status: 503,
      protocolCode: 'unavailable',
      retryAfterMs: 200,
      attempt: 1,
    })
    // retry-after-ms 200 floors the range: 200 + the test backoff's 100 + r × 200
    expect(unavailable?.nextDelayMs).toBeGreaterThanOrEqual(300)
    expect(unavailable?.nextDelayMs).toBeLessThan(500)
    await vi.advanceTimersByTimeAsync(unavailable?.nextDelayMs ?? Number.NaN)
    net.last.event({
      event: 'sl-error',
      data: { code: 'forbidden', message: 'no', channel: 'ticker:secret', fatal: true },
    })
    expect(await refusedReady).toMatchObject({ code: 'protocol', protocolCode: 'forbidden', fatal: true })
    await tick() // the stream restarts without the refused channel
    expect(net.last.url.searchParams.get('channels')).toBe('ticker')
    ready(net.last)
    expect(await tickerReady).toBe('open')
    await expect(ticker.ready()).resolves.toBeUndefined()
    client.close()
  })
})
