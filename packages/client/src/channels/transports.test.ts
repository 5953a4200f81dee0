/** `ClientOptions.transports`: clients with one transport (SSE only, WebSocket only) and the default (both). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectCode, tick } from '../../test/support'
import { FakeWebSocket } from '../../test/fakes/websocket'
import { createFakeFetch, fakeClientOptions, ready } from '../../test/support/fake-connections'
import { createClient as createClientOver, sseTransport, webSocketTransport } from './index'
import { createMultiplexedClient } from './multiplexed-client'
import { createWsBlockRegistry } from './transport-choice'
import type { ClientOptions, ClientTransport } from '../types'

type Schema = {
  ticker: { receive: { n: number } }
  chat: { receive: { text: string }; send: { text: string } }
}

function setup(transports: readonly ClientTransport[], extra: Partial<ClientOptions> = {}) {
  const net = createFakeFetch()
  const registry = createWsBlockRegistry()
  const client = createMultiplexedClient<Schema>(fakeClientOptions(net, extra), transports, registry)
  return { net, client, registry }
}

describe('createClient transports', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeWebSocket.reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('SSE only: a sending channel uses SSE + POST and no WebSocket is ever opened', async () => {
    const { net, client } = setup([sseTransport])
    const ticker = client.subscribe('ticker')
    const chat = client.subscribe('chat', { key: 'a' })
    await tick()
    expect(chat.transport).toBe('sse')
    expect(chat.transportReason).toBe('sends, no WebSocket transport → SSE + POST')
    expect(ticker.transportReason).toBe('receive-only → SSE')
    expect(net.last.url.searchParams.get('channels')?.split(',').sort()).toEqual(['chat:a', 'ticker'])
    ready(net.last)
    await tick()
    expect(chat.state).toBe('open')
    const sent = chat.send({ text: 'hi' })
    await tick()
    expect(net.publishes).toHaveLength(1)
    expect(net.publishes[0]?.body).toMatchObject({ channel: 'chat:a', data: { text: 'hi' } })
    net.publishes[0]?.respond(200, { eventId: 'e1-3' })
    expect(await sent).toEqual({ eventId: 'e1-3' })
    expect(FakeWebSocket.instances).toHaveLength(0)
    client.close()
  })

  it('SSE only: a WebSocket preference, on the client or a channel, is refused with invalid_options', () => {
    expectCode(() => setup([sseTransport], { transport: 'websocket' }), 'invalid_options')
    const { client } = setup([sseTransport])
    expectCode(() => client.subscribe('chat', { transport: 'websocket' }), 'invalid_options')
    expect(client.subscribe('ticker', { transport: 'sse' }).transportReason).toBe('forced SSE')
    client.close()
  })

  it('WebSocket only: receive-only channels use the WebSocket, and a blocked WebSocket is retried, not left', async () => {
    const { net, client, registry } = setup([webSocketTransport])
    const ticker = client.subscribe('ticker')
    await tick()
    expect(ticker.transport).toBe('websocket')
    expect(ticker.transportReason).toBe('no SSE transport → WebSocket')
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    expect(registry.isBlocked('http://example.test', Date.now())).toBe(true)
    expect(ticker.transport).toBe('websocket')
    expect(FakeWebSocket.instances).toHaveLength(3) // still trying
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.subscribed('ticker')
    await tick()
    expect(ticker.state).toBe('open')
    expect(net.streams).toHaveLength(0)
    expectCode(() => client.subscribe('ticker', { transport: 'sse' }), 'invalid_options')
    client.close()
  })

  it('a WebSocket-only client to an origin another client found blocked still uses the WebSocket', async () => {
    const { client, registry } = setup([webSocketTransport])
    registry.markBlocked('http://example.test', Date.now() + 60_000)
    const chat = client.subscribe('chat')
    await tick()
    expect(chat.transport).toBe('websocket')
    expect(client.reprobeAt).toBeUndefined()
    client.close()
  })

  it('@switchline/client/channels requires transports: none or an empty list is invalid_options', () => {
    expectCode(() => createClientOver({ url: 'http://example.test/rt' } as never), 'invalid_options')
    expectCode(() => createClientOver({ url: 'http://example.test/rt', transports: [] }), 'invalid_options')
    expectCode(
      () => createClientOver({ url: 'http://example.test/rt', transports: [{ kind: 'sse' }] }),
      'invalid_options',
    )
    createClientOver({ url: 'http://example.test/rt', transports: [sseTransport, webSocketTransport] }).close()
  })
})
