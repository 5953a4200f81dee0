import { describe, expect, it } from 'vitest'
import { mulberry32, randomInt } from '../../test/support/prng'
import { compareEventIds, formatEventId, parseEventId } from './cursor'

describe('parseEventId', () => {
  it('parses <epoch>-<seq>', () => {
    expect(parseEventId('k3f9a-1042')).toEqual({ epoch: 'k3f9a', seq: 1042 })
    expect(parseEventId('a-0')).toEqual({ epoch: 'a', seq: 0 })
    expect(parseEventId('0-1')).toEqual({ epoch: '0', seq: 1 })
    expect(parseEventId('abcdefghijklmnop-1')).toEqual({ epoch: 'abcdefghijklmnop', seq: 1 }) // 16 chars
  })

  it('accepts seq up to Number.MAX_SAFE_INTEGER and rejects beyond (no silent rounding)', () => {
    expect(parseEventId('e-9007199254740991')).toEqual({ epoch: 'e', seq: 9_007_199_254_740_991 })
    expect(parseEventId('e-9007199254740992')).toBeUndefined()
    expect(parseEventId('e-9999999999999999')).toBeUndefined() // 16 digits, over the safe range
    expect(parseEventId('e-10000000000000000')).toBeUndefined() // 17 digits
  })

  it('rejects leading zeros (one spelling per id)', () => {
    for (const id of ['e-00', 'e-01', 'e-007', 'e-0000000000000001']) expect(parseEventId(id), id).toBeUndefined()
  })

  it('rejects malformed ids (R8)', () => {
    const bad = [
      '',
      '-',
      'e-',
      '-1',
      'e',
      '1',
      'E-1', // epochs are lower case
      'Ab-1',
      'e_1',
      'e--1',
      'e-+1',
      'e-1.5',
      'e-1e3',
      'e-0x1',
      'e-1-2',
      'e f-1',
      ' e-1',
      'e-1 ',
      'e-1\n',
      '\ne-1',
      'é-1',
      'e-١',
      'abcdefghijklmnopq-1', // 17-char epoch
      'e-Infinity',
      'e-NaN',
    ]
    for (const id of bad) expect(parseEventId(id), JSON.stringify(id)).toBeUndefined()
  })
})

describe('formatEventId', () => {
  it('formats and round-trips through parseEventId', () => {
    expect(formatEventId('k3f9a', 1042)).toBe('k3f9a-1042')
    const random = mulberry32(9)
    const failures: string[] = []
    for (let i = 0; i < 1000; i++) {
      const epoch = Math.floor(random() * 36 ** 6).toString(36)
      const seq = randomInt(random, 0, Number.MAX_SAFE_INTEGER)
      const parsed = parseEventId(formatEventId(epoch, seq))
      if (parsed?.epoch !== epoch || parsed.seq !== seq) failures.push(formatEventId(epoch, seq))
    }
    expect(failures).toEqual([])
  })
})

describe('compareEventIds', () => {
  it('orders ids of one epoch by seq as integers (R5)', () => {
    expect(compareEventIds('e-1', 'e-2')).toBeLessThan(0)
    expect(compareEventIds('e-2', 'e-1')).toBeGreaterThan(0)
    expect(compareEventIds('e-5', 'e-5')).toBe(0)
    expect(compareEventIds('e-9', 'e-10')).toBeLessThan(0) // not string order
    expect(compareEventIds('e-0', 'e-9007199254740991')).toBeLessThan(0)
    expect(compareEventIds('e-9007199254740991', 'e-9007199254740990')).toBe(1) // exact at the top of the range
  })

  it('cannot compare ids of different epochs', () => {
    expect(compareEventIds('a-1', 'b-2')).toBeUndefined()
    expect(compareEventIds('a-1', 'a1-1')).toBeUndefined()
  })

  it('cannot compare malformed ids', () => {
    expect(compareEventIds('e-01', 'e-1')).toBeUndefined()
    expect(compareEventIds('e-1', 'x')).toBeUndefined()
    expect(compareEventIds('', '')).toBeUndefined()
    expect(compareEventIds('e-9007199254740992', 'e-1')).toBeUndefined()
  })

  it('is antisymmetric and agrees with seq order (seeded)', () => {
    const random = mulberry32(10)
    for (let i = 0; i < 1000; i++) {
      const a = randomInt(random, 0, 1e15)
      const b = random() < 0.1 ? a : randomInt(random, 0, 1e15)
      const ab = compareEventIds(`e-${a}`, `e-${b}`)!
      const ba = compareEventIds(`e-${b}`, `e-${a}`)!
      expect(Math.sign(ab)).toBe(Math.sign(a - b))
      expect(Math.sign(ba) + Math.sign(ab)).toBe(0)
    }
  })
})

describe('formatEventId validation', () => {
  it('refuses parts that would not parse back', () => {
    expect(() => formatEventId('A', 1)).toThrow(RangeError)
    expect(() => formatEventId('abc', -1)).toThrow(RangeError)
    expect(() => formatEventId('abc', 1e21)).toThrow(RangeError)
    expect(() => formatEventId('', 1)).toThrow(RangeError)
  })
})
