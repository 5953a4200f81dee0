import { describe, expect, it } from 'vitest'
import { subscribe } from './subscribe'
import type { SubscribeOptions } from './types'

describe('raw-mode options are checked when the subscription is created', () => {
  it.each<[string, Partial<SubscribeOptions<unknown>>]>([
    ['firstByteTimeoutMs', { firstByteTimeoutMs: -1 }],
    ['firstByteTimeoutMs', { firstByteTimeoutMs: '10s' as unknown as number }],
    ['ignoreEvents', { ignoreEvents: 'heartbeat' as unknown as string[] }],
    ['ignoreEvents', { ignoreEvents: [1] as unknown as string[] }],
    ['dedupe', { dedupe: true as unknown as 'unique' }],
    ['resend', { resend: 'yes' as unknown as boolean }],
    ['closeCodes', { closeCodes: { 999: 'fatal' } }],
    ['closeCodes', { closeCodes: { 4001: 'stop' as 'fatal' } }],
    ['pong', { pong: { isPing: () => true } as never }],
  ])('a bad %s throws invalid_options', (name, options) => {
    const signal = new AbortController().signal
    expect(() => subscribe('https://x.test/', { ...options, signal })).toThrow(
      expect.objectContaining({ code: 'invalid_options', fatal: true, message: expect.stringContaining(name) }),
    )
  })

  it('good values pass', () => {
    const sub = subscribe('wss://x.test/', {
      firstByteTimeoutMs: 0,
      ignoreEvents: ['heartbeat'],
      dedupe: 'ordered',
      resend: true,
      closeCodes: { 4001: 'fatal', 1008: 'retry' },
      pong: { isPing: (t) => t === 'ping', reply: 'pong' },
      signal: AbortSignal.abort(),
    })
    expect(sub.state).toBe('closed')
  })
})
