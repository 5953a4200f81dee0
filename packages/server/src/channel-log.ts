/**
 * The in-memory channel log: one global `seq` counter per server (R5), one bounded log per channel instance
 * (by count and age), and replay from a cursor with gap semantics (R6–R9). Pure apart from the injected clock.
 *
 * Instances are bounded too: a log is created by the first append to an instance (never by a subscription), forgotten
 * once all its events have aged out, and there are at most `maxChannels` at once (an append to a new instance beyond
 * that throws {@link ChannelCapacityError}). What a forgotten instance may have lost is kept in a fixed-size sketch
 * (forgotten-seqs.ts), so an old cursor still gets its gap.
 */
import { formatEventId, parseEventId, type GapInfo, type Json } from '@switchline/client/protocol'
import { ChannelCapacityError } from './errors'
import { createForgottenSeqs } from './forgotten-seqs'

/** An event as stored in the log. */
export interface LoggedEvent {
  readonly channel: string
  /** The event id, `<epoch>-<seq>`. */
  readonly id: string
  readonly seq: number
  readonly data: Json
  /** The event name the publisher gave, if any. */
  readonly event: string | undefined
  /** When it was appended, in ms (the log's clock). */
  readonly at: number
}

/**
 * How the log stores an event: the {@link LoggedEvent} plus its wire bytes, filled at publish or when a transport
 * first delivers it (`event-wire.ts`), then shared by every subscriber and replay. Created with both slots so that
 * every stored event has one shape.
 * @internal
 */
export interface StoredEvent extends LoggedEvent {
  /** The SSE event as one HTTP/1.1 chunk. */
  sseWire: Buffer | undefined
  /** The WebSocket text frame, header included. */
  wsWire: Buffer | undefined
}

/** What to deliver when a channel is resumed from a cursor. */
export interface Replay {
  /** Sent first when the cursor cannot be served completely (R7, R8). */
  readonly gap: GapInfo | undefined
  /** Retained events after the cursor, oldest first. */
  readonly events: readonly LoggedEvent[]
}

/** Options of {@link createChannelLog}. */
export interface ChannelLogOptions {
  /** The epoch of every id in this log. */
  epoch: string
  /** Most events kept per channel instance. */
  maxEvents: number
  /** Oldest event age kept, in ms. */
  maxAgeMs: number
  /** The clock, in ms. */
  now: () => number
  /**
   * Most channel instances holding a log at once; an append to a new instance beyond it throws
   * {@link ChannelCapacityError} unless an instance whose events have all aged out can be forgotten.
   * @defaultValue `Infinity`
   */
  maxChannels?: number
}

/** A server's channel log. */
export interface ChannelLog {
  readonly epoch: string
  /** Appends an event to `channel`'s log with the next global seq. */
  append(channel: string, data: Json, event?: string): LoggedEvent
  /** Resumes `channel` from `cursor` (R6–R9); no cursor means live only. */
  replay(channel: string, cursor: string | undefined): Replay
  /** The last seq handed out (0 before the first append). */
  lastSeq(): number
  /** The head cursor (R9): the id of the newest event, or `<epoch>-0` before the first. */
  head(): string
  /** Retained events of `channel` (after age eviction). */
  retained(channel: string): readonly LoggedEvent[]
  /** Channel instances holding a log now. */
  channelCount(): number
}

/**
 * One channel instance's log: `events[head..]` are retained, oldest first. Eviction only moves `head`; the dead
 * prefix is cut off once it is at least as long as the live part, so an append costs O(1) amortised (a full log
 * evicts one event per append) and the array never holds more than about twice what is retained.
 */
interface ChannelState {
  events: LoggedEvent[]
  /** Index of the oldest retained event in `events`. */
  head: number
  /** The largest seq ever evicted from this channel, 0 if none. */
  evictedSeq: number
}

/** The dead prefix is compacted away only from this length on, so tiny logs are not copied on every append. */
const MIN_COMPACT = 32

