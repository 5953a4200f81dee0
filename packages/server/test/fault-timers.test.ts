import { describe, expect, it } from 'vitest'
import { createFaultInjector, type FaultInjector } from '../src/testing/index'
import { CLOSE_CODES, parseRetryAfterReason } from '@switchline/client/protocol'
import { helloWs, installCleanup, openRawSse, openWs, publishEach, startServer, subscribeWs, waitFor } from './helpers'
import { createManualTimers } from './manual-timers'

installCleanup()

/** A server and an injector on one manual clock: nothing here waits for real time to pass. */
async function withManualFaults() {
  const clock = createManualTimers()
  const started = await startServer({ timers: clock, now: clock.now, heartbeatMs: 60_000 })
  const faults = createFaultInjector(started.server, { now: clock.now, timers: clock })
  return { ...started, clock, faults }
}

const isEvent = (f: Record<string, unknown>): boolean => f.type === 'event'

/** Waits until `n` writes are held (an asynchronous engine delivers a publish after it resolves). */
const held = (faults: FaultInjector, n: number): Promise<boolean> =>
  waitFor(() => faults.stats().state.heldWrites === n, { what: `${n} held write(s)` })

describe('fault injector timers', () => {
  it('delay(ms) releases a write exactly when the clock reaches ms, in order', async () => {
    const { wsUrl, server, faults, clock } = await withManualFaults()
    const ws = await subscribeWs(wsUrl, 'chat')
    faults.delay(80)
    const ids = await publishEach([1, 2, 3], (n) => server.publish('chat', n))
    await held(faults, 3)
    ws.send({ type: 'ping', id: 1 })
    await held(faults, 4) // 3 events and a pong
    clock.advance(79)
    expect(faults.stats().state.heldWrites).toBe(4)
    clock.advance(1)
    expect(faults.stats().state.heldWrites).toBe(0)
    await ws.waitFor((f) => f.type === 'pong')
    expect(ws.frames.filter((f) => isEvent(f) || f.type === 'pong').map((f) => f.id)).toEqual([...ids, 1])
  })

  it('delay(4000) then reset() releases every delayed write at once, in order, with no timer left', async () => {
    const { wsUrl, baseUrl, server, faults, clock } = await withManualFaults()
    const ws = await subscribeWs(wsUrl, 'chat')
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const pendingBefore = clock.pending() // server timers: idle timeout, heartbeat
    faults.delay(4000)
    const ids = await publishEach([1, 2], (n) => server.publish('chat', n))
    await held(faults, 4)
    expect(clock.pending()).toBe(pendingBefore + 2) // one wake-up per connection
    faults.reset()
    expect(faults.stats().state.heldWrites).toBe(0)
    expect(clock.pending()).toBe(pendingBefore)
    await ws.waitFor(isEvent, 2)
    await sse.waitForEvents((e) => e.event === 'message', 2)
    expect(ws.frames.filter(isEvent).map((f) => f.id)).toEqual(ids)
  })

  it('delay(0) and detach() also release delayed writes at once', async () => {
    const { wsUrl, server, faults, clock } = await withManualFaults()
    const ws = await subscribeWs(wsUrl, 'chat')
    const pendingBefore = clock.pending()
    faults.delay(4000)
    await server.publish('chat', 1)
    await held(faults, 1)
    faults.delay(0)
    expect(faults.stats().state.heldWrites).toBe(0)
    await ws.waitFor(isEvent)
    faults.delay(4000)
    await server.publish('chat', 2)
    await held(faults, 1)
    faults.detach()
    expect(faults.stats().state.heldWrites).toBe(0)
    expect(clock.pending()).toBe(pendingBefore)
    await ws.waitFor(isEvent, 2)
  })

  it('a stall outlives delay(0): stalled writes stay held until the stall ends', async () => {
    const { wsUrl, server, faults } = await withManualFaults()
    const ws = await subscribeWs(wsUrl, 'chat')
    faults.delay(4000)
    faults.stall(true)
    await server.publish('chat', 1)
    await held(faults, 1)
    faults.delay(0)
    expect(faults.stats().state.heldWrites).toBe(1)
    faults.stall(false)
    expect(faults.stats().state.heldWrites).toBe(0)
    await ws.waitFor(isEvent)
  })

  it("a closed connection's held writes and wake-up timer are forgotten", async () => {
    const { wsUrl, server, faults, clock } = await withManualFaults()
    const ws = await subscribeWs(wsUrl, 'chat')
    faults.delay(4000)
    await server.publish('chat', 1)
    await held(faults, 1)
    ws.ws.close()
    await waitFor(() => server.stats().ws.open === 0, { what: 'the server to see the close' })
    expect(faults.stats().state.heldWrites).toBe(0)
    expect(clock.pending()).toBe(0)
  })

  it('restart({ downMs }): upgrades are accepted and closed 1013 retry-after=<remaining ms> until the clock is up', async () => {
    const { wsUrl, baseUrl, server, faults, clock } = await withManualFaults()
    const before = await helloWs(wsUrl)
    faults.restart({ keepLog: true, downMs: 1500 })
    expect((await before.closed).code).toBe(CLOSE_CODES.restart)
    const closeOf = async (): Promise<{ code: number; reason: string }> => {
      const ws = openWs(wsUrl)
      await ws.opened // the browser's WebSocket sees open, then the close code and reason
      return ws.closed
    }
    expect(await closeOf()).toEqual({ code: CLOSE_CODES.try_again_later, reason: 'retry-after=1500' })
    clock.advance(1000)
    expect(await closeOf()).toEqual({ code: CLOSE_CODES.try_again_later, reason: 'retry-after=500' })
    const sse = await fetch(`${baseUrl}/sse?channels=chat`)
    expect([sse.status, sse.headers.get('retry-after')]).toEqual([503, '1']) // SSE and publish keep 503
    await sse.body?.cancel()
    clock.advance(499)
    expect(parseRetryAfterReason((await closeOf()).reason)).toBe(1)
    clock.advance(1)
    await helloWs(wsUrl)
    expect(faults.stats().refusedWhileDown).toBe(4)
    expect(server.stats().ws).toMatchObject({ accepted: 2, closedAtUpgrade: 3, upgradesRefused: 0 })
  })

  it('server.close() clears every held write and timer (server and injector on the same clock)', async () => {
    const { wsUrl, baseUrl, server, faults, clock } = await withManualFaults()
    await subscribeWs(wsUrl, 'chat')
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    faults.delay(4000)
    await server.publish('chat', 1)
    // On an asynchronous engine the publish resolves when the append is acknowledged; its deliveries follow.
    await held(faults, 2)
    faults.stall(true)
    await server.publish('chat', 2)
    await held(faults, 4)
    expect(clock.pending()).toBeGreaterThan(0)
    await server.close()
    expect(faults.stats().state.heldWrites).toBe(0)
    expect(clock.pending()).toBe(0)
  })
})
