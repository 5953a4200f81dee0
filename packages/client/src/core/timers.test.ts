import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clampDelay, createTimerGroup, MAX_TIMER_DELAY_MS, systemTimers, type TimerHandle, type Timers } from './timers'

/** A hand-rolled fake, to check what the group asks of its Timers. */
function recordingTimers() {
  const scheduled = new Map<number, { fn: () => void; ms: number }>()
  let next = 1
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = next++
      scheduled.set(id, { fn, ms })
      return id
    },
    clearTimeout: (handle: TimerHandle) => {
      scheduled.delete(handle as number)
    },
    now: () => 0,
  }
  const fire = (id: number) => {
    const entry = scheduled.get(id)
    scheduled.delete(id)
    entry?.fn()
  }
  return { timers, scheduled, fire }
}

describe('clampDelay', () => {
  it('clamps to [0, 2^31-1] and maps NaN to 0', () => {
    expect(clampDelay(5)).toBe(5)
    expect(clampDelay(0.5)).toBe(0.5)
    expect(clampDelay(-1)).toBe(0)
    expect(clampDelay(Number.NaN)).toBe(0)
    expect(clampDelay(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_DELAY_MS)
    expect(clampDelay(MAX_TIMER_DELAY_MS + 1)).toBe(MAX_TIMER_DELAY_MS)
  })
})

describe('systemTimers', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('uses fake timers installed after import', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const fn = vi.fn()
    systemTimers.setTimeout(fn, 100)
    vi.advanceTimersByTime(99)
    expect(fn).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(fn).toHaveBeenCalledTimes(1)
    expect(systemTimers.now()).toBe(1_000_100)
  })

  it('clearTimeout cancels', () => {
    vi.useFakeTimers()
    const fn = vi.fn()
    const handle = systemTimers.setTimeout(fn, 10)
    systemTimers.clearTimeout(handle)
    vi.advanceTimersByTime(100)
    expect(fn).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('clamps huge delays instead of firing at once', () => {
    vi.useFakeTimers()
    const fn = vi.fn()
    systemTimers.setTimeout(fn, 1e12)
    vi.advanceTimersByTime(1000)
    expect(fn).not.toHaveBeenCalled()
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('reads the real clock without fake timers', () => {
    const before = Date.now()
    const now = systemTimers.now()
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(Date.now())
  })
})

describe('createTimerGroup', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('defaults to systemTimers and tracks pending timers', () => {
    const group = createTimerGroup()
    const a = vi.fn()
    const b = vi.fn()
    group.set(a, 10)
    group.set(b, 20)
    expect(group.pending).toBe(2)
    vi.advanceTimersByTime(10)
    expect(a).toHaveBeenCalledTimes(1)
    expect(group.pending).toBe(1)
    vi.advanceTimersByTime(10)
    expect(b).toHaveBeenCalledTimes(1)
    expect(group.pending).toBe(0)
  })

  it('cancel is idempotent and only affects its timer', () => {
    const group = createTimerGroup()
    const a = vi.fn()
    const b = vi.fn()
    const cancelA = group.set(a, 10)
    group.set(b, 10)
    cancelA()
    cancelA()
    expect(group.pending).toBe(1)
    vi.advanceTimersByTime(10)
    expect(a).not.toHaveBeenCalled()
    expect(b).toHaveBeenCalledTimes(1)
  })

  it('cancel after firing does nothing', () => {
    const { timers, fire, scheduled } = recordingTimers()
    const clear = vi.spyOn(timers, 'clearTimeout')
    const group = createTimerGroup(timers)
    const cancel = group.set(() => {}, 5)
    fire(1)
    cancel()
    expect(clear).not.toHaveBeenCalled()
    expect(scheduled.size).toBe(0)
  })

  it('clearAll cancels everything and leaves no platform timer', () => {
    const group = createTimerGroup()
    const fns = [vi.fn(), vi.fn(), vi.fn()]
    fns.forEach((fn, i) => group.set(fn, 10 * (i + 1)))
    expect(vi.getTimerCount()).toBe(3)
    group.clearAll()
    expect(group.pending).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(1000)
    for (const fn of fns) expect(fn).not.toHaveBeenCalled()
  })

  it('a timer set from a firing callback is tracked', () => {
    const group = createTimerGroup()
    const inner = vi.fn()
    group.set(() => {
      expect(group.pending).toBe(0)
      group.set(inner, 5)
    }, 5)
    vi.advanceTimersByTime(5)
    expect(group.pending).toBe(1)
    vi.advanceTimersByTime(5)
    expect(inner).toHaveBeenCalledTimes(1)
    expect(group.pending).toBe(0)
  })

  it('clearAll from inside a callback cancels the rest', () => {
    const group = createTimerGroup()
    const later = vi.fn()
    group.set(() => group.clearAll(), 5)
    group.set(later, 10)
    vi.advanceTimersByTime(20)
    expect(later).not.toHaveBeenCalled()
    expect(group.pending).toBe(0)
  })

  it('a throwing callback still leaves the group', () => {
    const { timers, fire } = recordingTimers()
    const group = createTimerGroup(timers)
    group.set(() => {
      throw new Error('boom')
    }, 1)
    expect(() => fire(1)).toThrow('boom')
    expect(group.pending).toBe(0)
  })

  it('passes clamped delays to its Timers', () => {
    const { timers, scheduled } = recordingTimers()
    const group = createTimerGroup(timers)
    group.set(() => {}, -5)
    group.set(() => {}, Number.NaN)
    group.set(() => {}, 1e15)
    group.set(() => {}, 250)
    expect([...scheduled.values()].map((s) => s.ms)).toEqual([0, 0, MAX_TIMER_DELAY_MS, 250])
  })

  it('a fire arriving after cancel (stale platform callback) is a no-op', () => {
    const { timers, scheduled } = recordingTimers()
    const group = createTimerGroup(timers)
    const fn = vi.fn()
    const cancel = group.set(fn, 1)
    const stale = scheduled.get(1)!.fn
    cancel()
    stale()
    expect(fn).not.toHaveBeenCalled()
  })
})
