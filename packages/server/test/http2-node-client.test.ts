/**
 * `@switchline/client` in Node against `listen({ tls })` with a certificate from a private CA. The client's Node
 * transports take no CA option of their own: its SSE rides `node:https` on the global agent, its WebSocket is the
 * platform's `WebSocket` class. So a CA is given the way the server README says — `NODE_EXTRA_CA_CERTS` for the
 * whole process, or in-process `https.globalAgent.options.ca` plus an injected `platform.WebSocket` — and this test
 * does the in-process one (an environment variable is read only when Node starts).
 */
import https from 'node:https'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createClient, subscribe } from '@switchline/client'
import { createSwitchlineServer } from '../src/index'
import { installCleanup, onCleanup, waitFor } from './helpers'
import { testCertificate } from './tls-cert'

installCleanup()

async function startTls() {
  const { cert, key } = testCertificate()
  const server = createSwitchlineServer({ channels: { ticker: { send: false }, chat: { send: true } } })
  const listener = await server.listen({ tls: { cert, key } })
  onCleanup(() => listener.close())
  return { server, listener }
}

/** Trusts the test CA on the global https agent for this test only. */
function trustOnGlobalAgent(): void {
  const options = https.globalAgent.options
  const before = options.ca
  options.ca = testCertificate().ca
  onCleanup(() => {
    options.ca = before
    https.globalAgent.destroy() // no pooled socket made with the test CA outlives the test
  })
}

/** The `ws` class, trusting the test CA: what an app injects as `platform.WebSocket`. */
class TrustingWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { ca: testCertificate().ca })
  }
}

describe('the Node client over https with a private CA', () => {
  it('without the CA it fails with a retryable error naming the certificate; with it, raw subscribe() streams', async () => {
    const { server, listener } = await startTls()
    const url = `${listener.baseUrl}/sse?channels=ticker`
    let failure: { message: string; code: string } | undefined
    const untrusted = subscribe(url, {
      reconnect: false,
      onState: ({ to, error }) => void (to === 'closed' && (failure = error)),
    })
    onCleanup(() => untrusted.close())
    await waitFor(() => failure, { timeoutMs: 5000, what: 'the untrusted attempt to fail' })
    expect(failure?.message).toMatch(/certificate/i)
    expect(server.stats().sse.accepted).toBe(0)

    trustOnGlobalAgent()
    const received: unknown[] = []
    // raw mode sees every SSE event; channel events are the ones with an id (R14)
    const sub = subscribe<{ channel: string; data: unknown }>(url, {
      onEvent: (e, meta) => void (meta.id !== undefined && received.push(e.data)),
    })
    onCleanup(() => sub.close())
    await waitFor(() => sub.state === 'open', { timeoutMs: 5000, what: 'open' })
    await waitFor(() => server.stats().sse.open === 1)
    server.publish('ticker', { n: 1 })
    await waitFor(() => received.length === 1)
    expect(received).toEqual([{ n: 1 }])
  })

  it('createClient: SSE (global agent CA) and WebSocket (injected platform.WebSocket), send acknowledged over wss', async () => {
    const { server, listener } = await startTls()
    trustOnGlobalAgent()
    type Schema = { ticker: { receive: { n: number } }; chat: { receive: string; send: string } }
    const client = createClient<Schema>({
      url: listener.baseUrl,
      sendChannels: ['chat'],
      platform: { WebSocket: TrustingWebSocket as never },
    })
    onCleanup(() => client.close())
    const ticks: number[] = []
    const chat: string[] = []
    const ticker = client.subscribe('ticker', { onEvent: (e) => ticks.push(e.n) })
    const room = client.subscribe('chat', { onEvent: (e) => chat.push(e) })
    await waitFor(() => ticker.state === 'open' && room.state === 'open', { timeoutMs: 5000, what: 'both open' })
    expect([ticker.transport, room.transport]).toEqual(['sse', 'websocket'])
    server.publish('ticker', { n: 7 })
    const { eventId } = (await room.send('hello')) as { eventId: string }
    await waitFor(() => ticks.length === 1 && chat.length === 1)
    expect(ticks).toEqual([7])
    expect(chat).toEqual(['hello'])
    expect(room.lastEventId).toBe(eventId)
  })
})
