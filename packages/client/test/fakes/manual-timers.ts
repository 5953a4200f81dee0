/** A manual clock implementing `Timers`: time moves only when a test calls `advance(ms)`. */
import type { Timers } from '../../src/core/timers'

export interface ManualTimers extends Timers {
  /** Timers scheduled and neither fired nor cleared. */
  readonly pending: number
  /** Moves time forward, firing due timers in order (including ones scheduled while advancing). */
  advance(ms: number): void
}

export function manualTimers(start = 1_700_000_000_000): ManualTimers {
  let now = start
  let nextId = 1
  const scheduled = new Map<number, { at: number; fn: () => void }>()
  return {
    setTimeout(fn, ms) {
      const id = nextId++
      scheduled.set(id, { at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(handle) {
      scheduled.delete(handle as number)
    },
    now: () => now,
    get pending() {
      return scheduled.size
    },
    advance(ms) {
      const target = now + ms
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined
        for (const entry of scheduled) if (entry[1].at <= target && (!due || entry[1].at < due[1].at)) due = entry
        if (!due) break
        scheduled.delete(due[0])
        now = due[1].at
        due[1].fn()
      }
      now = target
    },
  }
}
