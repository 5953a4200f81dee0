/**
 * The instance's one Redis pub/sub connection: it subscribes a channel while the instance has subscribers for it,
 * turns messages into events for the fan-out, and watches the connection. One connection means one order: the
 * append script publishes in seq order, and Redis delivers one connection's messages in that order.
 *
 * A lost connection may have lost messages. Nothing is resubscribed behind the fan-out's back: the instance's
 * subscriptions are forgotten at once (new subscribers are refused meanwhile), and every live subscriber is
 * interrupted, so each client resumes from its cursor, on this instance or another: when the connection is back, or
 * once it has stayed away for the grace period (`graceMs`), whichever comes first. A Redis outage shorter than the
 * grace keeps open streams up until Redis is back; an instance cut off from Redis alone does not keep its clients
 * for longer than the grace. The grace runs from the loss: the failed reconnection attempts after it (each one
 * closes a connection again) do not restart it.
 */
import type { Redis } from 'ioredis'
import type { StoredEvent } from '../channel-log'
import type { LiveFanout } from '../live-fanout'
import type { TimerFunctions } from '../types'
import type { RedisKeys } from './scripts'
import { writeBatch } from '../write-batch'
import { decodePayload } from './wire'

/** The pub/sub side of a Redis engine. */
export interface LiveFeed {
  /** Subscribes `channel` on the pub/sub connection unless it is already (shared by concurrent callers). */
  ensure(channel: string): Promise<unknown>
  /** The fan-out lost its last subscriber of `channel`. */
  release(channel: string): void
  /** Incremented each time the connection is lost: a subscription begun before cannot trust its live feed. */
  generation(): number
  /** Whether live delivery is intact (connected, and nothing lost since the last interruption). */
  intact(): boolean
  /** The log was reset here on purpose (its subscribers already closed): messages of `epoch` are expected. */
  expectEpoch(epoch: string): void
  /** The engine is closing: stops the grace timer and ignores the connection from now on; idempotent. */
  close(): void
}

/** How a live feed waits for a lost connection. */
export interface LiveFeedTiming {
  /** The server's timers (the grace timer runs on them). */
  readonly timers: TimerFunctions
  /** How long a lost connection may stay away before every live subscriber is interrupted. */
  readonly graceMs: number
}

/** Creates the live feed on `subscriber` (an ioredis connection used for nothing else). */
export function createLiveFeed(
  subscriber: Redis,
  keys: RedisKeys,
  fanout: LiveFanout,
  { timers, graceMs }: LiveFeedTiming,
): LiveFeed {
  const subscribed = new Map<string, Promise<unknown>>()
  let generation = 0
  let everReady = false
  let broken = false
  let closed = false
  /** Set from the loss of the connection until it is back, the grace is over or the feed is closed. */
  let graceTimer: unknown
  const stopGrace = (): void => {
    if (graceTimer === undefined) return
    timers.clearTimeout(graceTimer)
    graceTimer = undefined
  }
  const graceOver = (): void => {
    graceTimer = undefined
    fanout.interruptAll()
  }
  /** The epoch of the last message: a message of another epoch means the log was lost under us. */
  let liveEpoch: string | undefined

  // The messages of one read (ioredis emits them one after the other, synchronously) are delivered together, in a
  // microtask, as one write batch: each subscriber gets them in one write instead of one per event (write-batch.ts).
  let pending: { epoch: string; event: StoredEvent }[] = []
  const deliverPending = (): void => {
    const batch = pending
    pending = []
    writeBatch(() => {
      for (const { epoch, event } of batch) {
        if (liveEpoch !== undefined && epoch !== liveEpoch) fanout.interruptAll()
        liveEpoch = epoch
        fanout.deliver(event)
      }
    })
  }
  subscriber.on('message', (name: string, message: string) => {
    const channel = keys.channelOf(name)
    if (channel === undefined || broken) return
    const event = decodeMessage(channel, message)
    if (!event) return
    if (pending.push(event) === 1) queueMicrotask(deliverPending)
  })
  subscriber.on('close', () => {
    if (!everReady || closed) return
    generation += 1
    subscribed.clear()
    if (broken) return // a reconnection attempt failed: the grace runs from the loss
    broken = true
    graceTimer = timers.setTimeout(graceOver, graceMs)
  })
  subscriber.on('ready', () => {
    everReady = true
    if (!broken || closed) return
    broken = false
    stopGrace()
    // Those the grace already interrupted are gone; none joined since (refused while the feed is not intact).
    fanout.interruptAll()
  })

  return {
    ensure(channel) {
      let pending = subscribed.get(channel)
      if (!pending) {
        pending = subscriber.subscribe(keys.pubsub(channel))
        subscribed.set(channel, pending)
        pending.catch(() => {
          if (subscribed.get(channel) === pending) subscribed.delete(channel)
        })
      }
      return pending
    },
    release(channel) {
      if (!subscribed.delete(channel)) return
      // In order on the connection: a later SUBSCRIBE of the same channel lands after this UNSUBSCRIBE.
      if (subscriber.status === 'ready') subscriber.unsubscribe(keys.pubsub(channel)).catch(() => undefined)
    },
    generation: () => generation,
    intact: () => everReady && !broken && subscriber.status === 'ready',
    expectEpoch(epoch) {
      liveEpoch = epoch
    },
    close() {
      closed = true
      stopGrace()
    },
  }
}

/** A pub/sub message `<seq> <epoch> <t> <payload>` as an event, or `undefined` when it is not one. */
function decodeMessage(channel: string, message: string): { epoch: string; event: StoredEvent } | undefined {
  const a = message.indexOf(' ')
  const b = message.indexOf(' ', a + 1)
  const c = message.indexOf(' ', b + 1)
  if (a < 1 || b < 0 || c < 0) return undefined
  const seq = Number(message.slice(0, a))
  const epoch = message.slice(a + 1, b)
  const decoded = decodePayload(message.slice(c + 1))
  if (!decoded || !Number.isSafeInteger(seq)) return undefined
  const event: StoredEvent = {
    channel,
    id: `${epoch}-${seq}`,
    seq,
    data: decoded.data,
    event: decoded.event,
    at: Number(message.slice(b + 1, c)),
    sseWire: undefined,
    wsWire: undefined,
  }
  return { epoch, event }
}
