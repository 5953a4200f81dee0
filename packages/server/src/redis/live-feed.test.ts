import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import type { LoggedEvent } from '../channel-log'
import type { LiveFanout } from '../live-fanout'
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
    createLiveFeed(subscriber, keys, fanout)
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
