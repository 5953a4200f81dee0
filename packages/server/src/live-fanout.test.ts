import { describe, expect, it } from 'vitest'
import type { LoggedEvent } from './channel-log'
import type { EngineListener } from './engine'
import { createLiveFanout } from './live-fanout'

const event = (channel: string, seq: number): LoggedEvent => ({
  channel,
  id: `e-${seq}`,
  seq,
  data: seq,
  event: undefined,
  at: 0,
})

function recorder(): EngineListener & { seqs: number[]; interruptions: number } {
  const r = {
    seqs: [] as number[],
    interruptions: 0,
    event: (e: LoggedEvent) => void r.seqs.push(e.seq),
    interrupted: () => void (r.interruptions += 1),
  }
  return r
}

describe('live fan-out', () => {
  it('holds events until start, then delivers only those newer than the head, in arrival order', () => {
    const fanout = createLiveFanout()
    const r = recorder()
    const member = fanout.add(['a', 'b'], r)
    for (const e of [event('a', 4), event('b', 5), event('a', 6), event('c', 7), event('b', 8)]) fanout.deliver(e)
    expect(r.seqs).toEqual([])
    member.start(5)
    expect(r.seqs).toEqual([6, 8])
    fanout.deliver(event('a', 9))
    expect(r.seqs).toEqual([6, 8, 9])
  })

  it('after start, a late event at or below the head (in flight while the head was read) is not delivered twice', () => {
    const fanout = createLiveFanout()
    const r = recorder()
    fanout.add(['a'], r).start(10)
    fanout.deliver(event('a', 9))
    fanout.deliver(event('a', 10))
    fanout.deliver(event('a', 11))
    expect(r.seqs).toEqual([11])
  })

  it('gives one event object to every member, counts members per channel, and reports a channel that empties', () => {
    const emptied: string[] = []
    const fanout = createLiveFanout((channel) => emptied.push(channel))
    const seen: LoggedEvent[] = []
    const listener: EngineListener = { event: (e) => void seen.push(e), interrupted: () => undefined }
    const one = fanout.add(['a'], listener)
    const two = fanout.add(['a', 'b'], listener)
    one.start(0)
    two.start(0)
    const e = event('a', 1)
    fanout.deliver(e)
    expect(seen).toEqual([e, e])
    expect(seen[0]).toBe(seen[1])
    expect(fanout.counts()).toEqual({ a: 2, b: 1 })
    two.close()
    two.close()
    expect(emptied).toEqual(['b'])
    one.close()
    expect(emptied).toEqual(['b', 'a'])
    expect(fanout.has('a')).toBe(false)
    expect(fanout.counts()).toEqual({})
  })

  it('interruptAll tells each started member once, not the held ones (their engine fails them itself)', () => {
    const fanout = createLiveFanout()
    const started = recorder()
    const held = recorder()
    fanout.add(['a', 'b'], started).start(0)
    fanout.add(['a'], held)
    fanout.interruptAll()
    expect([started.interruptions, held.interruptions]).toEqual([1, 0])
  })

  it('a member closed by its own delivery (a slow consumer) gets nothing more; start after close does nothing', () => {
    const fanout = createLiveFanout()
    const seqs: number[] = []
    const member = fanout.add(['a'], {
      event: (e) => {
        seqs.push(e.seq)
        member.close()
      },
      interrupted: () => undefined,
    })
    fanout.deliver(event('a', 1))
    fanout.deliver(event('a', 2))
    member.start(0)
    expect(seqs).toEqual([1])
    member.start(0)
    fanout.deliver(event('a', 3))
    expect(seqs).toEqual([1])
  })

  it('is the engine subscription too: start() begins at its head seq, then lets go of head, gaps and replay', () => {
    const fanout = createLiveFanout()
    const r = recorder()
    const replay = [event('a', 3)]
    const gaps = [{ channel: 'a', from: 'e-1', to: 'e-3', reason: 'retention' as const }]
    const sub = fanout.add(['a'], r).subscription('e', 'e-4', gaps, replay, 4)
    expect([sub.epoch, sub.head, sub.gaps, sub.replay]).toEqual(['e', 'e-4', gaps, replay])
    fanout.deliver(event('a', 4)) // held, at the head: in the replay or before it
    fanout.deliver(event('a', 5))
    sub.start()
    expect(r.seqs).toEqual([5])
    expect([sub.head, sub.gaps, sub.replay]).toEqual(['', [], []]) // an idle subscription keeps no replay alive
    sub.close()
    expect(fanout.counts()).toEqual({})
  })
})