/** Creates an empty log. */
export function createChannelLog(options: ChannelLogOptions): ChannelLog {
  const { epoch, maxEvents, maxAgeMs, now } = options
  const maxChannels = options.maxChannels ?? Infinity
  /** In order of last append, oldest first: the instances whose events all aged out are at the front. */
  const channels = new Map<string, ChannelState>()
  const forgotten = createForgottenSeqs()
  let lastAppended: string | undefined
  let seq = 0

  /** Forgets the instances at the front whose newest event has aged out (so have all of theirs). */
  function forgetIdle(): void {
    const oldest = now() - maxAgeMs
    for (const [channel, state] of channels) {
      const newest = state.events[state.events.length - 1] // none when a read already evicted them all
      if (newest !== undefined && newest.at >= oldest) return
      channels.delete(channel)
      forgotten.forget(channel, newest?.seq ?? state.evictedSeq)
      if (lastAppended === channel) lastAppended = undefined
    }
  }

  /** The state of `channel` for an append, created (after making room) when it has none. */
  function stateFor(channel: string): ChannelState {
    let state = channels.get(channel)
    if (state) {
      if (lastAppended !== channel) {
        channels.delete(channel) // keep the map in order of last append
        channels.set(channel, state)
      }
      return state
    }
    if (channels.size >= maxChannels) {
      // forgetIdle() left the front in place: its newest event ages out first, and frees a slot
      const [, front] = channels.entries().next().value as [string, ChannelState]
      const agesOutAt = (front.events[front.events.length - 1]?.at ?? now()) + maxAgeMs
      throw new ChannelCapacityError(channel, maxChannels, Math.max(1, agesOutAt - now() + 1))
    }
    // A cursor from before an earlier life of this instance must still see that life's events as evicted (R7).
    state = { events: [], head: 0, evictedSeq: forgotten.floor(channel) }
    channels.set(channel, state)
    return state
  }

  function evictOld(state: ChannelState): void {
    const { events } = state
    const oldest = now() - maxAgeMs
    let head = Math.max(state.head, events.length - maxEvents)
    while (head < events.length && (events[head] as LoggedEvent).at < oldest) head++
    if (head === state.head) return
    state.evictedSeq = (events[head - 1] as LoggedEvent).seq
    if (head === events.length || (head >= MIN_COMPACT && head * 2 >= events.length)) {
      state.events = events.slice(head)
      state.head = 0
    } else state.head = head
  }

  /** The retained events of `channel`, after eviction: `events[from..]`. */
  function retainedOf(channel: string): { events: readonly LoggedEvent[]; from: number } {
    const state = channels.get(channel)
    if (!state) return { events: [], from: 0 }
    evictOld(state)
    return { events: state.events, from: state.head }
  }

  /** Index of the first event at or after `lo` with seq > `after`. */
  function firstAfter(events: readonly LoggedEvent[], lo: number, after: number): number {
    let hi = events.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((events[mid] as LoggedEvent).seq <= after) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  return {
    epoch,
    append(channel, data, event) {
      forgetIdle()
      const state = stateFor(channel)
      lastAppended = channel
      seq += 1
      const id = formatEventId(epoch, seq)
      const logged: StoredEvent = { channel, id, seq, data, event, at: now(), sseWire: undefined, wsWire: undefined }
      state.events.push(logged)
      evictOld(state)
      return logged
    },
    replay(channel, cursor) {
      if (cursor === undefined) return { gap: undefined, events: [] }
      forgetIdle()
      const { events, from } = retainedOf(channel)
      const parsed = parseEventId(cursor)
      // R8: malformed → unknown epoch. A same-epoch cursor beyond our counter was not issued by this log
      // (e.g. a restart that kept a configured epoch but lost the log), so it is treated as another epoch too.
      if (!parsed || parsed.epoch !== epoch || parsed.seq > seq) {
        return { gap: gapOf(channel, cursor, events[from], 'epoch'), events: events.slice(from) }
      }
      const evictedSeq = channels.get(channel)?.evictedSeq ?? forgotten.floor(channel)
      const missed = events.slice(firstAfter(events, from, parsed.seq))
      const gap = evictedSeq > parsed.seq ? gapOf(channel, cursor, missed[0], 'retention') : undefined
      return { gap, events: missed }
    },
    lastSeq: () => seq,
    head: () => formatEventId(epoch, seq),
    retained(channel) {
      const { events, from } = retainedOf(channel)
      return events.slice(from)
    },
    channelCount: () => channels.size,
  }
}

function gapOf(channel: string, from: string, first: LoggedEvent | undefined, reason: GapInfo['reason']): GapInfo {
  return { channel, from, to: first ? first.id : null, reason }
}
