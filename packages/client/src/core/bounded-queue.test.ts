import { describe, expect, it } from 'vitest'
import { mulberry32, randomInt, randomString } from '../../test/support/prng'
import { expectCode, thrownBy } from '../../test/support/thrown'
import { createBoundedQueue, utf8ByteLength } from './bounded-queue'
import { isSwitchlineError } from './errors'

describe('createBoundedQueue', () => {
  it('is a FIFO that tracks size and bytes', () => {
    const q = createBoundedQueue<string>()
    expect(q.size).toBe(0)
    expect(q.bytes).toBe(0)
    expect(q.shift()).toBeUndefined()
    expect(q.peek()).toBeUndefined()
    q.push('a', 1)
    q.push('b', 10)
    q.push('c', 100)
    expect(q.size).toBe(3)
    expect(q.bytes).toBe(111)
    expect(q.peek()).toBe('a')
    expect(q.values()).toEqual(['a', 'b', 'c'])
    expect(q.shift()).toBe('a')
    expect(q.bytes).toBe(110)
    expect(q.values()).toEqual(['b', 'c'])
    expect(q.clear()).toEqual(['b', 'c'])
    expect(q.size).toBe(0)
    expect(q.bytes).toBe(0)
  })

  it('throws queue_full at maxCount and stays unchanged', () => {
    const q = createBoundedQueue<number>({ maxCount: 2 })
    q.push(1, 0)
    q.push(2, 0)
    expectCode(() => q.push(3, 0), 'queue_full')
    expect(q.values()).toEqual([1, 2])
    q.shift()
    q.push(3, 0)
    expect(q.values()).toEqual([2, 3])
  })

  it('throws queue_full when bytes would exceed maxBytes, and allows exactly maxBytes', () => {
    const q = createBoundedQueue<string>({ maxBytes: 10 })
    q.push('a', 6)
    expectCode(() => q.push('b', 5), 'queue_full')
    expect(q.size).toBe(1)
    expect(q.bytes).toBe(6)
    q.push('c', 4)
    expect(q.bytes).toBe(10)
    expectCode(() => q.push('d', 1), 'queue_full')
    q.push('zero', 0)
    expect(q.values()).toEqual(['a', 'c', 'zero'])
  })

  it('an item bigger than maxBytes never fits', () => {
    const q = createBoundedQueue<string>({ maxBytes: 5 })
    expectCode(() => q.push('big', 6), 'queue_full')
    expect(q.size).toBe(0)
  })

  it('defaults to 1000 items and 1 MiB', () => {
    const q = createBoundedQueue<number>()
    for (let i = 0; i < 1000; i++) q.push(i, 1)
    expectCode(() => q.push(1000, 1), 'queue_full')
    const b = createBoundedQueue<number>()
    b.push(0, 1_048_576)
    expectCode(() => b.push(1, 1), 'queue_full')
  })

  it('supports Infinity limits', () => {
    const q = createBoundedQueue<number>({ maxCount: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY })
    for (let i = 0; i < 5000; i++) q.push(i, 1e9)
    expect(q.size).toBe(5000)
  })

  it('maxBytes 0 accepts only empty items', () => {
    const q = createBoundedQueue<string>({ maxBytes: 0 })
    q.push('', 0)
    expectCode(() => q.push('x', 1), 'queue_full')
  })

  it('remove() takes out one item by identity, wherever it is', () => {
    const a = { n: 1 }
    const b = { n: 2 }
    const c = { n: 3 }
    const q = createBoundedQueue<object>()
    q.push(a, 1)
    q.push(b, 2)
    q.push(c, 4)
    q.push(b, 8)
    expect(q.remove({ n: 2 })).toBe(false)
    expect(q.remove(b)).toBe(true)
    expect(q.values()).toEqual([a, c, b])
    expect(q.bytes).toBe(13)
    q.shift()
    expect(q.remove(a)).toBe(false) // already shifted out
    expect(q.remove(c)).toBe(true)
    expect(q.remove(b)).toBe(true)
    expect(q.size).toBe(0)
    expect(q.bytes).toBe(0)
  })

  it('rejects bad bytes with invalid_options and stays unchanged', () => {
    const q = createBoundedQueue<string>()
    for (const bytes of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      expectCode(() => q.push('x', bytes), 'invalid_options')
    }
    expect(q.size).toBe(0)
  })

  it('rejects bad options', () => {
    for (const options of [
      { maxCount: 0 },
      { maxCount: 1.5 },
      { maxCount: -1 },
      { maxCount: Number.NaN },
      { maxBytes: -1 },
      { maxBytes: Number.NaN },
    ]) {
      expectCode(() => createBoundedQueue(options), 'invalid_options')
    }
  })

  it('matches an array model under random use (seeded), through compaction', () => {
    const random = mulberry32(11)
    const q = createBoundedQueue<number>({ maxCount: 50, maxBytes: 500 })
    const model: Array<[number, number]> = []
    let modelBytes = 0
    const mismatches: string[] = []
    const check = (ok: boolean, what: string, step: number) => {
      if (!ok && mismatches.length < 5) mismatches.push(`step ${step}: ${what}`)
    }
    for (let i = 0; i < 20_000; i++) {
      const op = random()
      if (op < 0.5) {
        const bytes = randomInt(random, 0, 30)
        const fits = model.length < 50 && modelBytes + bytes <= 500
        const error = thrownBy(() => q.push(i, bytes))
        if (fits) {
          check(error === undefined, 'push should fit', i)
          model.push([i, bytes])
          modelBytes += bytes
        } else {
          check(isSwitchlineError(error, 'queue_full'), 'push should be queue_full', i)
        }
      } else if (op < 0.85) {
        const expected = model.shift()
        if (expected) modelBytes -= expected[1]
        check(q.shift() === expected?.[0], 'shift', i)
      } else if (op < 0.97) {
        const pick = model[randomInt(random, 0, Math.max(0, model.length - 1))]
        const target = pick ? pick[0] : -1
        const at = model.findIndex(([v]) => v === target)
        check(q.remove(target) === (at !== -1), 'remove', i)
        if (at !== -1) modelBytes -= model.splice(at, 1)[0]![1]
      } else {
        const cleared = q.clear()
        check(cleared.join() === model.map(([v]) => v).join(), 'clear', i)
        model.length = 0
        modelBytes = 0
      }
      check(q.size === model.length, 'size', i)
      check(q.bytes === modelBytes, 'bytes', i)
      check(q.peek() === model[0]?.[0], 'peek', i)
    }
    expect(mismatches).toEqual([])
    expect(q.values()).toEqual(model.map(([v]) => v))
  })
})

