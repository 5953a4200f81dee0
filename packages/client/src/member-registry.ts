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
  const byChannel = new Map<string, Set<SessionMember>>()
  const all = (): SessionMember[] => [...byChannel.values()].flatMap((set) => [...set])
  return {
    add(member) {
      const set = byChannel.get(member.channel)
      if (set) {
        set.add(member)
        return false
      }
      byChannel.set(member.channel, new Set([member]))
      return true
    },
    remove(member) {
      const set = byChannel.get(member.channel)
      if (!set?.delete(member)) return false
      if (set.size === 0) byChannel.delete(member.channel)
      return true
    },
    has: (member) => byChannel.get(member.channel)?.has(member) ?? false,
    hasChannel: (channel) => byChannel.has(channel),
    get: (channel) => byChannel.get(channel),
    named: (channel) => [...(byChannel.get(channel) ?? [])],
    each(fn) {
      for (const member of all()) fn(member)
    },
    channels: () => [...byChannel.keys()],
    cursorFor: (channel, tracker) => tracker.get(channel) ?? byChannel.get(channel)?.values().next().value?.initialCursor,
    get size() {
      return byChannel.size
    },
    clear() {
      const members = all()
      byChannel.clear()
      return members
    },
  }
}
