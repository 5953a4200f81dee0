import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinger, createWatchdog } from './liveness'
import { systemTimers } from './timers'

describe('createWatchdog', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('fires once after timeoutMs without a kick', () => {
    const onTimeout = vi.fn()
    const watchdog = createWatchdog(systemTimers, 1000, onTimeout)
    vi.advanceTimersByTime(999)
    watchdog.kick()
    vi.advanceTimersByTime(999)
    expect(onTimeout).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onTimeout).toHaveBeenCalledOnce()
    watchdog.kick() // no re-arm after firing
    vi.advanceTimersByTime(5000)
    expect(onTimeout).toHaveBeenCalledOnce()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stop clears the timer; 0 disables', () => {
    const onTimeout = vi.fn()
    const watchdog = createWatchdog(systemTimers, 1000, onTimeout)
    watchdog.stop()
    watchdog.kick()
    expect(vi.getTimerCount()).toBe(0)
    const disabled = createWatchdog(systemTimers, 0, onTimeout)
    disabled.kick()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(10_000)
    expect(onTimeout).not.toHaveBeenCalled()
  })
})

describe('createPinger', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  const setup = () => {
    const sendPing = vi.fn()
    const onTimeout = vi.fn()
    const pinger = createPinger({ timers: systemTimers, intervalMs: 1000, timeoutMs: 300, sendPing, onTimeout })
    return { sendPing, onTimeout, pinger }
  }

  it('pings every interval and stays quiet while pongs arrive', () => {
    const { sendPing, onTimeout, pinger } = setup()
    vi.advanceTimersByTime(1000)
    for (let i = 1; i <= 5; i++) {
      expect(sendPing).toHaveBeenCalledTimes(i)
      vi.advanceTimersByTime(299)
      pinger.pong()
      vi.advanceTimersByTime(701)
    }
    expect(onTimeout).not.toHaveBeenCalled()
    pinger.stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('calls onTimeout once when a pong is late, then holds no timer', () => {
    const { sendPing, onTimeout, pinger } = setup()
    vi.advanceTimersByTime(1300)
    expect(onTimeout).toHaveBeenCalledOnce()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(10_000)
    expect(sendPing).toHaveBeenCalledOnce()
    pinger.pong()
    pinger.stop()
  })

  it('does not stack pings while one is unanswered, and survives a throwing sendPing', () => {
    const sendPing = vi.fn(() => {
      throw new Error('socket gone')
    })
    const onTimeout = vi.fn()
    createPinger({ timers: systemTimers, intervalMs: 100, timeoutMs: 350, sendPing, onTimeout })
    vi.advanceTimersByTime(449)
    expect(sendPing).toHaveBeenCalledOnce()
    expect(onTimeout).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onTimeout).toHaveBeenCalledOnce()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('createWatchdog on elapsed time', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('a kick sets no timer; the one timer re-arms for the remainder since the last kick', () => {
    const onTimeout = vi.fn()
    const watchdog = createWatchdog(systemTimers, 1000, onTimeout)
    expect(vi.getTimerCount()).toBe(1)
    for (let t = 0; t < 10; t++) {
      vi.advanceTimersByTime(50)
      watchdog.kick()
      expect(vi.getTimerCount()).toBe(1)
    }
    // last kick at 500: the timer fires at 1000 and re-arms for 500 more
    vi.advanceTimersByTime(999)
    expect(onTimeout).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onTimeout).toHaveBeenCalledOnce()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('still fires when the clock does not move with the timers (a kick then counts from the check)', () => {
    let fire: (() => void) | undefined
    const timers = { setTimeout: (fn: () => void) => ((fire = fn), 1), clearTimeout: () => {}, now: () => 0 }
    const onTimeout = vi.fn()
    const watchdog = createWatchdog(timers, 1000, onTimeout)
    watchdog.kick()
    fire?.()
    expect(onTimeout).not.toHaveBeenCalled()
    fire?.()
    expect(onTimeout).toHaveBeenCalledOnce()
  })
})
