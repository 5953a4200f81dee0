import { describe, expect, it } from 'vitest'
import type { LoggedEvent } from './channel-log'
import { globalTimers } from './options'
import { memoryEngine } from './memory-engine'

const context = {
  maxEvents: 2,
  maxAgeMs: 60_000,
  epoch: 'mem1',
  maxChannelInstances: Infinity,
  midWindow: 3,
  now: () => 0,
  timers: globalTimers,
}

describe('memoryEngine', () => {
  it('is synchronous: append assigns ids, a repeated mid answers the original, subscribe reads head and replay at once', () => {
    const engine = memoryEngine().create(context)
    expect(engine.sync).toBe(true)
    expect(engine.health()).toEqual({ ready: true, state: 'ready' })
    const first = engine.append({ channel: 'a', data: 1, event: undefined, mid: 'm' })
    expect(first).toEqual({ id: 'mem1-1', duplicate: false })
    expect(engine.append({ channel: 'a', data: 1, event: undefined, mid: 'm' })).toEqual({
      id: 'mem1-1',
      duplicate: true,
    })
    engine.append({ channel: 'b', data: 2, event: undefined, mid: undefined })
    engine.append({ channel: 'a', data: 3, event: undefined, mid: undefined })
    engine.append({ channel: 'a', data: 4, event: undefined, mid: undefined })
    const live: LoggedEvent[] = []
    const sub = engine.subscribe(
      [
        { channel: 'a', cursor: 'mem1-0' },
        { channel: 'b', cursor: 'mem1-0' },
      ],
      {
        event: (e) => void live.push(e),
        interrupted: () => undefined,
      },
    )
    expect(sub.head).toBe('mem1-4')
    expect(sub.gaps).toEqual([{ channel: 'a', from: 'mem1-0', to: 'mem1-3', reason: 'retention' }])
    expect(sub.replay.map((e) => e.id)).toEqual(['mem1-2', 'mem1-3', 'mem1-4'])
    engine.append({ channel: 'a', data: 5, event: undefined, mid: undefined })
    expect(live).toEqual([]) // held until start
    sub.start()
    expect(live.map((e) => e.id)).toEqual(['mem1-5'])
    expect(engine.subscriberCounts()).toEqual({ a: 1, b: 1 })
    sub.close()
    expect(engine.subscriberCounts()).toEqual({})
  })

  it('reset starts a new epoch at once and forgets the mid window', () => {
    const engine = memoryEngine().create(context)
    engine.append({ channel: 'a', data: 1, event: undefined, mid: 'm' })
    engine.reset()
    expect(engine.epoch()).not.toBe('mem1')
    expect(engine.append({ channel: 'a', data: 1, event: undefined, mid: 'm' })).toEqual({
      id: `${engine.epoch()}-1`,
      duplicate: false,
    })
  })
})
