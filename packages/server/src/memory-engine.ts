/**
 * The embedded engine: the in-memory channel log (`channel-log.ts`), the `mid` window (`mid-window.ts`) and the
 * instance's fan-out, all synchronous. The default of `createSwitchlineServer`; one process, one log.
 */
import { createChannelLog, type ChannelLog, type LoggedEvent } from './channel-log'
import type { EngineFactory, EngineHealth, EngineSubscription, SwitchlineEngine } from './engine'
import { primeEventWire } from './event-wire'
import { createLiveFanout } from './live-fanout'
import { createMidWindow, type MidWindow } from './mid-window'
import { newEpochBesides, randomEpoch } from './epoch'

const READY: EngineHealth = { ready: true, state: 'ready' }

/**
 * The in-memory engine, the default: the log, its id sequence and the fan-out live in this process. Use it for
 * one instance; for several behind a load balancer use `redisEngine` from `@switchline/server/redis`.
 * @example
 * ```ts
 * createSwitchlineServer({ channels, engine: memoryEngine() }) // the same as leaving `engine` out
 * ```
 */
export function memoryEngine(): EngineFactory<true> {
  return { name: 'memory', create: createMemoryEngine }
}

function createMemoryEngine(context: Parameters<EngineFactory<true>['create']>[0]): SwitchlineEngine<true> {
  const { maxEvents, maxAgeMs, now, midWindow, maxChannelInstances } = context
  const newLog = (epoch: string): ChannelLog =>
    createChannelLog({ epoch, maxEvents, maxAgeMs, now, maxChannels: maxChannelInstances })
  let log = newLog(context.epoch ?? randomEpoch())
  let mids: MidWindow = createMidWindow(midWindow)
  const fanout = createLiveFanout()
  let closed = false

  return {
    sync: true,
    epoch: () => log.epoch,
    ready: () => (closed ? Promise.reject(new Error('engine closed')) : Promise.resolve()),
    append({ channel, data, event, mid, dataJson }) {
      if (mid !== undefined) {
        const original = mids.lookup(channel, mid)
        if (original !== undefined) return { id: original, duplicate: true }
      }
      const logged = log.append(channel, data, event)
      if (dataJson !== undefined) primeEventWire(logged, dataJson)
      mids.record(channel, mid, logged.id)
      fanout.deliver(logged)
      return { id: logged.id, duplicate: false }
    },
    subscribe(requests, listener): EngineSubscription {
      const member = fanout.add(
        requests.map((r) => r.channel),
        listener,
      )
      // Synchronous from here to the return: the head and the replay describe the same moment.
      const headSeq = log.lastSeq()
      const gaps: EngineSubscription['gaps'][number][] = []
      const replay: LoggedEvent[] = []
      for (const { channel, cursor } of requests) {
        const result = log.replay(channel, cursor)
        if (result.gap) gaps.push(result.gap)
        replay.push(...result.events)
      }
      if (requests.length > 1) replay.sort((a, b) => a.seq - b.seq)
      return member.subscription(log.epoch, log.head(), gaps, replay, headSeq)
    },
    subscriberCounts: () => fanout.counts(),
    channelInstances: () => log.channelCount(),
    health: () => (closed ? { ready: false, state: 'closed', reason: 'engine closed' } : READY),
    reset() {
      log = newLog(newEpochBesides(log.epoch))
      mids = createMidWindow(midWindow)
    },
    async close() {
      closed = true
    },
  }
}
