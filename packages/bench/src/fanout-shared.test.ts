import { describe, expect, it } from 'vitest'
import { pairedRatio, slope } from './fanout'
import { FANOUT_EVENT_BYTES, fanoutData, stampOf } from './fanout-shared'

describe('fan-out events', () => {
  it('serialize to exactly 64 bytes and carry their monotonic timestamp', () => {
    for (const seq of [0, 9, 12345, 9_999_999]) {
      const data = fanoutData(seq)
      expect(Buffer.byteLength(JSON.stringify(data))).toBe(FANOUT_EVENT_BYTES)
      expect(stampOf(JSON.stringify({ type: 'event', data }))).toBe(data.t)
    }
  })

  it('stampOf finds no stamp where there is none', () => {
    expect(stampOf('{"seq":1}')).toBeUndefined()
    expect(stampOf('{"t":"x"}')).toBeUndefined()
  })
})

describe('heap slope', () => {
  it('is the least-squares slope of heap over connections', () => {
    expect(
      slope([
        [100, 1000],
        [325, 1450],
        [550, 1900],
        [775, 2350],
        [1000, 2800],
      ]),
    ).toBeCloseTo(2)
    expect(
      slope([
        [0, 0],
        [10, 30],
        [20, 40],
      ]),
    ).toBeCloseTo(2)
  })
})

describe('paired ratio', () => {
  it('is the median of the per-round ratios', () => {
    expect(pairedRatio([2, 9, 3], [1, 10, 3])).toBeCloseTo(1)
    expect(pairedRatio([], [1])).toBeNull()
  })
})