describe('utf8ByteLength', () => {
  const encoder = new TextEncoder()

  it('counts ASCII, 2-, 3- and 4-byte characters', () => {
    expect(utf8ByteLength('')).toBe(0)
    expect(utf8ByteLength('hello')).toBe(5)
    expect(utf8ByteLength('é')).toBe(2)
    expect(utf8ByteLength('\u07ff')).toBe(2)
    expect(utf8ByteLength('\u0800')).toBe(3)
    expect(utf8ByteLength('世界')).toBe(6)
    expect(utf8ByteLength('\uffff')).toBe(3)
    expect(utf8ByteLength('😀')).toBe(4)
    expect(utf8ByteLength('héllo 😀')).toBe(11)
  })

  it('counts lone surrogates as U+FFFD (3 bytes), like TextEncoder', () => {
    for (const text of ['\ud83d', '\ude00', 'a\ud83d', '\ud83db', '\ude00\ud83d', '\ud83d\ud83d\ude00']) {
      expect(utf8ByteLength(text), JSON.stringify(text)).toBe(encoder.encode(text).length)
    }
  })

  it('matches TextEncoder on random strings (seeded)', () => {
    const random = mulberry32(3)
    const alphabet = [
      'a',
      'Z',
      '\0',
      '\x7f',
      '\x80',
      'é',
      '\u07ff',
      '\u0800',
      '世',
      '\ud7ff',
      '\ud800',
      '\udbff',
      '\udc00',
      '\udfff',
      '\ue000',
      '\uffff',
      '😀',
      '𐍈',
    ]
    for (let i = 0; i < 2000; i++) {
      const text = randomString(random, randomInt(random, 0, 30), alphabet)
      expect(utf8ByteLength(text)).toBe(encoder.encode(text).length)
    }
  })
})
