import { describe, expect, it } from 'vitest'
import { simulateStorm, socketIoBackoff, noJitterBackoff, STORM_POLICIES } from './storm-sim'

describe('storm simulation', () => {
  it('brings every client back and accounts for every attempt', () => {
    const r = simulateStorm(noJitterBackoff, { clients: 100, downMs: 0, acceptPer100ms: 10, seed: 1 })
    expect(r.allBackMs).not.toBeNull()
    expect(r.arrivalsPer100ms.reduce((a, b) => a + b, 0)).toBe(100)
    expect(r.attempts).toBe(100 + r.refused)
    expect(Math.max(...r.arrivalsPer100ms)).toBeLessThanOrEqual(10)
  })

  it('socket.io backoff stays within ±50 % and under the 5 s cap', () => {
    for (const rand of [0, 0.05, 0.15, 0.55, 0.99]) {
      const d0 = socketIoBackoff(0, () => rand)
      expect(d0).toBeGreaterThanOrEqual(500)
      expect(d0).toBeLessThanOrEqual(1500)
      expect(socketIoBackoff(10, () => rand)).toBe(5000)
    }
  })

  it('under the retry: 1000 hint, the SDK rule spreads the first wave; max(backoff, hint) makes a herd at 1 s', () => {
    const policy = (id: string) => (STORM_POLICIES.find((p) => p.id === id) as (typeof STORM_POLICIES)[number]).policy
    const scenario = { clients: 1000, downMs: 0, acceptPer100ms: 1000, seed: 3 } // no refusals: the first wave only
    const floored = simulateStorm(policy('switchline-hint'), scenario)
    const max = simulateStorm(policy('switchline-hint-max'), scenario)
    expect(floored.attempts).toBe(1000)
    expect(floored.attemptsPer100ms.slice(0, 10).every((n) => n === 0)).toBe(true) // nobody before the hint
    expect(floored.peakAttemptsPer100ms).toBeLessThan(100) // uniform over 2.5 s: ~40 per 100 ms
    expect(max.peakAttemptsPer100ms).toBeGreaterThan(600) // two thirds at exactly 1000 ms
  })
})
