/**
 * Seeded pseudo-random numbers for tests. Same seed, same sequence, on every machine: a failing distribution
 * or fuzz test can be replayed by its seed.
 */

/**
 * mulberry32: a tiny 32-bit PRNG (Tommy Ettinger's constants). Returns a function yielding floats in [0, 1).
 * @example
 * const random = mulberry32(42)
 * random() // 0.6011037519201636, every time
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** An integer in `[min, max]` (both inclusive) drawn from `random`. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}

/** Picks one element of a non-empty array. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick() from an empty array')
  return items[randomInt(random, 0, items.length - 1)] as T
}

/** A random string of `length` characters drawn from `alphabet` (an array, so surrogate pairs stay whole). */
export function randomString(random: () => number, length: number, alphabet: readonly string[]): string {
  let out = ''
  for (let i = 0; i < length; i++) out += pick(random, alphabet)
  return out
}
