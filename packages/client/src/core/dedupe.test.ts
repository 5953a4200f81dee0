import { describe, expect, it } from 'vitest'
import { mulberry32, randomInt } from '../../test/support/prng'
import { expectCode } from '../../test/support/thrown'
import { createCursorTracker, createIdWindow, createRawIdFilter } from './dedupe'

describe('createCursorTracker', () => {
  it('accepts increasing ids and rejects replays (seq ≤ mark)', () => {
    const t = createCursorTracker()
    expect(t.accept('a', 'e1-5')).toBe(true)
    expect(t.accept('a', 'e1-5')).toBe(false)
    expect(t.accept('a', 'e1-4')).toBe(false)
    expect(t.accept('a', 'e1-0')).toBe(false)
    expect(t.accept('a', 'e1-6')).toBe(true)
    expect(t.accept('a', 'e1-100')).toBe(true) // gaps in seq are normal: seq is global
    expect(t.get('a')).toBe('e1-100')
  })

  it('compares seq as integers, not strings', () => {
    const t = createCursorTracker()
    expect(t.accept('a', 'e1-9')).toBe(true)
    expect(t.accept('a', 'e1-10')).toBe(true)
    expect(t.accept('a', 'e1-9')).toBe(false)
    expect(t.accept('a', 'e1-9007199254740991')).toBe(true)
    expect(t.accept('a', 'e1-9007199254740990')).toBe(false)
  })

  it('tracks channels independently', () => {
    const t = createCursorTracker()
    expect(t.accept('a', 'e1-10')).toBe(true)
    expect(t.accept('b', 'e1-3')).toBe(true)
    expect(t.accept('b', 'e1-3')).toBe(false)
    expect(t.accept('a', 'e1-3')).toBe(false)
    expect(t.get('a')).toBe('e1-10')
    expect(t.get('b')).toBe('e1-3')
    expect(t.get('c')).toBeUndefined()
  })

  it('accepts an id of another epoch and resets the mark to it (also backwards in seq)', () => {
    const t = createCursorTracker()
    t.accept('a', 'old-500')
    expect(t.accept('a', 'new-1')).toBe(true)
    expect(t.get('a')).toBe('new-1')
    expect(t.accept('a', 'new-1')).toBe(false)
    expect(t.accept('a', 'old-501')).toBe(true) // a switch back is a switch too
    expect(t.get('a')).toBe('old-501')
  })

  it('accepts a malformed id once within its window, without moving the mark', () => {
    const t = createCursorTracker()
    t.accept('a', 'e1-5')
    for (const id of ['', 'x', 'E1-6', 'e1-06', 'e1-', '-6', 'e1-6-7', 'e1-99999999999999999']) {
      expect(t.accept('a', id), id).toBe(true)
      expect(t.accept('a', id), id).toBe(false)
    }
    expect(t.get('a')).toBe('e1-5')
    expect(t.accept('b', 'x')).toBe(true) // the window is per channel
  })

  it('forgets malformed ids beyond its window', () => {
    const t = createCursorTracker()
    t.accept('a', 'bad-0-x')
    for (let i = 0; i < 1024; i++) t.accept('a', `junk ${i}`)
    expect(t.accept('a', 'bad-0-x')).toBe(true)
    expect(t.accept('a', 'junk 1023')).toBe(false)
  })

  it('set() moves the mark unconditionally, backwards too', () => {
    const t = createCursorTracker()
    t.accept('a', 'e1-10')
    t.set('a', 'e1-3')
    expect(t.get('a')).toBe('e1-3')
    expect(t.accept('a', 'e1-4')).toBe(true)
    t.set('a', 'not an id')
    expect(t.get('a')).toBe('not an id')
    expect(t.accept('a', 'e1-1')).toBe(true) // nothing to compare against
    expect(t.get('a')).toBe('e1-1')
  })

  it('delete() forgets the channel', () => {
    const t = createCursorTracker()
    t.accept('a', 'e1-10')
    t.delete('a')
    expect(t.get('a')).toBeUndefined()
    expect(t.accept('a', 'e1-10')).toBe(true)
    t.delete('never-seen')
  })

  it('latest(): the greatest id of the current epoch across channels', () => {
    const t = createCursorTracker()
    expect(t.latest()).toBeUndefined()
    t.accept('a', 'e1-10')
    t.accept('b', 'e1-7')
    expect(t.latest()).toBe('e1-10')
    t.accept('b', 'e1-12')
    expect(t.latest()).toBe('e1-12')
    t.accept('c', 'e2-1') // the server lost its log: a new epoch is current
    expect(t.latest()).toBe('e2-1')
    t.accept('a', 'e2-3')
    expect(t.latest()).toBe('e2-3')
    t.delete('a')
    expect(t.latest()).toBe('e2-1')
  })

  it('latest() ignores malformed ids and follows set()', () => {
    const t = createCursorTracker()
    t.accept('a', 'junk')
    expect(t.latest()).toBeUndefined()
    t.set('a', 'e9-4')
    expect(t.latest()).toBe('e9-4')
    t.set('b', 'junk')
    expect(t.latest()).toBe('e9-4')
    t.delete('a')
    expect(t.latest()).toBeUndefined()
  })

  it('delivers each id exactly once under random replays (seeded)', () => {
    const random = mulberry32(77)
    const t = createCursorTracker()
    const delivered: number[] = []
    let high = 0
    for (let i = 0; i < 5000; i++) {
      // a reconnect replays from a random point at or before the high-water mark
      const seq = random() < 0.3 ? randomInt(random, 0, high) : ++high
      if (t.accept('ch', `ep-${seq}`)) delivered.push(seq)
    }
    expect(delivered).toEqual([...new Set(delivered)].sort((a, b) => a - b))
    expect(delivered.at(-1)).toBe(high)
  })
})

