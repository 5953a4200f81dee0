import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../test/support/prng'
import { expectCode } from '../../test/support/thrown'
import { defaultBackoff, exponentialBackoff, MAX_RETRY_HINT_MS, reconnectDelay, type BackoffPolicy } from './backoff'

const ALMOST_ONE = 1 - Number.EPSILON
const zero = () => 0
const top = () => ALMOST_ONE

interface Stats {
  min: number
  max: number
  mean: number
  distinct: number
  deciles: number[]
}

function sample(policy: BackoffPolicy, attempt: number, seed: number, count: number, lo: number, hi: number): Stats {
  const random = mulberry32(seed)
  const values: number[] = []
  for (let i = 0; i < count; i++) values.push(policy(attempt, random))
  const deciles = new Array<number>(10).fill(0)
  for (const v of values) deciles[Math.min(9, Math.floor(((v - lo) / (hi - lo)) * 10))]! += 1
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    mean: values.reduce((a, b) => a + b, 0) / count,
    distinct: new Set(values).size,
    deciles,
  }
}

/** Socket.IO's client backoff (backo2, as in socket.io-client): ±jitter around the exponential, then capped. */
function socketIoDelay(attempt: number, random: () => number, ms = 1000, max = 5000, factor = 2, jitter = 0.5) {
  let delay = ms * factor ** attempt
  const rand = random()
  const deviation = Math.floor(rand * jitter * delay)
  delay = (Math.floor(rand * 10) & 1) === 0 ? delay - deviation : delay + deviation
  return Math.min(delay, max) | 0
}

describe('exponentialBackoff: distribution (seeded)', () => {
  it('at the cap (attempt 20) delays spread uniformly over [0, maxDelayMs)', () => {
    const N = 10_000
    const stats = sample(defaultBackoff, 20, 1234, N, 0, 5000)
    expect(stats.min).toBeGreaterThanOrEqual(0)
    expect(stats.max).toBeLessThanOrEqual(5000)
    // uniform on [0, 5000): mean 2500, sd of the mean ≈ 5000/√12/√N ≈ 14.4; allow > 5 sd
    expect(Math.abs(stats.mean - 2500)).toBeLessThan(85)
    expect(stats.distinct).toBeGreaterThanOrEqual(0.9 * N)
    // every decile holds ~1000 (binomial sd ≈ 30): allow 1000 ± 150
    for (const count of stats.deciles) {
      expect(count).toBeGreaterThan(850)
      expect(count).toBeLessThan(1150)
    }
    // it reaches near both ends
    expect(stats.min).toBeLessThan(5)
    expect(stats.max).toBeGreaterThan(4995)
  })

  it('with minDelayMs the spread is over [minDelayMs, maxDelayMs)', () => {
    const N = 10_000
    const policy = exponentialBackoff({ minDelayMs: 1000, maxDelayMs: 10_000 })
    const stats = sample(policy, 20, 99, N, 1000, 10_000)
    expect(stats.min).toBeGreaterThanOrEqual(1000)
    expect(stats.max).toBeLessThanOrEqual(10_000)
    expect(Math.abs(stats.mean - 5500)).toBeLessThan(200)
    expect(stats.distinct).toBeGreaterThanOrEqual(0.9 * N)
    for (const count of stats.deciles) expect(Math.abs(count - 1000)).toBeLessThan(150)
  })

  it('below the cap, attempt n spreads over [0, initial × factor^n)', () => {
    const stats = sample(defaultBackoff, 1, 5, 10_000, 0, 3000)
    expect(stats.min).toBeGreaterThanOrEqual(0)
    expect(stats.max).toBeLessThan(3000)
    expect(Math.abs(stats.mean - 1500)).toBeLessThan(75)
    for (const count of stats.deciles) expect(Math.abs(count - 1000)).toBeLessThan(150)
  })

  it("Socket.IO's formula collapses onto its cap; ours stays spread", () => {
    const N = 10_000
    const random = mulberry32(2024)
    const theirs = new Set<number>()
    for (let i = 0; i < N; i++) theirs.add(socketIoDelay(20, random))
    // every client that has been failing for a while retries at exactly 5000 ms: a thundering herd
    expect([...theirs]).toEqual([5000])

    const ours = exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 5000 })
    const stats = sample(ours, 20, 2024, N, 0, 5000)
    expect(stats.distinct).toBeGreaterThanOrEqual(0.9 * N)
    expect(stats.max).toBeLessThanOrEqual(5000)
    for (const count of stats.deciles) expect(count).toBeGreaterThan(850)
  })

  it('is pure: the same attempt and random sequence give the same delays', () => {
    const a = mulberry32(7)
    const b = mulberry32(7)
    for (let attempt = 0; attempt < 50; attempt++) expect(defaultBackoff(attempt, a)).toBe(defaultBackoff(attempt, b))
  })
})

