/**
 * An instance's live subscribers, shared by the engines: who gets each live event, with the hold-back that makes
 * replay-then-live exact. A member is added before the engine reads its head and replay; events that arrive
 * meanwhile are held; `start(headSeq)` delivers the held ones newer than the head, and from then on every event
 * newer than the head goes straight to the listener. Events at or below the head are never delivered live: they
 * are in the replay, or before the head (R9). Each event object is handed to every member, so its wire text is
 * encoded once per event (`event-wire.ts`), not once per subscriber.
 */
import type { GapInfo } from '@switchline/client/protocol'
import type { LoggedEvent } from './channel-log'
import type { EngineListener, EngineSubscription } from './engine'

/** One subscription's place in the fan-out. */
export interface FanoutMember {
  /** Delivers held events newer than `headSeq`, then live ones (once). */
  start(headSeq: number): void
  /** Leaves the fan-out; idempotent. */
  close(): void
  /**
   * The engine's subscription for this member, once the engine read its head (`headSeq` is the head's seq), gaps
   * and replay: its `start()` starts this member from the head.
   */
  subscription(
    epoch: string,
    head: string,
    gaps: readonly GapInfo[],
    replay: readonly LoggedEvent[],
    headSeq: number,
  ): EngineSubscription
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

/** The fan-out's side of its members: what a member calls when it leaves. */
interface Registry {
  remove(member: Member, channels: Channels): void
}

/** A member's channels: the name itself for the usual single channel (no array kept per subscription). */
type Channels = string | readonly string[]

const each = (channels: Channels): readonly string[] => (typeof channels === 'string' ? [channels] : channels)

/** What a subscription without gaps or replay holds: one shared empty list instead of two per subscription. */
const NOTHING: readonly never[] = Object.freeze([])

/**
 * One subscription's place in the fan-out, and the engine's subscription once its head is known: a class, and one
 * object per subscription, so that the thousands a server holds share their methods instead of carrying closures
 * each (heap per idle connection, docs/decisions/0022).
 */
class Member implements FanoutMember, EngineSubscription {
  /** Events held until `start`; `undefined` once started (or closed). */
  held: LoggedEvent[] | undefined = []
  /** Only events with a larger seq are delivered live (read once `held` is `undefined`). */
  headSeq = 0
  closed = false
  epoch = ''
  head = ''
  gaps: readonly GapInfo[] = NOTHING
  replay: readonly LoggedEvent[] = NOTHING
  /** The seq of {@link head}, where `start()` begins live delivery. */
  private startSeq = 0

  constructor(
    readonly listener: EngineListener,
    private readonly channels: Channels,
    private readonly registry: Registry,
  ) {}

  subscription(
    epoch: string,
    head: string,
    gaps: readonly GapInfo[],
    replay: readonly LoggedEvent[],
    headSeq: number,
  ): EngineSubscription {
    this.epoch = epoch
    this.head = head
    if (gaps.length > 0) this.gaps = gaps
    if (replay.length > 0) this.replay = replay
    this.startSeq = headSeq
    return this
  }

  start(headSeq: number = this.startSeq): void {
    const held = this.held
    if (this.closed || held === undefined) return
    this.held = undefined
    this.headSeq = headSeq
    // The head, gaps and replay were for the transport to write before this call; an idle subscription keeps none.
    this.head = ''
    this.gaps = this.replay = NOTHING
    for (const event of held) {
      if (this.closed) return
      if (event.seq > headSeq) this.listener.event(event)
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.held = undefined
    this.registry.remove(this, this.channels)
  }
}

/**
 * Creates a fan-out. `onChannelEmpty` is told when a channel loses its last member (Redis unsubscribes its
 * pub/sub channel then).
 */
export function createLiveFanout(onChannelEmpty: (channel: string) => void = () => undefined): LiveFanout {
  const byChannel = new Map<string, Set<Member>>()
  const registry: Registry = {
    remove(member, channels) {
      for (const channel of each(channels)) {
        const set = byChannel.get(channel)
        if (!set?.delete(member) || set.size > 0) continue
        byChannel.delete(channel)
        onChannelEmpty(channel)
      }
    },
  }

  return {
    add(channels, listener) {
      const member = new Member(listener, channels.length === 1 ? (channels[0] as string) : channels, registry)
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
