import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import type { LoggedEvent } from '../channel-log'
import { createManualTimers } from '../../test/manual-timers'
import { createLiveFanout, type LiveFanout } from '../live-fanout'
import { joinWriteBatch, type Corkable } from '../write-batch'
import { createLiveFeed } from './live-feed'
import { redisKeys } from './scripts'

const keys = redisKeys('t')
const message = (seq: number): string => `${seq} ep ${seq} ${JSON.stringify([{ n: seq }])}`

/** A fan-out whose every delivery writes to one socket that counts how it was corked. */
function recordingFanout(): { fanout: LiveFanout; seqs: number[]; corkedWrites: boolean[]; uncorks: () => number } {
  const socket = {
    writableCorked: 0,
    uncorks: 0,
    cork: () => void (socket.writableCorked += 1),
    uncork: () => void ((socket.writableCorked -= 1), (socket.uncorks += 1)),
  }
  const seqs: number[] = []
  const corkedWrites: boolean[] = []
  const fanout = {
    deliver(event: LoggedEvent) {
      joinWriteBatch(socket as Corkable)
      corkedWrites.push(socket.writableCorked > 0)
      seqs.push(event.seq)
    },
    interruptAll: () => undefined,
  } as unknown as LiveFanout
  return { fanout, seqs, corkedWrites, uncorks: () => socket.uncorks }
}

describe('Redis live feed', () => {
  it('delivers the messages of one read together, in order, as one write batch; a later read is another batch', async () => {
    const subscriber = new EventEmitter() as unknown as Redis
    const { fanout, seqs, corkedWrites, uncorks } = recordingFanout()
    createLiveFeed(subscriber, keys, fanout, { timers: createManualTimers(), graceMs: 5000 })
    for (const seq of [1, 2, 3]) subscriber.emit('message', keys.pubsub('a'), message(seq))
    expect(seqs).toEqual([]) // delivered after the read, in a microtask
    await Promise.resolve()
    expect(seqs).toEqual([1, 2, 3])
    expect(corkedWrites).toEqual([true, true, true])
    expect(uncorks()).toBe(1)
    subscriber.emit('message', keys.pubsub('b'), message(4))
    await Promise.resolve()
    expect(seqs).toEqual([1, 2, 3, 4])
    expect(uncorks()).toBe(2)
  })
})

/** An ioredis connection as the feed sees it: `ready` and `close` events, and a status. */
function fakeConnection(): Redis & { up(): void; down(): void } {
  const connection = Object.assign(new EventEmitter(), {
    status: 'connecting',
    up() {
      connection.status = 'ready'
      connection.emit('ready')
    },
    down() {
      connection.status = 'reconnecting'
      connection.emit('close')
    },
  })
  return connection as unknown as Redis & { up(): void; down(): void }
}

/**
 * A feed on a fake connection and manual timers, with `count` started subscribers on a real fan-out that leave it
 * when interrupted, as the transports do (their connection closes).
 */
function feedWithSubscribers(count: number, graceMs = 5000) {
  const clock = createManualTimers()
  const connection = fakeConnection()
  const fanout = createLiveFanout()
  const feed = createLiveFeed(connection, keys, fanout, { timers: clock, graceMs })
  const interruptedAt: number[] = []
  const join = (): void => {
    let member: ReturnType<LiveFanout['add']> | undefined
    member = fanout.add(['a'], {
      event: () => undefined,
      interrupted: () => {
        interruptedAt.push(clock.now() - start)
        member?.close()
      },
    })
    member.subscription('ep', 'ep-0', [], [], 0).start()
  }
  const start = clock.now()
  connection.up()
  for (let i = 0; i < count; i++) join()
  return { clock, connection, fanout, feed, interruptedAt, join, elapsed: () => clock.now() - start }
}

