/**
 * The channel members of one session (the client's SSE stream or its WebSocket), grouped by channel. Both
 * sessions keep the same bookkeeping; this is its one copy.
 */
import type { CursorTracker } from '../core/dedupe'
import type { ChannelMember } from './session-types'
import type { EventMeta } from '../types'

/** Members by channel. Iteration helpers work on copies, so a callback may add or remove members. */
export interface MemberRegistry {
  /** Adds a member; `true` when its channel had no member before. */
  add(member: ChannelMember): boolean
  /** Removes a member; `false` when it was not there. An emptied channel is forgotten. */
  remove(member: ChannelMember): boolean
  has(member: ChannelMember): boolean
  hasChannel(channel: string): boolean
  /**
   * Delivers one event to a channel's members (none: nothing). A member that adds or removes members does not
   * change who hears this event.
   */
  deliver(channel: string, data: unknown, meta: EventMeta): void
  /** The members of a channel (a copy). */
  named(channel: string): ChannelMember[]
  /** Calls `fn` for every member (over a copy). */
  each(fn: (member: ChannelMember) => void): void
  channels(): string[]
  /** The cursor a channel resumes from: the tracker's, else its first member's `initialCursor` (the app's). */
  cursorFor(channel: string, tracker: CursorTracker): string | undefined
  /** How many channels have members. */
  readonly size: number
  /** Forgets every member; returns them. */
  clear(): ChannelMember[]
}

/** Creates an empty registry. */
export function createMemberRegistry(): MemberRegistry {
  return new Members()
}

/**
 * A channel's members: the member itself (the common case: no collection per channel, ~150 B less than a one-item
 * Set), or an array that is never changed in place (add/remove store a new one), so iterating it is copy-safe.
 */
type Entry = ChannelMember | ChannelMember[]

const list = (entry: Entry | undefined): ChannelMember[] =>
  entry === undefined ? [] : Array.isArray(entry) ? entry : [entry]

/**
 * A class (V8 memory notes §1, §3: docs/decisions/0021-v8-memory-notes.md).
 * Methods use `this`: call them on the registry.
 */
class Members implements MemberRegistry {
  readonly #byChannel = new Map<string, Entry>()

  #all(): ChannelMember[] {
    return [...this.#byChannel.values()].flat()
  }
  add(member: ChannelMember): boolean {
    const entry = this.#byChannel.get(member.channel)
    if (entry === undefined) {
      this.#byChannel.set(member.channel, member)
      return true
    }
    const members = list(entry)
    if (!members.includes(member)) this.#byChannel.set(member.channel, [...members, member])
    return false
  }
  remove(member: ChannelMember): boolean {
    const members = list(this.#byChannel.get(member.channel))
    if (!members.includes(member)) return false
    const rest = members.filter((m) => m !== member)
    if (rest.length === 0) this.#byChannel.delete(member.channel)
    else this.#byChannel.set(member.channel, rest.length > 1 ? rest : (rest[0] as ChannelMember))
    return true
  }
  has(member: ChannelMember): boolean {
    return list(this.#byChannel.get(member.channel)).includes(member)
  }
  hasChannel(channel: string): boolean {
    return this.#byChannel.has(channel)
  }
  deliver(channel: string, data: unknown, meta: EventMeta): void {
    const entry = this.#byChannel.get(channel)
    if (Array.isArray(entry)) for (const member of entry) member.deliver(data, meta)
    else entry?.deliver(data, meta)
  }
  named(channel: string): ChannelMember[] {
    return [...list(this.#byChannel.get(channel))]
  }
  each(fn: (member: ChannelMember) => void): void {
    for (const member of this.#all()) fn(member)
  }
  channels(): string[] {
    return [...this.#byChannel.keys()]
  }
  cursorFor(channel: string, tracker: CursorTracker): string | undefined {
    return tracker.get(channel) ?? list(this.#byChannel.get(channel))[0]?.initialCursor
  }
  get size(): number {
    return this.#byChannel.size
  }
  clear(): ChannelMember[] {
    const members = this.#all()
    this.#byChannel.clear()
    return members
  }
}