describe('exponentialBackoff: bounds and growth', () => {
  it('random = 0 gives minDelayMs and random → 1 gives the ceiling', () => {
    const policy = exponentialBackoff({ initialDelayMs: 100, maxDelayMs: 10_000, minDelayMs: 50 })
    for (let attempt = 0; attempt < 30; attempt++) {
      expect(policy(attempt, zero)).toBe(50)
      const ceiling = Math.max(50, Math.min(10_000, 100 * 2 ** attempt))
      expect(policy(attempt, top)).toBeCloseTo(ceiling, 6)
      expect(policy(attempt, top)).toBeLessThanOrEqual(ceiling)
    }
  })

  it('the ceiling grows by factor per attempt until the cap, then stays', () => {
    const ceilings = Array.from({ length: 40 }, (_, attempt) => defaultBackoff(attempt, top))
    for (let i = 1; i < ceilings.length; i++) expect(ceilings[i]!).toBeGreaterThanOrEqual(ceilings[i - 1]!)
    expect(ceilings.slice(0, 2).map(Math.round)).toEqual([1500, 3000])
    expect(Math.round(ceilings[2]!)).toBe(5000)
    expect(new Set(ceilings.slice(2).map(Math.round))).toEqual(new Set([5000]))
  })

  it('honours factor', () => {
    const policy = exponentialBackoff({ initialDelayMs: 10, factor: 3, maxDelayMs: 1e9 })
    expect([0, 1, 2, 3].map((n) => Math.round(policy(n, top)))).toEqual([10, 30, 90, 270])
    const flat = exponentialBackoff({ initialDelayMs: 10, factor: 1 })
    expect([0, 5, 1e6].map((n) => Math.round(flat(n, top)))).toEqual([10, 10, 10])
  })

  it('a minDelayMs above the exponential ceiling is the floor of every delay', () => {
    const policy = exponentialBackoff({ initialDelayMs: 100, minDelayMs: 1000 })
    expect(policy(0, zero)).toBe(1000)
    expect(policy(0, top)).toBe(1000)
    expect(policy(5, top)).toBeCloseTo(3200, 6)
  })

  it('never returns Infinity or NaN for huge, fractional, negative or NaN attempts', () => {
    const policies = [
      defaultBackoff,
      exponentialBackoff({ initialDelayMs: 0 }),
      exponentialBackoff({ factor: 1 }),
      exponentialBackoff({ factor: 1e300, initialDelayMs: 1e300, maxDelayMs: 1e308 }),
    ]
    const attempts = [
      0,
      1,
      1023,
      1024,
      1e6,
      Number.MAX_SAFE_INTEGER,
      Number.POSITIVE_INFINITY,
      -1,
      -Infinity,
      Number.NaN,
      2.7,
    ]
    for (const policy of policies) {
      for (const attempt of attempts) {
        for (const random of [zero, top, () => 0.5]) {
          const delay = policy(attempt, random)
          expect(Number.isFinite(delay), `${attempt}`).toBe(true)
          expect(delay).toBeGreaterThanOrEqual(0)
        }
      }
    }
    expect(defaultBackoff(Number.POSITIVE_INFINITY, top)).toBeCloseTo(5000, 6)
    expect(defaultBackoff(-3, top)).toBeCloseTo(1500, 6)
    expect(defaultBackoff(Number.NaN, top)).toBeCloseTo(1500, 6)
    // attempt 1.7 floors to 1 (3000), not 1500 × 2^1.7 ≈ 4873 nor 2 (capped at 5000); 2.7 would hit the new cap
    expect(defaultBackoff(1.7, top)).toBeCloseTo(3000, 6)
    expect(exponentialBackoff({ initialDelayMs: 0 })(1e6, top)).toBe(0)
  })

  it('clamps a random() outside [0, 1]', () => {
    expect(defaultBackoff(0, () => -5)).toBe(0)
    expect(defaultBackoff(0, () => Number.NaN)).toBe(0)
    expect(defaultBackoff(0, () => 7)).toBe(1500)
  })

  it('maxDelayMs 0 always gives 0', () => {
    const policy = exponentialBackoff({ maxDelayMs: 0 })
    expect(policy(0, top)).toBe(0)
    expect(policy(100, top)).toBe(0)
  })
})

