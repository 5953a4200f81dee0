import { describe, expect, it } from 'vitest'
import { classifyRawClose } from './raw-ws-close'

describe('classifyRawClose (raw WebSocket close codes, RFC 6455)', () => {
  it.each([1002, 1003, 1007, 1008, 1010, 1015, 3000, 3003])('%i is fatal close_code', (code) => {
    expect(classifyRawClose({ code, reason: 'r' })).toMatchObject({ code: 'close_code', fatal: true, closeCode: code })
  })

  it.each([1000, 1001, 1005, 1006, 1009, 1011, 1012, 1013, 1014, 3008, 4000, 4001, 4003, 4999])(
    '%i reconnects (network, retryable)',
    (code) => {
      const error = classifyRawClose({ code, reason: '' })
      expect(error).toMatchObject({ code: 'network', fatal: false, closeCode: code })
      expect(error.protocolCode).toBeUndefined() // Switchline's names mean nothing on a foreign server
    },
  )

  it('names the RFC meaning and the reason in the message; 1013 keeps a retry-after hint', () => {
    expect(classifyRawClose({ code: 1008, reason: 'bad key' }).message).toBe(
      'WebSocket closed with 1008 (policy violation): bad key',
    )
    expect(classifyRawClose({ code: 1013, reason: 'retry-after=2500' }).retryAfterMs).toBe(2500)
  })

  it('closeCodes overrides win both ways', () => {
    expect(classifyRawClose({ code: 4001, reason: '' }, { 4001: 'fatal' })).toMatchObject({
      code: 'close_code',
      fatal: true,
    })
    expect(classifyRawClose({ code: 1008, reason: '' }, { 1008: 'retry' })).toMatchObject({
      code: 'network',
      fatal: false,
    })
  })
})
