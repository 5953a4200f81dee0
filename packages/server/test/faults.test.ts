import { describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '@switchline/client/protocol'
import { bearerToken } from '../src/index'
import { createFaultInjector } from '../src/testing/index'
import {
  channelEvents,
  helloWs,
  installCleanup,
  openEventSource,
  openRawSse,
  openWs,
  postPublish,
  publishEach,
  startServer,
  subscribeWs,
  waitFor,
  withFaults,
} from './helpers'
import { createManualTimers } from './manual-timers'

installCleanup()

async function openSse(baseUrl: string, channels = 'chat') {
  const sse = await openRawSse(`${baseUrl}/sse?channels=${channels}`)
  await sse.waitForEvents((e) => e.event === 'sl-ready')
  return sse
}

// delay(ms) on a manual clock, reset()/delay(0)/detach() releasing delayed writes, and cleanup on close:
// see fault-timers.test.ts.
describe('faults (Node API)', () => {
  it('drop(transport) destroys only that transport without a goodbye; dropAll destroys both', async () => {
    const { baseUrl, wsUrl, faults, server } = await withFaults()
    const sse = await openSse(baseUrl)
    const ws = await helloWs(wsUrl)
    faults.drop('ws')
    expect((await ws.closed).code).toBe(CLOSE_CODES.abnormal)
    expect(sse.isEnded()).toBe(false)
    const ws2 = await helloWs(wsUrl)
    faults.dropAll()
    expect(await sse.ended).toBe('error')
    expect((await ws2.closed).code).toBe(CLOSE_CODES.abnormal)
    expect(faults.stats().dropped).toBe(3)
    expect(server.stats()).toMatchObject({ sse: { open: 0 }, ws: { open: 0 } })
  })

  it('refuseWebSockets(on) answers upgrades 403 (or 502) like a blocking proxy and counts them', async () => {
    const { wsUrl, faults, server } = await withFaults()
    faults.refuseWebSockets(true)
    expect((await openWs(wsUrl).refused).status).toBe(403)
    faults.refuseWebSockets(true, { status: 502 })
    expect((await openWs(wsUrl).refused).status).toBe(502)
    faults.refuseWebSockets(false)
    await openWs(wsUrl).opened
    expect(faults.stats().upgradesRefused).toBe(2)
    expect(server.stats().ws).toMatchObject({ upgradesRefused: 2, accepted: 1 })
  })

  it('stall(on) keeps sockets open and writes nothing (events, heartbeats, pongs) until it ends, then releases in order', async () => {
    const clock = createManualTimers()
    const { baseUrl, wsUrl, faults, server } = await withFaults({ heartbeatMs: 20, timers: clock, now: clock.now })
    const sse = await openSse(baseUrl)
    const ws = await subscribeWs(wsUrl, 'chat')
    faults.stall(true)
    const delivered = server.stats().eventsDelivered
    const ids = await publishEach([1, 2], (n) => server.publish('chat', n))
    clock.advance(60) // three heartbeats
    ws.send({ type: 'ping', id: 1 })
    // held: 2 events + pong on ws; 2 events + 3 heartbeats on SSE
    await waitFor(() => faults.stats().state.heldWrites === 8)
    expect(sse.events.filter((e) => e.event === 'message')).toEqual([])
    expect(ws.frames.filter((f) => f.type === 'event' || f.type === 'pong')).toEqual([])
    expect(server.stats().eventsDelivered).toBe(delivered)
    expect(server.stats()).toMatchObject({ sse: { open: 1 }, ws: { open: 1 } })
    faults.stall(false)
    await ws.waitFor((f) => f.type === 'pong')
    await sse.waitForEvents((e) => e.event === 'message', 2)
    expect(ws.frames.filter((f) => f.type === 'event').map((f) => f.id)).toEqual(ids)
    expect(channelEvents(sse.events).map((e) => e.id)).toEqual(ids)
  })

  it('stall(on, { transport }) stalls one transport only', async () => {
    const { baseUrl, wsUrl, faults, server } = await withFaults({ heartbeatMs: 60_000 })
    const sse = await openSse(baseUrl)
    const ws = await subscribeWs(wsUrl, 'chat')
    faults.stall(true, { transport: 'sse' })
    await server.publish('chat', 1)
    await ws.waitFor((f) => f.type === 'event')
    expect(faults.stats().state).toMatchObject({ stalled: 'sse', heldWrites: 1 })
    expect(sse.events.filter((e) => e.event === 'message')).toEqual([])
    faults.reset()
    await sse.waitForEvents((e) => e.event === 'message')
  })

  it("injectMalformed('sse' | 'ws') sends one malformed event/frame to every open connection", async () => {
    const { baseUrl, wsUrl, faults } = await withFaults()
    const sse = await openSse(baseUrl)
    const es = openEventSource(`${baseUrl}/sse?channels=chat`)
    await waitFor(() => es.received.some((e) => e.type === 'sl-ready'))
    const ws = await helloWs(wsUrl)
    faults.injectMalformed('sse')
    await sse.waitForEvents((e) => e.event === 'message')
    expect(sse.events.find((e) => e.event === 'message')?.data).toBe('{malformed')
    await waitFor(() => es.received.some((e) => e.type === 'message'))
    expect(() => JSON.parse(es.received.find((e) => e.type === 'message')?.data ?? '')).toThrow()
    faults.injectMalformed('ws')
    await waitFor(() => ws.texts.includes('{malformed'))
    expect(faults.stats().malformedInjected).toBe(3)
  })

  it('unauthorizeNext(n): the next n SSE connects, publishes and hellos answer 401 / close 4001', async () => {
    const { baseUrl, wsUrl, faults } = await withFaults()
    faults.unauthorizeNext(3)
    const sse = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(sse.status).toBe(401)
    expect(await sse.json()).toMatchObject({ code: 'unauthorized', fatal: false })
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(401)
    const ws = openWs(wsUrl)
    await ws.opened
    ws.send({ type: 'hello' })
    expect((await ws.closed).code).toBe(CLOSE_CODES.unauthorized)
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(200)
    expect(faults.stats().unauthorizedSent).toBe(3)
  })

  it('unauthorizeNext(n) answers after authenticate and authorize: the hooks see the token of every refused attempt', async () => {
    const seen: string[] = []
    const { baseUrl, wsUrl, faults, server } = await withFaults({
      authenticate: (req) => {
        const token = bearerToken(req)
        seen.push(`authenticate ${token}`)
        return token
      },
      authorize: ({ token, op, channel }) => {
        seen.push(`${op} ${channel ?? '-'} ${token}`)
        return true
      },
    })
    faults.unauthorizeNext(3)
    const sse = await fetch(`${baseUrl}/sse?channels=chat`, { headers: { Authorization: 'Bearer t-sse' } })
    expect(sse.status).toBe(401)
    expect(await sse.json()).toEqual({ code: 'unauthorized', message: 'unauthorized (fault)', fatal: false })
    const pub = await postPublish(baseUrl, { channel: 'chat', data: 1 }, { Authorization: 'Bearer t-pub' })
    expect(pub.status).toBe(401)
    const ws = openWs(wsUrl)
    await ws.opened
    ws.send({ type: 'hello', token: 't-ws' })
    expect(await ws.closed).toEqual({ code: CLOSE_CODES.unauthorized, reason: 'unauthorized (fault)' })
    expect(seen).toEqual([
      'authenticate t-sse',
      'connect - t-sse',
      'subscribe chat t-sse',
      'authenticate t-pub',
      'connect - t-pub',
      'publish chat t-pub',
      'connect - t-ws', // hello.token: authenticate(upgrade request) is only the fallback
    ])
    // The refused publish was not published, and no stream or socket was served.
    expect(server.stats()).toMatchObject({ publishes: 0, sse: { accepted: 0 }, ws: { open: 0 } })
    expect(faults.stats()).toMatchObject({ unauthorizedSent: 3, state: { unauthorizeRemaining: 0 } })
    expect((await postPublish(baseUrl, { channel: 'chat', data: 2 }, { Authorization: 'Bearer t-ok' })).status).toBe(
      200,
    )
    expect(seen.slice(-3)).toEqual(['authenticate t-ok', 'connect - t-ok', 'publish chat t-ok'])
  })

  it('unauthorizeNext(n) counts only attempts the server and its hooks would serve', async () => {
    const { baseUrl, wsUrl, faults } = await withFaults({ authorize: ({ token }) => token !== 'banned' })
    faults.unauthorizeNext(1)
    const banned = { Authorization: 'Bearer banned' }
    expect((await fetch(`${baseUrl}/sse?channels=chat`, { headers: banned })).status).toBe(403)
    expect((await fetch(`${baseUrl}/sse`)).status).toBe(400) // no channels
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 }, banned)).status).toBe(403)
    expect((await postPublish(baseUrl, { channel: 'ticker', data: 1 })).status).toBe(405) // send_not_allowed
    const ws = openWs(wsUrl)
    await ws.opened
    ws.send({ type: 'hello', token: 'banned' })
    expect((await ws.closed).code).toBe(CLOSE_CODES.forbidden)
    expect(faults.stats()).toMatchObject({ unauthorizedSent: 0, state: { unauthorizeRemaining: 1 } })
    const refused = openWs(wsUrl)
    await refused.opened
    refused.send({ type: 'hello', token: 'ok' })
    expect((await refused.closed).code).toBe(CLOSE_CODES.unauthorized)
    expect(faults.stats()).toMatchObject({ unauthorizedSent: 1, state: { unauthorizeRemaining: 0 } })
    await helloWs(wsUrl, 'ok')
  })

  it('R23: stopStreams(): open SSE streams end and SSE answers 204 (eventsource stops) until reset', async () => {
    const { baseUrl, faults } = await withFaults()
    const sse = await openSse(baseUrl)
    faults.stopStreams()
    expect(await sse.ended).toBe('end')
    const res = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(res.status).toBe(204)
    const es = openEventSource(`${baseUrl}/sse?channels=chat`)
    await waitFor(() => es.errors.length > 0)
    expect(es.errors[0]?.code).toBe(204)
    expect(es.es.readyState).toBe(es.es.CLOSED)
    faults.reset()
    const again = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(again.status).toBe(200)
    await again.body?.cancel()
    expect(faults.stats().streamsStopped).toBe(2)
  })

  it('restart({ keepLog: true }): WebSockets close 1012, SSE streams end, epoch and log survive', async () => {
    const { baseUrl, wsUrl, faults, server } = await withFaults()
    const epoch = server.epoch
    const sse = await openSse(baseUrl)
    const ws = await helloWs(wsUrl)
    const cursor = await server.publish('chat', 1)
    const missed = await server.publish('chat', 2)
    faults.restart({ keepLog: true })
    expect((await ws.closed).code).toBe(CLOSE_CODES.restart)
    expect(await sse.ended).toBe('end')
    expect(server.epoch).toBe(epoch)
    const resumed = await subscribeWs(wsUrl, 'chat', cursor)
    await resumed.waitFor((f) => f.type === 'event')
    expect(resumed.frames.filter((f) => f.type === 'event' || f.type === 'gap').map((f) => f.id)).toEqual([missed])
  })

  it('restart({ keepLog: false, downMs }): 503 + Retry-After (WebSocket: 1013) while down, then a new epoch and epoch gaps', async () => {
    let now = 0
    const started = await startServer()
    const faults = createFaultInjector(started.server, { now: () => now })
    const { baseUrl, wsUrl, server } = started
    const oldEpoch = server.epoch
    const cursor = await server.publish('chat', 1)
    faults.restart({ keepLog: false, downMs: 1500 })
    expect(server.epoch).not.toBe(oldEpoch)
    const down = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(down.status).toBe(503)
    expect(down.headers.get('retry-after')).toBe('2')
    const ws = openWs(wsUrl)
    await ws.opened
    expect(await ws.closed).toEqual({ code: CLOSE_CODES.try_again_later, reason: 'retry-after=1500' })
    expect(faults.stats()).toMatchObject({ refusedWhileDown: 2, restarts: 1, state: { downRemainingMs: 1500 } })
    expect(server.stats().ws).toMatchObject({ accepted: 0, upgradesRefused: 0, closedAtUpgrade: 1 })
    now = 1500
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat`, { 'Last-Event-ID': cursor })
    const [gap] = await sse.waitForEvents((e) => e.event === 'sl-gap')
    expect(JSON.parse(gap?.data ?? '')).toEqual({ channel: 'chat', from: cursor, to: null, reason: 'epoch' })
    expect(await server.publish('chat', 2)).toBe(`${server.epoch}-1`)
  })

  it('reset() turns every fault off; detach() removes the hooks', async () => {
    const { baseUrl, wsUrl, faults } = await withFaults()
    faults.refuseWebSockets(true)
    faults.stall(true)
    faults.delay(50)
    faults.unauthorizeNext(5)
    faults.stopStreams()
    faults.reset()
    expect(faults.stats().state).toEqual({
      stalled: false,
      delayMs: 0,
      refusingWebSockets: false,
      stoppingStreams: false,
      unauthorizeRemaining: 0,
      downRemainingMs: 0,
      heldWrites: 0,
    })
    await helloWs(wsUrl)
    faults.unauthorizeNext(1)
    faults.detach()
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(200)
  })
})
