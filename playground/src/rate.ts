/** Events per second over a sliding window of one-second buckets (for the sparkline). */
export interface RateTracker {
  record(now: number): void
  /** Counts per second, oldest first, `windowSeconds` long, ending with the current (partial) second. */
  series(now: number): number[]
  /** Events in the last full second. */
  perSecond(now: number): number
}

export function createRateTracker(windowSeconds = 30): RateTracker {
  const buckets = new Map<number, number>()
  const prune = (second: number): void => {
    for (const key of buckets.keys()) if (key <= second - windowSeconds) buckets.delete(key)
  }
  return {
    record(now) {
      const second = Math.floor(now / 1000)
      buckets.set(second, (buckets.get(second) ?? 0) + 1)
      prune(second)
    },
    series(now) {
      const second = Math.floor(now / 1000)
      prune(second)
      return Array.from({ length: windowSeconds }, (_, i) => buckets.get(second - windowSeconds + 1 + i) ?? 0)
    },
    perSecond(now) {
      return buckets.get(Math.floor(now / 1000) - 1) ?? 0
    },
  }
}
