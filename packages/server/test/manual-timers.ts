/**
 * A manual clock for tests: inject it as the server's (or fault injector's) `timers` and `now`, then move time
 * with `advance(ms)`. Timers fire in due order (ties in scheduling order), including timers scheduled while
 * advancing. Real sockets keep working because only the injected timers are manual.
 */
import type { TimerFunctions } from '../src/index'

interface Scheduled {
  id: number
  dueAt: number
  fn: () => void
  /** Repeat period for intervals. */
  everyMs: number | undefined
}

/** The manual timers and clock. */
export interface ManualTimers extends TimerFunctions {
  /** The current time in ms. */
  now(): number
  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void
  /** Timers and intervals scheduled and not cleared. */
  pending(): number
}

/** Creates a manual clock starting at `startMs`. */
export function createManualTimers(startMs = 1_700_000_000_000): ManualTimers {
  let now = startMs
  let nextId = 0
  const scheduled = new Map<number, Scheduled>()
  const schedule = (fn: () => void, ms: number, everyMs: number | undefined): number => {
    const id = ++nextId
    scheduled.set(id, { id, dueAt: now + Math.max(0, ms), fn, everyMs })
    return id
  }
  const clear = (handle: unknown): void => void scheduled.delete(handle as number)
  const nextDue = (until: number): Scheduled | undefined => {
    let best: Scheduled | undefined
    for (const s of scheduled.values()) {
      if (s.dueAt <= until && (!best || s.dueAt < best.dueAt || (s.dueAt === best.dueAt && s.id < best.id))) best = s
    }
    return best
  }
  return {
    now: () => now,
    setTimeout: (fn, ms) => schedule(fn, ms, undefined),
    clearTimeout: clear,
    setInterval: (fn, ms) => schedule(fn, ms, Math.max(1, ms)),
    clearInterval: clear,
    advance(ms) {
      const until = now + ms
      for (let due = nextDue(until); due; due = nextDue(until)) {
        now = due.dueAt
        if (due.everyMs === undefined) scheduled.delete(due.id)
        else due.dueAt += due.everyMs
        due.fn()
      }
      now = until
    },
    pending: () => scheduled.size,
  }
}
