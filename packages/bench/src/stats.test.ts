import { describe, expect, it } from 'vitest'
import { histogram, median, percentile, ratio, rotate, seededRandom } from './stats'

describe('median', () => {
  it('takes the middle of an odd list and the mean of the middle pair of an even one', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
  })
})

describe('percentile', () => {
  const values = Array.from({ length: 101 }, (_, i) => 100 - i) // 0..100, unsorted

  it('returns the exact rank on a 0..100 ramp', () => {
    expect(percentile(values, 0)).toBe(0)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 100)).toBe(100)
  })

  it('interpolates between neighbours', () => {
    expect(percentile([10, 20], 50)).toBe(15)
    expect(percentile([1, 2, 3, 4], 75)).toBeCloseTo(3.25)
  })

  it('rejects percentiles outside [0, 100]', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError)
  })
})

describe('helpers', () => {
  it('ratio is null for missing or zero denominators', () => {
    expect(ratio(3, 2)).toBe(1.5)
    expect(ratio(3, 0)).toBeNull()
    expect(ratio(null, 2)).toBeNull()
  })

  it('rotate starts the list at k modulo its length', () => {
    expect(rotate([1, 2, 3], 0)).toEqual([1, 2, 3])
    expect(rotate([1, 2, 3], 4)).toEqual([2, 3, 1])
  })

  it('histogram counts into fixed-width buckets', () => {
    expect(histogram([0, 99, 100, 250], 100)).toEqual([2, 1, 1])
  })

  it('seededRandom is reproducible and in [0, 1)', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const xs = Array.from({ length: 1000 }, () => a())
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()))
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...xs)).toBeLessThan(1)
  })
})
