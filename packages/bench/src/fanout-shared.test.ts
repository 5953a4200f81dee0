import { describe, expect, it } from 'vitest'
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
