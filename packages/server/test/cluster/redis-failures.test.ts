/**
 * What a cluster does when Redis fails (docs/protocol.md "Running on more than one instance", the failure table in
 * packages/server/README.md): unreachable → publishes 503 + Retry-After, new streams refused retryably, existing
 * streams stay up, readiness says so; back with its data → the same epoch, subscribers resume; back without it →
 * a new epoch and epoch gaps, never a reused id; the pub/sub connection killed → the instance closes its clients,
 * which resume elsewhere exactly once. Every test here stops, restarts or kills this file's own redis-server.
 */
import { describe, expect, it } from 'vitest'
import { createServer, type AddressInfo } from 'node:net'
import { createClient, exponentialBackoff } from '@switchline/client'
import { parseEventId } from '@switchline/client/protocol'
import { createSwitchlineServer } from '../../src/index'
import { redisEngine, type RedisEngineOptions } from '../../src/redis/index'
import { testRedis, useRedisEngine } from '../engine-under-test'
import {
  channelEvents,
  helloWs,
  installCleanup,
  onCleanup,
  openRawSse,
  openWs,
  postPublish,
  subscribeWs,
  waitFor,
  type Started,
  type SseEvent,
} from '../helpers'
import { range, startCluster } from '../support/cluster'
import { startTcpProxy } from '../support/tcp-proxy'

useRedisEngine()
installCleanup()

/** Reconnect to Redis every 20 ms and give up on a command after 500 ms, so the tests see recovery quickly. */
const FAST: RedisEngineOptions = { commandTimeoutMs: 500, redisOptions: { retryStrategy: () => 20 } }

const isMessage = (e: SseEvent): boolean => e.event === 'message'
const isHeartbeat = (e: SseEvent): boolean => e.event === 'sl-heartbeat'
const portOf = (node: Started): number => Number(new URL(node.url).port)
const bothReady = (nodes: Started[]): Promise<boolean> =>
  waitFor(() => nodes.every((n) => n.server.stats().engine.ready), { timeoutMs: 10_000, what: 'every instance ready' })

