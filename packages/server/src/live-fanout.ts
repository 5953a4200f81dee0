/**
 * An instance's live subscribers, shared by the engines: who gets each live event, with the hold-back that makes
 * replay-then-live exact. A member is added before the engine reads its head and replay; events that arrive
 * meanwhile are held; `start(headSeq)` delivers the held ones newer than the head, and from then on every event
 * newer than the head goes straight to the listener. Events at or below the head are never delivered live: they
 * are in the replay, or before the head (R9). Each event object is handed to every member, so its wire text is
 * encoded once per event (`event-text.ts`), not once per subscriber.
 */
import type { LoggedEvent } from './channel-log'
import type { EngineListener } from './engine'

/** One subscription's place in the fan-out. */
export interface FanoutMember {
  /** Delivers held events newer than `headSeq`, then live ones (once). */
  start(headSeq: number): void
  /** Leaves the fan-out; idempotent. */
  close(): void
}

/** The fan-out of one instance. */
export interface LiveFanout {
  /** Adds a member for `channels` that holds live events until it is started. */
  add(channels: readonly string[], listener: EngineListener): FanoutMember
  /** Hands a live event to the members of its channel. */
  deliver(event: LoggedEvent): void
  /** Tells every started member that live delivery broke (each listener closes its connection). */
  interruptAll(): void
  /** Whether any member listens to `channel`. */
  has(channel: string): boolean
  /** Members per channel. */
  counts(): Record<string, number>
}

interface Member extends FanoutMember {
  readonly listener: EngineListener
  /** Events held until `start`; `undefined` once started. */
  held: LoggedEvent[] | undefined
  /** Only events with a larger seq are delivered live. */
  headSeq: number
}

/**
 * Creates a fan-out. `onChannelEmpty` is told when a channel loses its last member (Redis unsubscribes its
 * pub/sub channel then).
 */
export function createLiveFanout(onChannelEmpty: (channel: string) => void = () => undefined): LiveFanout {
  const byChannel = new Map<string, Set<Member>>()

  function remove(member: Member, channels: readonly string[]): void {
    for (const channel of channels) {
      const set = byChannel.get(channel)
      if (!set?.delete(member) || set.size > 0) continue
      byChannel.delete(channel)
      onChannelEmpty(channel)
    }
  }

  return {
    add(channels, listener) {
      let closed = false
      const member: Member = {
        listener,
        held: [],
        headSeq: Number.MAX_SAFE_INTEGER,
        start(headSeq) {
          const held = member.held
          if (closed || held === undefined) return
          member.held = undefined
          member.headSeq = headSeq
          for (const event of held) {
            if (closed) return
            if (event.seq > headSeq) listener.event(event)
          }
        },
        close() {
          if (closed) return
          closed = true
          member.held = undefined
          remove(member, channels)
        },
      }
      for (const channel of channels) {
        let set = byChannel.get(channel)
        if (!set) byChannel.set(channel, (set = new Set()))
        set.add(member)
      }
      return member
    },
    deliver(event) {
      const set = byChannel.get(event.channel)
      if (!set) return
      // No copy of the set: a member removed during the fan-out (a slow consumer closed) is skipped, and none is
      // added synchronously by a delivery.
      for (const member of set) {
        if (member.held) member.held.push(event)
        else if (event.seq > member.headSeq) member.listener.event(event)
      }
    },
    interruptAll() {
      const members = new Set<Member>()
      // Members still held belong to subscriptions the engine has not handed out yet; it fails those itself.
      for (const set of byChannel.values()) for (const member of set) if (!member.held) members.add(member)
      for (const member of members) member.listener.interrupted()
    },
    has: (channel) => byChannel.has(channel),
    counts() {
      const counts: Record<string, number> = {}
      for (const [channel, set] of byChannel) counts[channel] = set.size
      return counts
    },
  }
}