describe('createIdWindow', () => {
  it('remembers added ids', () => {
    const w = createIdWindow()
    expect(w.has('a')).toBe(false)
    w.add('a')
    expect(w.has('a')).toBe(true)
    w.clear()
    expect(w.has('a')).toBe(false)
  })

  it('defaults to 1024 ids, first in first out', () => {
    const w = createIdWindow()
    for (let i = 0; i < 1025; i++) w.add(String(i))
    expect(w.has('0')).toBe(false)
    expect(w.has('1')).toBe(true)
    expect(w.has('1024')).toBe(true)
  })

  it('re-adding a remembered id does not refresh or duplicate it', () => {
    const w = createIdWindow(3)
    w.add('a')
    w.add('b')
    w.add('a')
    w.add('c')
    expect([w.has('a'), w.has('b'), w.has('c')]).toEqual([true, true, true])
    w.add('d')
    expect([w.has('a'), w.has('b'), w.has('c'), w.has('d')]).toEqual([false, true, true, true])
  })

  it('size 1 keeps only the last id', () => {
    const w = createIdWindow(1)
    w.add('a')
    w.add('b')
    expect(w.has('a')).toBe(false)
    expect(w.has('b')).toBe(true)
  })

  it('works again after clear()', () => {
    const w = createIdWindow(2)
    w.add('a')
    w.add('b')
    w.add('c')
    w.clear()
    w.add('x')
    w.add('y')
    w.add('z')
    expect([w.has('x'), w.has('y'), w.has('z'), w.has('c')]).toEqual([false, true, true, false])
  })

  it('matches a naive model under random use (seeded)', () => {
    const random = mulberry32(5)
    const size = 16
    const w = createIdWindow(size)
    let model: string[] = []
    let mismatches = 0
    for (let i = 0; i < 20_000; i++) {
      const id = String(randomInt(random, 0, 40))
      const op = random()
      if (op < 0.01) {
        w.clear()
        model = []
      } else if (op < 0.5) {
        if (!model.includes(id)) {
          model.push(id)
          if (model.length > size) model.shift()
        }
        w.add(id)
      } else if (w.has(id) !== model.includes(id)) {
        mismatches++
      }
    }
    expect(mismatches).toBe(0)
  })

  it('rejects a bad size', () => {
    for (const size of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectCode(() => createIdWindow(size), 'invalid_options', String(size))
    }
  })
})

describe('createRawIdFilter (raw SSE `dedupe`, opt-in)', () => {
  it('false or undefined: no filter — ids are a cursor, repeats are delivered', () => {
    expect(createRawIdFilter(false)).toBeUndefined()
    expect(createRawIdFilter(undefined)).toBeUndefined()
  })

  it("'unique': an id among the last 1024 is a duplicate", () => {
    const isNew = createRawIdFilter('unique')!
    expect(['a', 'b', 'a', 'c', 'b'].map(isNew)).toEqual([true, true, false, true, false])
    for (let i = 0; i < 1024; i++) isNew(`x${i}`)
    expect(isNew('a')).toBe(true) // forgotten after 1024 newer ids
  })

  it("'ordered': decimal ids by value, Switchline ids by seq within their epoch; other ids reset the mark", () => {
    const isNew = createRawIdFilter('ordered')!
    expect(['1', '2', '2', '10', '9', '10', '11'].map(isNew)).toEqual([true, true, false, true, false, false, true])
    expect(['k1-5', 'k1-5', 'k1-4', 'k1-6', 'k2-1', 'k1-7'].map(isNew)).toEqual([true, false, false, true, true, true])
    expect(['opaque', 'opaque', '3', '3'].map(isNew)).toEqual([true, true, true, false])
  })
})
