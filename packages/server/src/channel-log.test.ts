import { describe, expect, it } from 'vitest'
import { compareEventIds, parseEventId } from '@switchline/client/protocol'
import { createChannelLog, type LoggedEvent } from './channel-log'
import { createMidWindow } from './mid-window'

function setup(opts: { maxEvents?: number; maxAgeMs?: number } = {}) {
  let time = 1_000_000
  const log = createChannelLog({
    epoch: 'ep1',
    maxEvents: opts.maxEvents ?? 1000,
    maxAgeMs: opts.maxAgeMs ?? 60_000,
    now: () => time,
  })
  return { log, advance: (ms: number) => (time += ms) }
}

describe('channel log', () => {
  it('R5: one seq counter for the whole log, strictly increasing across channels', () => {
    const { log } = setup()
    const ids = [log.append('a', 1).id, log.append('b', 2).id, log.append('a:k', 3).id, log.append('b', 4).id]
    expect(ids).toEqual(['ep1-1', 'ep1-2', 'ep1-3', 'ep1-4'])
    for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i - 1] as string, ids[i] as string)).toBeLessThan(0)
    expect(log.lastSeq()).toBe(4)
  })

  it('keeps one log per channel instance (name and name:key are separate)', () => {
    const { log } = setup()
    log.append('chat', 'x')
    log.append('chat:room-a', 'y')
    expect(log.retained('chat').map((e) => e.data)).toEqual(['x'])
    expect(log.retained('chat:room-a').map((e) => e.data)).toEqual(['y'])
  })

  it('R6: a retained cursor replays exactly the missed events of that channel, in order, with original ids', () => {
    const { log } = setup()
    const first = log.append('a', 1)
    log.append('b', 'other')
    const e2 = log.append('a', 2, 'named')
    const e3 = log.append('a', 3)
    const replay = log.replay('a', first.id)
    expect(replay.gap).toBeUndefined()
    expect(replay.events).toEqual([e2, e3])
    expect(replay.events[0]?.event).toBe('named')
  })

  it('R6: a cursor from another channel of the same epoch works (global seq)', () => {
    const { log } = setup()
    log.append('a', 1)
    const other = log.append('b', 'x')
    const e = log.append('a', 2)
    expect(log.replay('a', other.id)).toEqual({ gap: undefined, events: [e] })
  })

  it('R6: an up-to-date cursor replays nothing and has no gap', () => {
    const { log } = setup()
    const e = log.append('a', 1)
    expect(log.replay('a', e.id)).toEqual({ gap: undefined, events: [] })
    expect(log.replay('never-used', e.id)).toEqual({ gap: undefined, events: [] })
  })

  it('R7: eviction by count makes an old cursor get a retention gap to the first retained event', () => {
    const { log } = setup({ maxEvents: 3 })
    const c = log.append('a', 0)
    const all = [1, 2, 3, 4, 5].map((n) => log.append('a', n))
    expect(log.retained('a')).toEqual(all.slice(2))
    const replay = log.replay('a', c.id)
    expect(replay.gap).toEqual({ channel: 'a', from: c.id, to: all[2]?.id, reason: 'retention' })
    expect(replay.events).toEqual(all.slice(2))
  })

  it('R6/R7: eviction at the boundary stays exact after many wraps of a full log (count and age)', () => {
    const { log, advance } = setup({ maxEvents: 5, maxAgeMs: 10_000 })
    let a: LoggedEvent[] = []
    for (let i = 0; i < 10_007; i++) {
      a.push(log.append('a', i))
      if (i % 3 === 0) log.append('b', i) // interleaved: a's seqs are not contiguous
      advance(1)
    }
    a = a.slice(-6) // the newest evicted event of 'a', then the 5 retained
    const [lastEvicted, ...kept] = a as [LoggedEvent, ...LoggedEvent[]]
    expect(log.retained('a')).toEqual(kept)
    // a cursor at the newest evicted event is complete; one seq earlier has lost it
    expect(log.replay('a', lastEvicted.id)).toEqual({ gap: undefined, events: kept })
    const before = `ep1-${lastEvicted.seq - 1}`
    expect(log.replay('a', before)).toEqual({
      gap: { channel: 'a', from: before, to: kept[0]?.id, reason: 'retention' },
      events: kept,
    })
    expect(log.replay('a', kept[2]?.id)).toEqual({ gap: undefined, events: kept.slice(3) })
    // age: the oldest two retained events pass maxAgeMs one ms apart
    advance(10_000 - 4)
    expect(log.retained('a')).toEqual(kept.slice(1))
    advance(1)
    expect(log.retained('a')).toEqual(kept.slice(2))
    expect(log.replay('a', lastEvicted.id).gap).toEqual({
      channel: 'a',
      from: lastEvicted.id,
      to: kept[2]?.id,
      reason: 'retention',
    })
    expect(log.replay('a', kept[1]?.id)).toEqual({ gap: undefined, events: kept.slice(2) })
    advance(10_000)
    expect(log.replay('a', kept[4]?.id)).toEqual({ gap: undefined, events: [] })
    expect(log.replay('a', kept[3]?.id).gap).toEqual({ channel: 'a', from: kept[3]?.id, to: null, reason: 'retention' })
    // and the log keeps working after emptying out
    const next = log.append('a', 'again')
    expect(log.replay('a', kept[4]?.id)).toEqual({ gap: undefined, events: [next] })
  })

  it('R7: eviction by age (injected clock) gives a retention gap; to is null when nothing is retained', () => {
    const { log, advance } = setup({ maxAgeMs: 1000 })
    const c = log.append('a', 0)
    log.append('a', 1)
    advance(500)
    const recent = log.append('a', 2)
    advance(600) // the first two are now 1100 ms old
    expect(log.replay('a', c.id)).toEqual({
      gap: { channel: 'a', from: c.id, to: recent.id, reason: 'retention' },
      events: [recent],
    })
    advance(1000)
    expect(log.replay('a', c.id)).toEqual({
      gap: { channel: 'a', from: c.id, to: null, reason: 'retention' },
      events: [],
    })
    // a cursor at or after the last evicted event is still complete
    expect(log.replay('a', recent.id)).toEqual({ gap: undefined, events: [] })
  })

  it('R7: an event exactly maxAgeMs old is kept; one ms older is evicted', () => {
    const { log, advance } = setup({ maxAgeMs: 1000 })
    log.append('a', 0)
    advance(1000)
    expect(log.retained('a')).toHaveLength(1)
    advance(1)
    expect(log.retained('a')).toHaveLength(0)
  })

  it('R7: eviction on another channel does not cause a gap on this one', () => {
    const { log } = setup({ maxEvents: 1 })
    const c = log.append('a', 1)
    log.append('b', 1)
    log.append('b', 2)
    const e = log.append('a', 2)
    // a's event 1 was evicted, but it is not later than the cursor
    expect(log.replay('a', c.id)).toEqual({ gap: undefined, events: [e] })
  })

  it('R7: a cursor of another epoch gets an epoch gap, then everything retained', () => {
    const { log } = setup()
    const e1 = log.append('a', 1)
    const e2 = log.append('a', 2)
    expect(log.replay('a', 'zzz-1')).toEqual({
      gap: { channel: 'a', from: 'zzz-1', to: e1.id, reason: 'epoch' },
      events: [e1, e2],
    })
    expect(log.replay('empty', 'zzz-1').gap).toEqual({ channel: 'empty', from: 'zzz-1', to: null, reason: 'epoch' })
  })

  it('R8: a malformed cursor is treated as an unknown epoch', () => {
    const { log } = setup()
    const e1 = log.append('a', 1)
    for (const cursor of ['garbage', 'ep1-', 'ep1-01', 'EP1-1', '-1', 'ep1-1-2']) {
      expect(parseEventId(cursor)).toBeUndefined()
      expect(log.replay('a', cursor)).toEqual({
        gap: { channel: 'a', from: cursor, to: e1.id, reason: 'epoch' },
        events: [e1],
      })
    }
  })

  it('R8: a same-epoch cursor beyond the counter (not issued by this log) is treated as another epoch', () => {
    const { log } = setup()
    const e1 = log.append('a', 1)
    expect(log.replay('a', 'ep1-99').gap).toEqual({ channel: 'a', from: 'ep1-99', to: e1.id, reason: 'epoch' })
  })

  it('R9: no cursor means live only', () => {
    const { log } = setup()
    log.append('a', 1)
    expect(log.replay('a', undefined)).toEqual({ gap: undefined, events: [] })
  })

  it('replay of a cursor inside a long log finds the right start (binary search)', () => {
    const { log } = setup({ maxEvents: 1000 })
    const all = Array.from({ length: 500 }, (_, i) => log.append(i % 2 ? 'a' : 'b', i))
    const a = all.filter((e) => e.channel === 'a')
    const cursor = all[301] as (typeof all)[number]
    expect(log.replay('a', cursor.id).events).toEqual(a.filter((e) => e.seq > cursor.seq))
  })
})

describe('mid window (R22)', () => {
  it('remembers the last `size` publishes per channel', () => {
    const w = createMidWindow(3)
    w.record('c', 'm1', 'e-1')
    w.record('other', 'm1', 'e-2')
    expect(w.lookup('c', 'm1')).toBe('e-1')
    expect(w.lookup('other', 'm1')).toBe('e-2')
    w.record('c', undefined, 'e-3')
    w.record('c', 'm2', 'e-4')
    expect(w.lookup('c', 'm1')).toBe('e-1')
    w.record('c', undefined, 'e-5') // m1 is now the 4th publish back: out of the window
    expect(w.lookup('c', 'm1')).toBeUndefined()
    expect(w.lookup('c', 'm2')).toBe('e-4')
    expect(w.lookup('other', 'm1')).toBe('e-2')
  })
})
