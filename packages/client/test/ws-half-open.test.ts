/**
 * A WebSocket behind a TCP proxy that half-opens: it stops forwarding in both directions and closes nothing, as a
 * NAT or load balancer that lost its state does. The missing pong must drop the socket at once (`ws`'s
 * `terminate()`), not after a closing handshake that can never complete (`close()`: up to 30 s). The client's time
 * is a manual clock; the network is real (127.0.0.1, port 0) and every wait is bounded.
 */
import { describe, expect, it } from 'vitest'
import { createClient } from '../src/channels/client'
import { subscribe } from '../src/raw/subscribe'
import { manualTimers } from './fakes/manual-timers'
import { startServer } from './integration/harness'
import { until, usePlainNet } from './support/plain-net'

const net = usePlainNet()
const PING = { intervalMs: 1000, timeoutMs: 500 }

describe('a half-open WebSocket is terminated on the pong timeout', () => {
  it('raw subscribe() against a plain ws server', async () => {
    const srv = await net.ws((socket) => {
      socket.on('message', (data) => {
        if (String(data) === 'ping') socket.send('pong')
      })
    })
    const proxy = await net.proxy(srv.port)
    const timers = manualTimers()
    const states: string[] = []
    const sub = subscribe(`ws://${proxy.host}/feed`, {
      format: 'text',
      ping: { ...PING, message: 'ping', isPong: (text) => text === 'pong' },
      reconnect: { backoff: () => 60_000 },
      platform: { timers },
      onState: (change) => states.push(change.to),
    })
    try {
      await until(() => states.includes('open') && srv.sockets.length === 1, 'the socket to open')
      proxy.halfOpen()
      timers.advance(PING.intervalMs) // the ping goes into the void
      timers.advance(PING.timeoutMs)
      expect(states.at(-1)).toBe('reconnecting')
      await until(() => proxy.openClientSockets === 0, 'the client to drop its TCP socket')
      await until(() => srv.sockets[0]?.closed !== undefined, 'the server to see the connection go')
      expect(srv.sockets).toHaveLength(1) // the retry waits for its backoff
    } finally {
      sub.close()
    }
  })

  it('createClient against the reference server', async () => {
    const h = await startServer()
    const port = new URL(h.baseUrl).port
    const proxy = await net.proxy(Number(port))
    const timers = manualTimers()
    const rt = createClient({
      url: h.baseUrl.replace(`:${port}`, `:${proxy.host.split(':')[1]}`),
      sendChannels: ['chat'],
      ping: PING,
      reconnect: { backoff: () => 60_000 },
      platform: { timers },
    })
    try {
      const states: string[] = []
      rt.subscribe('chat', { onState: (change) => states.push(change.to) })
      await until(() => states.includes('open'), 'the channel to open')
      expect(h.server.stats().ws.open).toBe(1)
      proxy.halfOpen()
      timers.advance(PING.intervalMs)
      timers.advance(PING.timeoutMs)
      expect(states.at(-1)).toBe('reconnecting')
      await until(() => proxy.openClientSockets === 0, 'the client to drop its TCP socket')
      await until(() => h.server.stats().ws.open === 0, 'the server to see the connection go')
    } finally {
      rt.close()
      await h.close()
    }
  })
})
