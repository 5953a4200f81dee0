import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AttemptTimers } from './attempt-timers'
import { createPinger, DEFAULT_CONNECT_TIMEOUT_MS } from './liveness'
import { systemTimers } from './timers'

describe('AttemptTimers', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('fires the connect timeout once, with its duration, when the attempt does not connect in time', () => {
    const onConnectTimeout = vi.fn()
    const timers = new AttemptTimers(systemTimers, 500, onConnectTimeout)
    expect(timers.connecting).toBe(true)
    vi.advanceTimersByTime(499)
    expect(onConnectTimeout).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onConnectTimeout).toHaveBeenCalledExactlyOnceWith(500)
    expect(timers.connecting).toBe(false)
    vi.advanceTimersByTime(10_000)
    expect(onConnectTimeout).toHaveBeenCalledOnce()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('defaults the connect timeout to DEFAULT_CONNECT_TIMEOUT_MS; 0 means none', () => {
    const onDefault = vi.fn()
    new AttemptTimers(systemTimers, undefined, onDefault)
    vi.advanceTimersByTime(DEFAULT_CONNECT_TIMEOUT_MS - 1)
    expect(onDefault).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onDefault).toHaveBeenCalledExactlyOnceWith(DEFAULT_CONNECT_TIMEOUT_MS)
    const onNone = vi.fn()
    const none = new AttemptTimers(systemTimers, 0, onNone)
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(DEFAULT_CONNECT_TIMEOUT_MS * 2)
    expect(onNone).not.toHaveBeenCalled()
    none.stop()
  })

  it('connected() stops the connect timer and leaves the watchdog running', () => {
    const onConnectTimeout = vi.fn()
    const onStall = vi.fn()
    const timers = new AttemptTimers(systemTimers, 1000, onConnectTimeout)
    timers.watch(300, onStall) // beside the connect timer (SSE: headers came, sl-ready not yet)
    expect(vi.getTimerCount()).toBe(2)
    timers.connected()
    expect(timers.connecting).toBe(false)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(200)
    timers.kick()
    vi.advanceTimersByTime(299)
    expect(onStall).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onStall).toHaveBeenCalledOnce()
    vi.advanceTimersByTime(5000)
    expect(onConnectTimeout).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('watch() again replaces the watchdog: only the new timeout and callback count', () => {
    const first = vi.fn()
    const second = vi.fn()
    const timers = new AttemptTimers(systemTimers, 0, () => {})
    timers.watch(100, first)
    vi.advanceTimersByTime(50)
    timers.watch(1000, second)
    vi.advanceTimersByTime(999)
    expect(first).not.toHaveBeenCalled()
    expect(second).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(second).toHaveBeenCalledOnce()
    expect(first).not.toHaveBeenCalled()
  })

  it('ping() holds one pinger: pings on its interval, pong() keeps it, no pong fires onTimeout', () => {
    const timers = new AttemptTimers(systemTimers, 1000, () => {})
    const sendPing = vi.fn()
    const onTimeout = vi.fn()
    const second = vi.fn()
    timers.connected()
    expect(timers.pinging).toBe(false)
    timers.ping(createPinger({ timers: systemTimers, intervalMs: 100, timeoutMs: 50, sendPing, onTimeout }))
    // A second pinger is stopped at once: one pinger per attempt.
    timers.ping(
      createPinger({ timers: systemTimers, intervalMs: 1, timeoutMs: 1, sendPing: second, onTimeout: second }),
    )
    expect(timers.pinging).toBe(true)
    vi.advanceTimersByTime(100)
    expect(sendPing).toHaveBeenCalledOnce()
    timers.pong()
    vi.advanceTimersByTime(100)
    expect(sendPing).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(50)
    expect(onTimeout).toHaveBeenCalledOnce()
    expect(second).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stop() clears the connect timer, the watchdog and the pinger, and is idempotent', () => {
    const calls = vi.fn()
    const timers = new AttemptTimers(systemTimers, 1000, calls)
    timers.watch(100, calls)
    timers.ping(
      createPinger({ timers: systemTimers, intervalMs: 100, timeoutMs: 50, sendPing: calls, onTimeout: calls }),
    )
    expect(vi.getTimerCount()).toBe(3)
    timers.stop()
    timers.stop()
    expect(vi.getTimerCount()).toBe(0)
    timers.kick()
    timers.pong()
    vi.advanceTimersByTime(10_000)
    expect(calls).not.toHaveBeenCalled()
    expect(timers.connecting).toBe(false)
  })
})
