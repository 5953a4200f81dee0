import { describe, expect, it } from 'vitest'
import { planSseWrite } from './sse-budget'

describe('R15: SSE write budget', () => {
  const limit = 1000
  const notice = 100

  it('writes while the buffer keeps room for the notice', () => {
    expect(planSseWrite(0, 50, notice, limit)).toBe('write')
    expect(planSseWrite(500, 400, notice, limit)).toBe('write')
  })

  it('an empty buffer takes any one write, even one over the limit', () => {
    expect(planSseWrite(0, 5000, notice, limit)).toBe('write')
  })

  it('a write that would eat the notice room is refused: the notice is sent (it fits) and the stream closed', () => {
    expect(planSseWrite(500, 401, notice, limit)).toBe('notify-and-close')
    expect(planSseWrite(900, 1, notice, limit)).toBe('notify-and-close')
  })

  it('when the buffer is already over the limit the notice does not fit and is skipped', () => {
    expect(planSseWrite(901, 1, notice, limit)).toBe('close')
    expect(planSseWrite(5000, 1, notice, limit)).toBe('close')
  })
})