describe('exponentialBackoff: option validation', () => {
  const bad: Array<[string, Parameters<typeof exponentialBackoff>[0]]> = [
    ['negative initialDelayMs', { initialDelayMs: -1 }],
    ['NaN initialDelayMs', { initialDelayMs: Number.NaN }],
    ['infinite maxDelayMs', { maxDelayMs: Number.POSITIVE_INFINITY }],
    ['negative maxDelayMs', { maxDelayMs: -1 }],
    ['factor below 1', { factor: 0.5 }],
    ['NaN factor', { factor: Number.NaN }],
    ['negative minDelayMs', { minDelayMs: -1 }],
    ['minDelayMs above maxDelayMs', { minDelayMs: 2000, maxDelayMs: 1000 }],
    ['a string', { initialDelayMs: '5' as unknown as number }],
  ]
  for (const [label, options] of bad) {
    it(`rejects ${label}`, () => {
      expectCode(() => exponentialBackoff(options), 'invalid_options')
    })
  }

  it('accepts edge values', () => {
    expect(() => exponentialBackoff({ initialDelayMs: 0, maxDelayMs: 0, minDelayMs: 0, factor: 1 })).not.toThrow()
    expect(() => exponentialBackoff({ minDelayMs: 5000 })).not.toThrow() // equal to the default maxDelayMs
    expect(() => exponentialBackoff({})).not.toThrow()
  })
})

describe('reconnectDelay: a server hint floors the jitter range', () => {
  it('without a hint it is the backoff, rounded', () => {
    expect(reconnectDelay(defaultBackoff, 0, () => 0.5)).toBe(750)
    expect(
      reconnectDelay(
        () => 10.4,
        3,
        () => 0.9,
      ),
    ).toBe(10)
  })

  it('hint + backoff + r × hint with the policy’s own draw r: full jitter over [hint, 2 × hint + ceiling)', () => {
    expect(reconnectDelay(defaultBackoff, 0, zero, 1000)).toBe(1000)
    expect(reconnectDelay(defaultBackoff, 0, () => 0.5, 1000)).toBe(1000 + 750 + 500)
    expect(reconnectDelay(defaultBackoff, 0, top, 1000)).toBe(3500) // the top end, rounded: never reached exactly
    expect(reconnectDelay(defaultBackoff, 5, () => 0.5, 1000)).toBe(1000 + 2500 + 500) // at the 5 s cap
  })

  it('uses the first draw of a policy that draws several times, and a fresh one for a policy that draws none', () => {
    const draws = [0.2, 0.9, 0.7]
    const random = (): number => draws.shift() as number
    const twice: BackoffPolicy = (_attempt, r) => (r() + r()) * 100
    expect(reconnectDelay(twice, 0, random, 1000)).toBe(1000 + 110 + 0.2 * 1000)
    expect(
      reconnectDelay(
        () => 100,
        0,
        () => 0.3,
        1000,
      ),
    ).toBe(1000 + 100 + 300)
    expect(
      reconnectDelay(
        () => 100,
        0,
        () => 0.3,
        0,
      ),
    ).toBe(100) // no hint: no extra draw needed
  })

  it('stays uniform: 10 000 draws under defaultBackoff and a 1000 ms hint fill [1000, 3500) evenly', () => {
    const random = mulberry32(99)
    const tenths = new Array<number>(10).fill(0)
    for (let i = 0; i < 10_000; i++) {
      const delay = reconnectDelay(defaultBackoff, 0, random, 1000)
      expect(delay).toBeGreaterThanOrEqual(1000)
      expect(delay).toBeLessThanOrEqual(3500)
      tenths[Math.min(9, Math.floor((delay - 1000) / 250))]! += 1
    }
    for (const n of tenths) expect(Math.abs(n - 1000)).toBeLessThan(120) // ≈ 3.8 σ of a binomial(10 000, 0.1)
  })

  it(`caps the hint at MAX_RETRY_HINT_MS (${MAX_RETRY_HINT_MS} ms); bad backoff values count as 0`, () => {
    expect(reconnectDelay(() => 0, 0, zero, 1e12)).toBe(MAX_RETRY_HINT_MS)
    expect(reconnectDelay(() => 0, 0, top, 1e12)).toBe(2 * MAX_RETRY_HINT_MS)
    for (const bad of [Number.NaN, -5, Number.POSITIVE_INFINITY])
      expect(reconnectDelay(() => bad, 0, zero, 100)).toBe(100)
    for (const hint of [Number.NaN, -1, 0]) expect(reconnectDelay(() => 7, 0, top, hint)).toBe(7)
    expect(
      reconnectDelay(
        () => 0,
        0,
        () => 5,
        100,
      ),
    ).toBe(200) // a random() above 1 is clamped
  })
})
