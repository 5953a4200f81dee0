import { describe, expect, it } from 'vitest'
import { simulateStorm, socketIoBackoff, noJitterBackoff } from './storm-sim'

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
})
