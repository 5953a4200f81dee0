/** Small pure statistics helpers for the benchmarks, and the run order (`rotate`). No I/O. */

/** Sorted copy, ascending. */
export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b)
}

/** The median (mean of the two middle values for an even count). `NaN` for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const s = sorted(values)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/**
 * The `p`-th percentile (0–100) by linear interpolation between closest ranks (the "R-7" / NumPy default).
 * `NaN` for an empty list.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  if (p < 0 || p > 100) throw new RangeError(`percentile must be in [0, 100], got ${p}`)
  const s = sorted(values)
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  const a = s[lo] as number
  const b = s[hi] as number
  return a + (b - a) * (rank - lo)
}

/** Rotates a list by `k` (interleaving order across runs). */
export function rotate<T>(list: readonly T[], k: number): T[] {
  const i = k % list.length
  return [...list.slice(i), ...list.slice(0, i)]
}

/** Arithmetic mean. `NaN` for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}

/** `a / b`, or `null` when either side is missing or `b` is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null
  return a / b
}

/** Counts values into fixed-width buckets `[0, width)`, `[width, 2·width)`, … up to the largest value. */
export function histogram(values: readonly number[], width: number): number[] {
  if (width <= 0) throw new RangeError('bucket width must be positive')
  const buckets: number[] = []
  for (const v of values) {
    const i = Math.max(0, Math.floor(v / width))
    while (buckets.length <= i) buckets.push(0)
    buckets[i] = (buckets[i] as number) + 1
  }
  return buckets
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1), so simulations are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
