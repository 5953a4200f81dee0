import { describe, expect, it } from 'vitest'
import { charByChar, randomChunkings, splitsAtEveryIndex, splitsAtEveryPair } from './chunks'
import { mulberry32, pick, randomInt, randomString } from './prng'

describe('mulberry32', () => {
  it('is deterministic per seed', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const seqA = Array.from({ length: 100 }, a)
    expect(Array.from({ length: 100 }, b)).toEqual(seqA)
    expect(seqA[0]).toBe(0.6011037519201636)
    expect(Array.from({ length: 100 }, mulberry32(43))).not.toEqual(seqA)
  })

  it('stays in [0, 1) and is roughly uniform', () => {
    const random = mulberry32(7)
    const buckets = new Array<number>(10).fill(0)
    let outOfRange = 0
    for (let i = 0; i < 100_000; i++) {
      const x = random()
      if (!(x >= 0 && x < 1)) outOfRange++
      else buckets[Math.floor(x * 10)]! += 1
    }
    expect(outOfRange).toBe(0)
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500)
  })

  it('helpers respect their ranges', () => {
    const random = mulberry32(1)
    for (let i = 0; i < 1000; i++) {
      const n = randomInt(random, -2, 3)
      expect(n).toBeGreaterThanOrEqual(-2)
      expect(n).toBeLessThanOrEqual(3)
    }
    expect(['a', 'b']).toContain(pick(random, ['a', 'b']))
    expect(() => pick(random, [])).toThrow()
    expect(randomString(random, 5, ['😀'])).toBe('😀😀😀😀😀')
  })
})

describe('chunkings', () => {
  it('always reassemble to the input', () => {
    const text = 'ab\r\ncd😀'
    for (const parts of splitsAtEveryIndex(text)) expect(parts.join('')).toBe(text)
    for (const parts of splitsAtEveryPair(text)) expect(parts.join('')).toBe(text)
    for (const parts of randomChunkings(text, 3, 50)) expect(parts.join('')).toBe(text)
    expect(charByChar(text).join('')).toBe(text)
    expect(charByChar(text)).toHaveLength(text.length)
    expect([...splitsAtEveryIndex(text)]).toHaveLength(text.length + 1)
  })
})
