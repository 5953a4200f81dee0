/**
 * The timeline's y scale: logarithmic, fitted to the delays shown. A linear scale against a 5 s cap squeezes every
 * delay under ~0.9 s into the same sliver; on a log scale equal ratios get equal steps (100 → 200 ms as tall a
 * step as 1 → 2 s), which is what jitter is made of.
 */

export interface LogScale {
  /** The delay at the bottom of the plot (a power of ten), and the one at the top (the cap or a longer delay). */
  readonly lo: number
  readonly hi: number
  /** Where `ms` sits, from 0 (at or below `lo`) to 1 (at `hi`). */
  at(ms: number): number
  /** The powers of ten from `lo` to `hi` (tick positions). */
  decades(): number[]
}

/**
 * Fits a scale to `delays` under a cap: the top is the cap (or the longest delay, should a server hint have pushed
 * one above it); the bottom is the power of ten below half the shortest positive delay (so the shortest bar still
 * has height), at least one decade below the top and never under 1 ms.
 * @example
 * const scale = logScale([120, 180, 900], 5000) // lo 10, hi 5000
 * scale.at(180) // ≈ 0.47; scale.at(120) ≈ 0.40; scale.decades() // [10, 100, 1000]
 */
export function logScale(delays: readonly number[], capMs: number): LogScale {
  const hi = Math.max(capMs, ...delays, 10)
  const positive = delays.filter((d) => d > 0)
  const shortest = positive.length > 0 ? Math.min(...positive) : hi / 100
  let lo = 10 ** (Math.ceil(Math.log10(shortest / 2)) - 1)
  lo = Math.max(1, Math.min(lo, 10 ** (Math.ceil(Math.log10(hi)) - 1)))
  const span = Math.log10(hi / lo)
  return {
    lo,
    hi,
    at: (ms) => (ms <= lo ? 0 : Math.min(1, Math.log10(ms / lo) / span)),
    decades() {
      const out: number[] = []
      for (let p = lo; p <= hi; p *= 10) out.push(p)
      return out
    },
  }
}