async function getReady(
  baseUrl: string,
): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/ready`)
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown>,
  }
}

describe('Redis failures', { timeout: 30_000 }, () => {
  it('Redis unreachable: 503 + Retry-After for publishes and new streams, existing streams stay up, /ready says so; back with its data: same epoch, clients resume exactly', async () => {
    const redis = testRedis()
    const nodes = await startCluster(2, { heartbeatMs: 40 }, FAST)
    const [a, b] = nodes as [Started, Started]
    expect(await getReady(a.baseUrl)).toEqual({
      status: 200,
      retryAfter: null,
      body: { ready: true, engine: 'redis', state: 'ready', epoch: a.server.epoch },
    })
    const epoch = a.server.epoch
    const sse = await openRawSse(`${a.baseUrl}/sse?channels=chat`)
    const ws = await subscribeWs(a.wsUrl, 'chat')
    const idle = await helloWs(b.wsUrl)
    const before = await b.server.publish('chat', 'before')
    await sse.waitForEvents(isMessage)
    await ws.waitFor((f) => f.type === 'event')

    await redis.stop({ keepData: true })
    await waitFor(() => !a.server.stats().engine.ready && !b.server.stats().engine.ready, {
      what: 'both instances to see Redis gone',
    })
    const down = await getReady(a.baseUrl)
    expect(down).toMatchObject({
      status: 503,
      retryAfter: '1',
      body: { ready: false, engine: 'redis', state: 'degraded', code: 'unavailable', fatal: false },
    })
    const refused = await postPublish(b.baseUrl, { channel: 'chat', data: 'lost?', mid: 'retry-me' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.json).toMatchObject({ code: 'unavailable', fatal: false })
    await expect(a.server.publish('chat', 'x')).rejects.toMatchObject({
      name: 'UnavailableError',
      code: 'unavailable',
      retryAfterSeconds: 1,
    })
    const newSse = await openRawSse(`${b.baseUrl}/sse?channels=chat`)
    expect(newSse.response.status).toBe(503)
    expect(newSse.response.headers.get('retry-after')).toBe('1')
    // Closed with the answer: the retry takes a new connection, which a balancer may send elsewhere.
    expect(newSse.response.headers.get('connection')).toBe('close')
    const newWs = openWs(b.wsUrl)
    expect(await newWs.closed).toEqual({ code: 1013, reason: 'retry-after=1000' })
    // A subscribe on an open WebSocket: closed 1013 (an error frame would stop the client for that channel).
    idle.send({ type: 'subscribe', id: 3, channel: 'ticker' })
    expect(await idle.closed).toEqual({ code: 1013, reason: 'retry-after=1000' })
    // The open streams stay up: heartbeats go on, pings are answered.
    const heartbeats = sse.events.filter(isHeartbeat).length
    await sse.waitForEvents(isHeartbeat, heartbeats + 2)
    ws.send({ type: 'ping', id: 9 })
    await ws.waitFor((f) => f.type === 'pong' && f.id === 9)
    expect(sse.isEnded()).toBe(false)

    await redis.start()
    await bothReady(nodes)
    expect((await getReady(b.baseUrl)).status).toBe(200)
    // Live delivery was interrupted (messages may have been lost): the instance closed its clients so they resume.
    expect(await sse.ended).toBe('end')
    expect((await ws.closed).code).toBe(1012)
    const retried = await postPublish(b.baseUrl, { channel: 'chat', data: 'lost?', mid: 'retry-me' })
    const after = await a.server.publish('chat', 'after')
    expect(parseEventId(after)?.epoch).toBe(epoch)
    const resumed = await openRawSse(`${b.baseUrl}/sse?channels=chat`, { 'Last-Event-ID': before })
    await resumed.waitForEvents(isMessage, 2)
    expect(channelEvents(resumed.events).map((e) => e.id)).toEqual([retried.json.eventId, after])
    expect(resumed.events.some((e) => e.event === 'sl-gap')).toBe(false)
  })

  it('Redis restarted without its data: a new epoch, old cursors get an epoch gap, no id is handed out twice', async () => {
    const redis = testRedis()
    const nodes = await startCluster(2, {}, FAST)
    const [a, b] = nodes as [Started, Started]
    const old = [await a.server.publish('chat', 1), await b.server.publish('chat', 2)]
    const live = await openRawSse(`${b.baseUrl}/sse?channels=chat`)
    await live.waitForEvents((e) => e.event === 'sl-ready')

    await redis.restart({ keepData: false })
    expect(await live.ended).toBe('end')
    await bothReady(nodes)
    const fresh = await b.server.publish('chat', 'first of the new log')
    const epoch = parseEventId(fresh)?.epoch
    expect(epoch).not.toBe(parseEventId(old[0] as string)?.epoch)
    await waitFor(() => a.server.epoch === epoch, { what: 'A to know the new epoch' })
    const resumed = await openRawSse(`${a.baseUrl}/sse?channels=chat`, { 'Last-Event-ID': old[1] as string })
    await resumed.waitForEvents(isMessage)
    expect(
      resumed.events
        .filter((e) => e.event !== 'sl-ready')
        .map((e) => [e.event, e.event === 'sl-gap' ? JSON.parse(e.data) : e.id]),
    ).toEqual([
      ['sl-gap', { channel: 'chat', from: old[1], to: fresh, reason: 'epoch' }],
      ['message', fresh],
    ])
    expect(fresh).toBe(`${epoch}-1`)
  })

  it('the pub/sub connection killed under load (CLIENT KILL TYPE pubsub): the instance closes its clients, they resume (through the proxy, on the other one) exactly once, in order', async () => {
    const redis = testRedis()
    const nodes = await startCluster(2, { retryMs: 10 }, FAST)
    const [a, b] = nodes as [Started, Started]
    const proxy = await startTcpProxy(portOf(a))
    onCleanup(() => proxy.close())
    type Schema = { ticker: { receive: { n: number } }; chat: { receive: { n: number }; send: { n: number } } }
    const rt = createClient<Schema>({
      url: `${proxy.url}/rt`,
      sendChannels: ['chat'],
      reconnect: { backoff: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 50 }) },
    })
    onCleanup(() => rt.close())
    const got = { ticker: [] as number[], chat: [] as number[] }
    const ticker = rt.subscribe('ticker', { onEvent: (d) => void got.ticker.push(d.n) })
    const chat = rt.subscribe('chat', { onEvent: (d) => void got.chat.push(d.n) })
    await waitFor(() => ticker.state === 'open' && chat.state === 'open', { what: 'both channels open' })
    expect([ticker.transport, chat.transport]).toEqual(['sse', 'websocket'])

    const total = 1000
    for (const n of range(total)) {
      await b.server.publish(n % 2 === 0 ? 'ticker' : 'chat', { n })
      if (n === 300) {
        proxy.switchTo(portOf(b))
        // A's pub/sub connection (B's has no subscription, so it is not in pub/sub mode)
        expect(await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(':1\r\n')
      }
      if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await waitFor(() => got.ticker.length >= total / 2 && got.chat.length >= total / 2, {
      timeoutMs: 15_000,
      what: `every event (ticker ${got.ticker.length}, chat ${got.chat.length})`,
    })
    expect(got.ticker).toEqual(range(total / 2).map((i) => 2 * i))
    expect(got.chat).toEqual(range(total / 2).map((i) => 2 * i + 1))
    // A closed both streams once its live feed was back, so each transport connected again: the WebSocket on a new
    // TCP connection, which the proxy sent to B; the SSE request may reuse its kept-alive connection to A.
    const accepted = (t: 'sse' | 'ws'): number => a.server.stats()[t].accepted + b.server.stats()[t].accepted
    expect(accepted('sse')).toBeGreaterThanOrEqual(2)
    expect(accepted('ws')).toBeGreaterThanOrEqual(2)
    expect(b.server.stats().ws.accepted).toBeGreaterThanOrEqual(1)
  })

  it('Redis unreachable from the start: /ready answers 503 connecting, publishes and streams are refused retryably, close() does not wait for it', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const server = createSwitchlineServer({
      channels: { chat: { send: true } },
      engine: redisEngine({ url: `redis://127.0.0.1:${port}`, ...FAST }),
    })
    const ready = server.ready()
    const listener = await server.listen()
    onCleanup(() => listener.close())
    expect(server.epoch).toBe('')
    expect(await getReady(listener.baseUrl)).toMatchObject({
      status: 503,
      retryAfter: '1',
      body: { ready: false, state: 'connecting', epoch: null },
    })
    expect((await postPublish(listener.baseUrl, { channel: 'chat', data: 1 })).status).toBe(503)
    expect((await openRawSse(`${listener.baseUrl}/sse?channels=chat`)).response.status).toBe(503)
    await expect(server.publish('chat', 1)).rejects.toMatchObject({ code: 'unavailable' })
    await listener.close()
    await expect(ready).rejects.toThrow('engine closed')
    expect(server.stats().engine).toMatchObject({ ready: false, state: 'closed' })
  })
})
