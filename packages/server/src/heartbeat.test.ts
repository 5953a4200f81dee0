import { describe, expect, it } from 'vitest'
import { createManualTimers } from '../test/manual-timers'
import { createHeartbeat, type Beating } from './heartbeat'

const counter = (): Beating & { beats: number } => {
  const c = { beats: 0, beat: () => void (c.beats += 1) }
  return c
}

describe('heartbeat (one clock for every SSE stream of a server)', () => {
  it('runs one interval while streams are open, beats each every intervalMs, stops with the last one', () => {
    const clock = createManualTimers()
    const heartbeat = createHeartbeat(clock, 100)
    const a = counter()
    const b = counter()
    heartbeat.add(a)
    clock.advance(60)
    heartbeat.add(b) // joins the running clock: its first beat within 100 ms, never later
    expect(clock.pending()).toBe(1)
    clock.advance(40)
    expect([a.beats, b.beats]).toEqual([1, 1])
    clock.advance(100)
    expect([a.beats, b.beats]).toEqual([2, 2])
    heartbeat.delete(a)
    heartbeat.delete(a) // idempotent
    clock.advance(100)
    expect([a.beats, b.beats]).toEqual([2, 3])
    heartbeat.delete(b)
    expect(clock.pending()).toBe(0)
    heartbeat.add(a)
    expect(clock.pending()).toBe(1)
  })

  it('a stream that leaves during a beat (closed as a slow consumer) does not stop the others', () => {
    const clock = createManualTimers()
    const heartbeat = createHeartbeat(clock, 10)
    const b = counter()
    const quitter: Beating = { beat: () => heartbeat.delete(quitter) }
    heartbeat.add(quitter)
    heartbeat.add(b)
    clock.advance(10)
    clock.advance(10)
    expect(b.beats).toBe(2)
  })
})
