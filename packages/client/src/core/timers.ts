/**
 * Injectable time. Everything in the client that waits or reads the clock goes through a {@link Timers}, so
 * tests run on fake time and teardown can prove no timer is left behind.
 */

/** An opaque timer handle (a number in browsers, a `Timeout` object in Node). */
export type TimerHandle = unknown

/** The clock and timer functions the client uses. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
  /** Milliseconds since the Unix epoch. */
  now(): number
}

/** The longest delay `setTimeout` honours (2^31 − 1 ms); platforms fire longer ones almost at once. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647

/**
 * Clamps a delay to `[0, max]`; `NaN` becomes 0. (Also the jitter draws' clamp to `[0, 1]`, `max` 1.)
 * @param max - @defaultValue {@link MAX_TIMER_DELAY_MS}
 */
export function clampDelay(ms: number, max = MAX_TIMER_DELAY_MS): number {
  return ms > 0 ? Math.min(ms, max) : 0
}

/**
 * The platform's timers. Looks up `globalThis.setTimeout` / `clearTimeout` / `Date.now` at call time (not at
 * import), so `vi.useFakeTimers()` works after this module was loaded. Delays are clamped with
 * {@link clampDelay}.
 * @example
 * const handle = systemTimers.setTimeout(() => console.log('later'), 1000)
 * systemTimers.clearTimeout(handle)
 */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, clampDelay(ms)),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
  now: () => Date.now(),
}

/** A set of pending timers that can be cancelled together. */
export interface TimerGroup {
  /** Schedules `fn` after `ms` (clamped with {@link clampDelay}); returns an idempotent cancel function. */
  set(fn: () => void, ms: number): () => void
  /** Cancels every pending timer of the group. */
  clearAll(): void
  /** How many timers are scheduled and have neither fired nor been cancelled. */
  readonly pending: number
}

/**
 * Creates a {@link TimerGroup} over `timers`. A timer leaves the group when it fires (before `fn` runs) or is
 * cancelled, so `pending === 0` after teardown proves nothing is left.
 * @param timers - @defaultValue {@link systemTimers}
 * @example
 * const group = createTimerGroup(platform.timers)
 * const cancel = group.set(() => ping(), 15_000)
 * // on close:
 * group.clearAll()
 */
export function createTimerGroup(timers: Timers = systemTimers): TimerGroup {
  const handles = new Set<{ handle: TimerHandle }>()
  return {
    set(fn, ms) {
      const entry = { handle: undefined as TimerHandle }
      entry.handle = timers.setTimeout(() => {
        if (!handles.delete(entry)) return
        fn()
      }, clampDelay(ms))
      handles.add(entry)
      return () => {
        if (handles.delete(entry)) timers.clearTimeout(entry.handle)
      }
    },
    clearAll() {
      const entries = [...handles]
      handles.clear()
      for (const entry of entries) timers.clearTimeout(entry.handle)
    },
    get pending() {
      return handles.size
    },
  }
}
