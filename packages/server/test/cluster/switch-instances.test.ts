/**
 * WebSocket clients behind a load balancer without sticky sessions (a TCP proxy): every few hundred events the
 * proxy moves to the other instance and cuts every connection. Our `createClient` and a plain `ws` client that
 * resumes by hand (R6, R9) each get all 2,000 events exactly once, in order, from both instances.
 */
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createClient, exponentialBackoff } from '@switchline/client'
import { SUBPROTOCOL } from '@switchline/client/protocol'
import { useRedisEngine } from '../engine-under-test'
import { installCleanup, onCleanup, waitFor, type Started } from '../helpers'
import { range, startCluster } from '../support/cluster'
import { startTcpProxy } from '../support/tcp-proxy'

useRedisEngine()
installCleanup()

const EVENTS = 2000
const SWITCH_EVERY = 500

type Schema = { chat: { receive: { n: number }; send: { n: number } } }

const portOf = (node: Started): number => Number(new URL(node.url).port)
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * A plain `ws` client that resumes by itself: on every close it reconnects (at once, at most `maxConnects` times)
 * and subscribes with the id of the last event it got, or the head cursor of its first subscription (R9).
 */
function resumingWsClient(url: string, channel: string, maxConnects = 50) {
  const received: number[] = []
  let cursor: string | undefined
  let connects = 0
  let stopped = false
  let current: WebSocket | undefined
  const connect = (): void => {
    if (stopped || connects >= maxConnects) return
    connects += 1
    const ws = new WebSocket(url, [SUBPROTOCOL])
    current = ws
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })))
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Record<string, unknown>
      if (frame.type === 'welcome') {
        ws.send(
          JSON.stringify(
            cursor === undefined
              ? { type: 'subscribe', id: 1, channel }
              : { type: 'subscribe', id: 1, channel, cursor },
          ),
        )
      } else if (frame.type === 'subscribed') cursor ??= frame.cursor as string
      else if (frame.type === 'event') {
        cursor = frame.id as string
        received.push((frame.data as { n: number }).n)
      }
    })
    ws.on('error', () => undefined)
    ws.on('close', () => setImmediate(connect))
  }
  connect()
  return {
    received,
    connects: () => connects,
    subscribed: () => cursor !== undefined,
    stop() {
      stopped = true
      current?.terminate()
    },
  }
}

describe('switching instances behind a TCP proxy while 2,000 events flow (Redis engine)', { timeout: 60_000 }, () => {
  it('createClient and a plain ws client each get every event exactly once, in order', async () => {
    const [a, b] = await startCluster(2)
    if (!a || !b) throw new Error('cluster')
    const proxy = await startTcpProxy(portOf(a))
    onCleanup(() => proxy.close())

    const received: number[] = []
    const rt = createClient<Schema>({
      url: `${proxy.url}/rt`,
      sendChannels: ['chat'],
      reconnect: { backoff: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 50 }) },
    })
    onCleanup(() => rt.close())
    const sub = rt.subscribe('chat', { onEvent: (data) => void received.push(data.n) })
    const plain = resumingWsClient(`${proxy.url.replace('http', 'ws')}/rt/ws`, 'chat')
    onCleanup(() => plain.stop())
    await waitFor(() => sub.state === 'open' && plain.subscribed(), { what: 'both clients subscribed' })
    expect(sub.transport).toBe('websocket')

    let cuts = 0
    for (const n of range(EVENTS)) {
      await (n % 2 === 0 ? a : b).server.publish('chat', { n })
      if (n % SWITCH_EVERY === SWITCH_EVERY - 1 && n < EVENTS - 1) {
        proxy.switchTo(portOf(cuts % 2 === 0 ? b : a))
        cuts += 1
        expect(proxy.cutAll()).toBeGreaterThanOrEqual(1)
      }
      if (n % 10 === 0) await yieldToIo()
    }
    await waitFor(() => received.length >= EVENTS && plain.received.length >= EVENTS, {
      timeoutMs: 20_000,
      what: `${EVENTS} events on both clients (createClient ${received.length}, ws ${plain.received.length})`,
    })
    expect(received).toEqual(range(EVENTS))
    expect(plain.received).toEqual(range(EVENTS))
    expect(cuts).toBe(3)
    // Both clients were served by both instances: at least two WebSockets each side.
    expect(a.server.stats().ws.accepted).toBeGreaterThanOrEqual(4)
    expect(b.server.stats().ws.accepted).toBeGreaterThanOrEqual(4)
  })
})
