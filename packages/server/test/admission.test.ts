import { describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '@switchline/client/protocol'
import { createSwitchlineServer } from '../src/index'
import { createFaultInjector } from '../src/testing/index'
import { helloWs, installCleanup, openRawSse, openWs, postPublish, startServer } from './helpers'
import { createManualTimers } from './manual-timers'

installCleanup()

/** A server limited to `max` new connections per second, on a manual clock. */
async function limited(max: number) {
  const clock = createManualTimers()
  const started = await startServer({
    maxConnectionsPerSecond: max,
    allowedOrigins: ['http://app.test'],
    timers: clock,
    now: clock.now,
    heartbeatMs: 60_000,
  })
  return { ...started, clock }
}

/** Opens a WebSocket that the server accepts and closes at once; resolves its close. */
async function closedAtOnce(wsUrl: string): Promise<{ code: number; reason: string }> {
  const ws = openWs(wsUrl)
  await ws.opened
  return ws.closed
}

describe('maxConnectionsPerSecond', () => {
  it('over the rate, SSE answers 503 + Retry-After: 1; WebSocket upgrades are accepted and closed 1013 retry-after=<ms>', async () => {
    const { baseUrl, wsUrl, server, clock } = await limited(2)
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat`) // SSE and WebSocket share the window
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    await helloWs(wsUrl)
    const refused = await fetch(`${baseUrl}/sse?channels=chat`, { headers: { Origin: 'http://app.test' } })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.headers.get('access-control-expose-headers')).toContain('Retry-After') // a page can read it
    expect(await refused.json()).toMatchObject({ code: 'unavailable', fatal: false })
    expect(await closedAtOnce(wsUrl)).toEqual({ code: CLOSE_CODES.try_again_later, reason: 'retry-after=1000' })
    clock.advance(400)
    expect(await closedAtOnce(wsUrl)).toEqual({ code: CLOSE_CODES.try_again_later, reason: 'retry-after=600' })
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(200) // publishes are not limited
    clock.advance(600)
    await helloWs(wsUrl)
    const again = await openRawSse(`${baseUrl}/sse?channels=chat`)
    await again.waitForEvents((e) => e.event === 'sl-ready')
    expect(await closedAtOnce(wsUrl)).toEqual({ code: CLOSE_CODES.try_again_later, reason: 'retry-after=1000' })
    expect(server.stats()).toMatchObject({
      sse: { open: 2, accepted: 2 },
      ws: { open: 2, accepted: 2, upgradesRefused: 0, closedAtUpgrade: 3 },
      admissionLimited: { sse: 1, ws: 3 },
    })
  })

  it('is unlimited by default, and refusals checked before it (origin, subprotocol, faults) take no slot', async () => {
    const unlimited = await startServer()
    await Promise.all([1, 2, 3, 4, 5].map(() => helloWs(unlimited.wsUrl)))
    expect(unlimited.server.stats().admissionLimited).toEqual({ sse: 0, ws: 0 })

    const { wsUrl, server, clock } = await limited(1)
    expect((await openWs(wsUrl, { protocols: ['other'] }).refused).status).toBe(400)
    const faults = createFaultInjector(server, { now: clock.now, timers: clock })
    faults.restart({ keepLog: true, downMs: 100 })
    expect(await closedAtOnce(wsUrl)).toEqual({ code: CLOSE_CODES.try_again_later, reason: 'retry-after=100' })
    clock.advance(100)
    await helloWs(wsUrl)
    expect(server.stats()).toMatchObject({
      admissionLimited: { sse: 0, ws: 0 },
      ws: { closedAtUpgrade: 1, upgradesRefused: 1 },
    })
  })

  it('must be a positive integer (Infinity is unlimited)', () => {
    const channels = { chat: { send: true } }
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => createSwitchlineServer({ channels, maxConnectionsPerSecond: bad })).toThrow(TypeError)
    }
    expect(() => createSwitchlineServer({ channels, maxConnectionsPerSecond: Infinity })).not.toThrow()
  })
})
