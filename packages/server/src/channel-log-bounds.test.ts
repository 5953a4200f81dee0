import { describe, expect, it } from 'vitest'
import { ChannelCapacityError } from './errors'
import { createChannelLog } from './channel-log'
import { createForgottenSeqs } from './forgotten-seqs'

function setup(maxChannels = Infinity, maxAgeMs = 10_000) {
  let time = 1_000_000
  const log = createChannelLog({ epoch: 'ep1', maxEvents: 100, maxAgeMs, now: () => time, maxChannels })
  return { log, advance: (ms: number) => (time += ms) }
}

describe('channel log: instances are bounded', () => {
  it('a log is created by the first append only: replaying and reading unknown instances creates none', () => {
    const { log } = setup()
    for (let i = 0; i < 1000; i++) {
      log.replay(`chat:${i}`, 'ep1-0')
      log.retained(`chat:${i}`)
    }
    expect(log.channelCount()).toBe(0)
    log.append('chat:1', 'x')
    expect(log.channelCount()).toBe(1)
  })

  it('an instance whose events have all aged out is forgotten (no cap needed); active ones are kept', () => {
    const { log, advance } = setup()
    for (let i = 0; i < 500; i++) log.append(`room:${i}`, i)
    advance(5_000)
    log.append('room:7', 'again') // moves room:7 to the back
    advance(5_001) // the first batch is now older than maxAgeMs; room:7's newest is not
    log.append('other', 1)
    expect(log.channelCount()).toBe(2)
    expect(log.retained('room:7').map((e) => e.data)).toEqual(['again'])
  })

  it('over maxChannels a new instance is refused with ChannelCapacityError until the oldest ages out; existing ones go on', () => {
    const { log, advance } = setup(3)
    log.append('a', 1)
    advance(1000)
    log.append('b', 1)
    log.append('c', 1)
    const seqBefore = log.lastSeq()
    let refused: unknown
    try {
      log.append('d', 1)
    } catch (err) {
      refused = err
    }
    expect(refused).toBeInstanceOf(ChannelCapacityError)
    expect(refused).toMatchObject({ code: 'unavailable', channel: 'd', fatal: false, status: 503, retryAfterMs: 9_001 })
    expect(log.lastSeq()).toBe(seqBefore) // no id used up
    expect(log.append('b', 2).seq).toBe(seqBefore + 1)
    advance(9_001) // 'a' ages out
    expect(log.append('d', 1).channel).toBe('d')
    expect(log.channelCount()).toBe(3)
  })

  it('R7: a cursor from before a forgotten instance lost its events gets a retention gap, also after it comes back', () => {
    const { log, advance } = setup()
    const cursor = log.append('a', 'seen').id
    const lost = log.append('a', 'lost')
    advance(10_001)
    log.append('b', 1) // forgets 'a'
    expect(log.channelCount()).toBe(1)
    expect(log.replay('a', cursor)).toEqual({
      gap: { channel: 'a', from: cursor, to: null, reason: 'retention' },
      events: [],
    })
    expect(log.replay('a', lost.id)).toEqual({ gap: undefined, events: [] }) // had seen everything
    const back = log.append('a', 'back')
    expect(log.replay('a', cursor)).toEqual({
      gap: { channel: 'a', from: cursor, to: back.id, reason: 'retention' },
      events: [back],
    })
    expect(log.replay('a', lost.id)).toEqual({ gap: undefined, events: [back] })
  })

  it('R7: an instance emptied by a read (age) and then forgotten keeps its gap', () => {
    const { log, advance } = setup()
    const cursor = log.append('a', 0).id
    log.append('a', 1)
    advance(10_001)
    expect(log.retained('a')).toEqual([]) // evicts both, the state stays empty
    log.append('b', 1) // forgets the empty 'a'
    expect(log.replay('a', cursor).gap).toMatchObject({ reason: 'retention', to: null })
  })
})

describe('forgotten seqs sketch', () => {
  it('keeps the largest seq per bucket; a never-forgotten channel has floor 0 until something shares its bucket', () => {
    const sketch = createForgottenSeqs()
    expect(sketch.floor('a')).toBe(0)
    sketch.forget('a', 10)
    sketch.forget('a', 4)
    expect(sketch.floor('a')).toBe(10)
    // 5000 other channels fill every bucket: floors only ever over-report (a gap), never under-report
    for (let i = 0; i < 5000; i++) sketch.forget(`x${i}`, 3)
    expect(sketch.floor('a')).toBe(10)
    expect(sketch.floor('never')).toBeGreaterThanOrEqual(3)
  })
})