describe('Redis live feed: a lost pub/sub connection', () => {
  it('that never comes back: every live subscriber is interrupted once the grace is over, not before; reconnection attempts do not restart the grace; not intact until it is back', () => {
    const { clock, connection, fanout, feed, interruptedAt } = feedWithSubscribers(3)
    expect(feed.intact()).toBe(true)
    clock.advance(1000)
    connection.down()
    expect(feed.intact()).toBe(false)
    expect(clock.pending()).toBe(1)
    // ioredis closes the connection again after each failed attempt to reconnect
    for (let i = 0; i < 49; i++) {
      clock.advance(100)
      connection.down()
    }
    expect(interruptedAt).toEqual([])
    clock.advance(99)
    expect(interruptedAt).toEqual([])
    clock.advance(1)
    expect(interruptedAt).toEqual([6000, 6000, 6000])
    expect(fanout.counts()).toEqual({})
    expect(clock.pending()).toBe(0)
    expect(feed.intact()).toBe(false)
    // Still lost: nothing more happens, however long it takes.
    for (let i = 0; i < 10; i++) {
      clock.advance(10_000)
      connection.down()
    }
    expect(interruptedAt).toHaveLength(3)
    expect(clock.pending()).toBe(0)
    expect(feed.intact()).toBe(false)
    connection.up()
    expect(feed.intact()).toBe(true)
    expect(interruptedAt).toHaveLength(3)
    expect(clock.pending()).toBe(0)
  })

  it('back within the grace: every live subscriber is interrupted when it is back (as before the grace existed), and the timer is gone', () => {
    const { clock, connection, feed, interruptedAt } = feedWithSubscribers(2)
    connection.down()
    const lostAt = feed.generation()
    clock.advance(4999)
    expect(interruptedAt).toEqual([])
    connection.up()
    expect(interruptedAt).toEqual([4999, 4999])
    expect(feed.generation()).toBe(lostAt)
    expect(feed.intact()).toBe(true)
    expect(clock.pending()).toBe(0)
    clock.advance(60_000)
    expect(interruptedAt).toHaveLength(2)
  })

  it('lost again later: a new grace from the new loss', () => {
    const { clock, connection, join, interruptedAt, elapsed } = feedWithSubscribers(1)
    connection.down()
    clock.advance(3000)
    connection.up()
    expect(interruptedAt).toEqual([3000])
    join()
    clock.advance(1000)
    connection.down()
    clock.advance(4999)
    expect(interruptedAt).toEqual([3000])
    clock.advance(1)
    expect(interruptedAt).toEqual([3000, elapsed()])
    expect(elapsed()).toBe(9000)
  })

  it('a subscriber that has not started yet is not interrupted (the engine fails its subscribe by generation)', () => {
    const { clock, connection, fanout, feed, interruptedAt } = feedWithSubscribers(1)
    const generation = feed.generation()
    const held = fanout.add(['a'], { event: () => undefined, interrupted: () => interruptedAt.push(-1) })
    connection.down()
    expect(feed.generation()).toBe(generation + 1)
    clock.advance(5000)
    expect(interruptedAt).toEqual([5000])
    held.close()
  })

  it('close() during the grace clears its timer; a close event after it (the engine disconnecting) starts none', () => {
    const { clock, connection, feed, interruptedAt } = feedWithSubscribers(1)
    connection.down()
    expect(clock.pending()).toBe(1)
    feed.close()
    expect(clock.pending()).toBe(0)
    clock.advance(60_000)
    expect(interruptedAt).toEqual([])

    const other = feedWithSubscribers(1)
    other.feed.close()
    other.connection.down()
    other.feed.close()
    expect(other.clock.pending()).toBe(0)
    other.clock.advance(60_000)
    expect(other.interruptedAt).toEqual([])
  })

  it('a connection that closes before it was ever ready starts no grace (no subscriber can exist yet)', () => {
    const clock = createManualTimers()
    const connection = fakeConnection()
    const feed = createLiveFeed(connection, keys, createLiveFanout(), { timers: clock, graceMs: 5000 })
    connection.down()
    connection.down()
    expect(clock.pending()).toBe(0)
    expect(feed.intact()).toBe(false)
    expect(feed.generation()).toBe(0)
  })
})
