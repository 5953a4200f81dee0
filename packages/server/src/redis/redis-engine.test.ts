import { describe, expect, it } from 'vitest'
import { redisEngine } from './redis-engine'

describe('redisEngine options', () => {
  it('has defaults and is named redis (nothing connects before a server creates it)', () => {
    expect(redisEngine().name).toBe('redis')
    expect(redisEngine({ url: 'rediss://h.example:6380/1', keyPrefix: 'app-1', commandTimeoutMs: 10 }).name).toBe(
      'redis',
    )
    for (const pubsubGraceMs of [1, 5000, 2_147_483_647]) expect(redisEngine({ pubsubGraceMs }).name).toBe('redis')
  })

  it('rejects a URL that is not redis:// or rediss://, a bad key prefix and non-positive numbers (and a grace longer than a timer) with a TypeError', () => {
    for (const options of [
      { url: 'http://127.0.0.1:6379' },
      { url: '127.0.0.1:6379' },
      { keyPrefix: '' },
      { keyPrefix: 'a{b}' },
      { keyPrefix: 'has space' },
      { commandTimeoutMs: 0 },
      { idleChannelTtlMs: -1 },
      { retryAfterSeconds: Number.NaN },
      { pubsubGraceMs: 0 },
      { pubsubGraceMs: -5 },
      { pubsubGraceMs: Number.POSITIVE_INFINITY },
      { pubsubGraceMs: 2_147_483_648 }, // longer than a timer can wait
    ]) {
      expect(() => redisEngine(options), JSON.stringify(options)).toThrow(TypeError)
    }
  })
})
