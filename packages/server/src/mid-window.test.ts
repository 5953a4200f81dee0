import { describe, expect, it } from 'vitest'
import { createMidWindow } from './mid-window'

describe('mid window (R22), O(1) ring', () => {
  it('forgets a mid exactly when its publish leaves the window, across many wrap-arounds', () => {
    const w = createMidWindow(3)
    for (let i = 0; i < 10; i++) {
      w.record('c', `m${i}`, `e-${i}`)
      for (let j = 0; j <= i; j++)
        expect(w.lookup('c', `m${j}`), `after ${i}, m${j}`).toBe(i - j < 3 ? `e-${j}` : undefined)
    }
  })

  it('a mid recorded again stays through its newer publish and answers the newer id', () => {
    const w = createMidWindow(2)
    w.record('c', 'm', 'e-1')
    w.record('c', 'm', 'e-2')
    w.record('c', undefined, 'e-3') // the first m leaves; the second is still in the window
    expect(w.lookup('c', 'm')).toBe('e-2')
    w.record('c', undefined, 'e-4')
    expect(w.lookup('c', 'm')).toBeUndefined()
  })

  it('handles a large window quickly (no scan per publish)', () => {
    const w = createMidWindow(1000)
    for (let i = 0; i < 200_000; i++) w.record('c', `m${i}`, `e-${i}`)
    expect(w.lookup('c', 'm198999')).toBeUndefined()
    expect(w.lookup('c', 'm199000')).toBe('e-199000')
  })
})
