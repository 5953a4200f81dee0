import { describe, expect, it } from 'vitest'
import { createAdmissionLimit } from './admission-limit'

describe('admission limit (maxConnectionsPerSecond)', () => {
  it('admits max per one-second window, then answers the ms until the window ends', () => {
    let t = 5_000
    const limit = createAdmissionLimit(2, () => t)
    expect([limit.take(), limit.take()]).toEqual([undefined, undefined])
    expect(limit.take()).toBe(1000)
    t += 400
    expect(limit.take()).toBe(600)
    t += 599
    expect(limit.take()).toBe(1)
    t += 1 // the window has ended: a new one starts now
    expect([limit.take(), limit.take(), limit.take()]).toEqual([undefined, undefined, 1000])
  })

  it('starts a new window after a quiet period, and when the clock goes back', () => {
    let t = 0
    const limit = createAdmissionLimit(1, () => t)
    expect(limit.take()).toBeUndefined()
    t = 10_250
    expect(limit.take()).toBeUndefined()
    expect(limit.take()).toBe(1000)
    t = 9_000
    expect(limit.take()).toBeUndefined()
  })

  it('undefined admits everything', () => {
    const limit = createAdmissionLimit(undefined, () => 0)
    for (let i = 0; i < 10_000; i++) expect(limit.take()).toBeUndefined()
  })
})
