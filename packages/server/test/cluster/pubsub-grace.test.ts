/**
 * An instance cut off from Redis's pub/sub while the other is not (decision 0018, `pubsubGraceMs`): its
 * pub/sub connection is killed (`CLIENT KILL TYPE pubsub`) and a TCP proxy in front of Redis refuses every
 * reconnection, so it never comes back. The instance ends its SSE and WebSocket clients once the grace is over —
 * not before, and `/ready` answers `503` all along — and they resume on the other instance with nothing lost or
 * repeated. The cut-off instance runs on manual timers: the grace is over when the test says so, nothing sleeps.
 */
import { describe, expect, it } from 'vitest'
import { createClient, exponentialBackoff } from '@switchline/client'
import type { RedisEngineOptions } from '../../src/redis/index'
import { testRedis, testRedisEngine, uniquePrefix, useRedisEngine } from '../engine-under-test'
import { installCleanup, onCleanup, openRawSse, startServer, waitFor, type Started } from '../helpers'
import { createManualTimers } from '../manual-timers'
import { range } from '../support/cluster'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy'

useRedisEngine()
installCleanup()

const GRACE_MS = 3000
/** Reconnect to Redis every 20 ms (each attempt refused by the proxy closes the connection again). */
const FAST: RedisEngineOptions = { commandTimeoutMs: 500, redisOptions: { retryStrategy: () => 20 } }

const portOf = (node: Started): number => Number(new URL(node.url).port)
const readyStatus = async (node: Started): Promise<number> => (await fetch(`${node.baseUrl}/ready`)).status

/**
 * Instance A (manual timers, on Redis through `redisProxy`, grace {@link GRACE_MS}) and instance B (direct, real
 * timers), one cluster. A announces a one-minute heartbeat, so no client's stall timeout ends a stream here.
 */
async function twoInstances() {
  const redis = testRedis()
  const redisProxy = await startTcpProxy(redis.port)
  onCleanup(() => redisProxy.close())
  const keyPrefix = uniquePrefix()
  const clock = createManualTimers(Date.now())
  const a = await startServer({
    timers: clock,
    heartbeatMs: 60_000,
    retryMs: 10,
    engine: testRedisEngine({
      ...FAST,
      keyPrefix,
      url: `redis://127.0.0.1:${redisProxy.port}`,
      pubsubGraceMs: GRACE_MS,
    }),
  })
  const b = await startServer({ retryMs: 10, engine: testRedisEngine({ ...FAST, keyPrefix }) })
  return { redis, redisProxy, clock, a, b }
}

/** Cuts A's pub/sub connection and keeps it from coming back; resolves once A knows (its engine is not ready). */
async function cutPubsubForGood(redisProxy: TcpProxy, a: Started): Promise<void> {
  redisProxy.refuseNew()
  // A's is the only connection in pub/sub mode: B has no subscriber, so its pub/sub connection subscribed nothing.
  expect(await testRedis().command('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(':1\r\n')
  await waitFor(() => !a.server.stats().engine.ready, { what: 'A to see its pub/sub connection lost' })
}

describe('a pub/sub connection that never comes back', { timeout: 30_000 }, () => {
  it('the instance ends its SSE and WebSocket clients when the grace is over (not before; /ready 503 all along); they resume on the other instance and get every event exactly once, in order', async () => {
    const { redisProxy, clock, a, b } = await twoInstances()
    const balancer = await startTcpProxy(portOf(a))
    onCleanup(() => balancer.close())
    type Schema = { ticker: { receive: { n: number } }; chat: { receive: { n: number }; send: { n: number } } }
    const rt = createClient<Schema>({
      url: `${balancer.url}/rt`,
      sendChannels: ['chat'],
      reconnect: { backoff: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 50 }) },
    })
    onCleanup(() => rt.close())
    const got = { ticker: [] as number[], chat: [] as number[] }
    const reasons: string[] = []
    const onState = (s: { reason?: string }): void => void (s.reason !== undefined && reasons.push(s.reason))
    const ticker = rt.subscribe('ticker', { onEvent: (d) => void got.ticker.push(d.n), onState })
    const chat = rt.subscribe('chat', { onEvent: (d) => void got.chat.push(d.n), onState })
    await waitFor(() => ticker.state === 'open' && chat.state === 'open', { what: 'both channels open' })
    expect([ticker.transport, chat.transport]).toEqual(['sse', 'websocket'])
    const open = (node: Started): [number, number] => [node.server.stats().sse.open, node.server.stats().ws.open]
    expect(open(a)).toEqual([1, 1])

    const total = 300
    const publish = async (from: number, count: number): Promise<void> => {
      for (const n of range(count, from)) await b.server.publish(n % 2 === 0 ? 'ticker' : 'chat', { n })
    }
    const delivered = (count: number, what: string): Promise<boolean> =>
      waitFor(() => got.ticker.length + got.chat.length >= count, {
        timeoutMs: 10_000,
        what: `${what} (ticker ${got.ticker.length}, chat ${got.chat.length})`,
      })
    await publish(0, 100)
    await delivered(100, 'the first 100 events, live from A')

    // The balancer sends new connections to B from now on; A's open ones stay where they are.
    balancer.switchTo(portOf(b))
    await cutPubsubForGood(redisProxy, a)
    expect(await readyStatus(a)).toBe(503)
    expect(await readyStatus(b)).toBe(200)
    await publish(100, 100) // published while A's clients hear nothing
    await waitFor(() => redisProxy.accepted() >= 5, { what: 'A to try (and fail) to reconnect a few times' })
    expect(open(a)).toEqual([1, 1])
    clock.advance(GRACE_MS - 1)
    expect(open(a)).toEqual([1, 1])
    expect(got.ticker.length + got.chat.length).toBe(100)
    expect(await readyStatus(a)).toBe(503)

    clock.advance(1)
    // The SSE stream ends at once; the WebSocket is closed 1012 and leaves when its close handshake is done.
    expect(open(a)[0]).toBe(0)
    await waitFor(() => open(a)[1] === 0, { what: "A's WebSocket closed" })
    await waitFor(() => open(b)[0] === 1 && open(b)[1] === 1, {
      timeoutMs: 10_000,
      what: 'both transports resumed on B',
    })
    expect(await readyStatus(a)).toBe(503) // still cut off: the balancer keeps new streams away from it
    await publish(200, 100)
    await delivered(total, `all ${total} events`)
    expect(got.ticker).toEqual(range(total / 2).map((i) => 2 * i))
    expect(got.chat).toEqual(range(total / 2).map((i) => 2 * i + 1))
    expect(open(a)).toEqual([0, 0])
    // Each transport left A once, and its next connection went to B: the SSE stream's connection ended with it, so
    // no kept-alive connection took the client back to A's 503.
    expect(reasons.sort()).toEqual(['SSE stream ended', 'WebSocket closed with 1012 (restart): live feed interrupted'])
  })

  it('close() while the grace runs leaves no timer behind, and the stream it held ends', async () => {
    const { redisProxy, clock, a } = await twoInstances()
    const sse = await openRawSse(`${a.baseUrl}/sse?channels=chat`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const timers = clock.pending() // the heartbeat's
    await cutPubsubForGood(redisProxy, a)
    expect(clock.pending()).toBe(timers + 1) // and the grace's
    await a.server.close()
    expect(clock.pending()).toBe(0)
    expect(await sse.ended).toBe('end')
  })
})
