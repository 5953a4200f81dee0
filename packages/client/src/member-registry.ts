/**
 * The channel members of one session (the client's SSE stream or its WebSocket), grouped by channel. Both
 * sessions keep the same bookkeeping; this is its one copy.
 */
import type { CursorTracker } from './dedupe'
import type { SessionMember } from './session-member'

/** Members by channel. Iteration helpers work on copies, so a callback may add or remove members. */
export interface MemberRegistry {
  /** Adds a member; `true` when its channel had no member before. */
  add(member: SessionMember): boolean
  /** Removes a member; `false` when it was not there. An emptied channel is forgotten. */
  remove(member: SessionMember): boolean
  has(member: SessionMember): boolean
  hasChannel(channel: string): boolean
  /** The live members of a channel (`undefined` when none) — for routing, not to be changed. */
  get(channel: string): ReadonlySet<SessionMember> | undefined
  /** The members of a channel (a copy). */
  named(channel: string): SessionMember[]
  /** Calls `fn` for every member (over a copy). */
  each(fn: (member: SessionMember) => void): void
  channels(): string[]
  /** The cursor a channel resumes from: the tracker's, else its first member's `initialCursor` (the app's). */
  cursorFor(channel: string, tracker: CursorTracker): string | undefined
  /** How many channels have members. */
  readonly size: number
  /** Forgets every member; returns them. */
  clear(): SessionMember[]
}

/** Creates an empty registry. */
export function createMemberRegistry(): MemberRegistry {
  return new Members()
}

/**
 * A class: every session holds one, and its methods then live once on the prototype (an object literal with the
 * `size` getter would be a dictionary-mode object of ~0.8 kB). Methods use `this`: call them on the registry.
 */
class Members implements MemberRegistry {
  readonly #byChannel = new Map<string, Set<SessionMember>>()

  #all(): SessionMember[] {
    return [...this.#byChannel.values()].flatMap((set) => [...set])
  }
  add(member: SessionMember): boolean {
    const set = this.#byChannel.get(member.channel)
    if (set) {
      set.add(member)
      return false
    }
    this.#byChannel.set(member.channel, new Set([member]))
    return true
  }
  remove(member: SessionMember): boolean {
    const set = this.#byChannel.get(member.channel)
    if (!set?.delete(member)) return false
    if (set.size === 0) this.#byChannel.delete(member.channel)
    return true
  }
  has(member: SessionMember): boolean {
    return this.#byChannel.get(member.channel)?.has(member) ?? false
  }
  hasChannel(channel: string): boolean {
    return this.#byChannel.has(channel)
  }
  get(channel: string): ReadonlySet<SessionMember> | undefined {
    return this.#byChannel.get(channel)
  }
  named(channel: string): SessionMember[] {
    return [...(this.#byChannel.get(channel) ?? [])]
  }
  each(fn: (member: SessionMember) => void): void {
    for (const member of this.#all()) fn(member)
  }
  channels(): string[] {
    return [...this.#byChannel.keys()]
  }
  cursorFor(channel: string, tracker: CursorTracker): string | undefined {
    return tracker.get(channel) ?? this.#byChannel.get(channel)?.values().next().value?.initialCursor
  }
  get size(): number {
    return this.#byChannel.size
  }
  clear(): SessionMember[] {
    const members = this.#all()
    this.#byChannel.clear()
    return members
  }
}
