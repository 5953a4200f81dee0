/**
 * The in-memory channel log: one global `seq` counter per server (R5), one bounded log per channel instance
 * (by count and age), and replay from a cursor with gap semantics (R6–R9). Pure apart from the injected clock.
 */
import { formatEventId, parseEventId, type GapInfo, type Json } from '@switchline/client/protocol'

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
 * How the log stores an event: the {@link LoggedEvent} plus its wire texts, empty until a transport first delivers
 * it (`event-text.ts`), then shared by every subscriber and replay. Created with both slots so that every stored
 * event has one shape.
 * @internal
 */
export interface StoredEvent extends LoggedEvent {
  sseText: string | undefined
  wsText: string | undefined
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
  const channels = new Map<string, ChannelState>()
  let seq = 0

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
      let state = channels.get(channel)
      if (!state) channels.set(channel, (state = { events: [], head: 0, evictedSeq: 0 }))
      seq += 1
      const id = formatEventId(epoch, seq)
      const logged: StoredEvent = { channel, id, seq, data, event, at: now(), sseText: undefined, wsText: undefined }
      state.events.push(logged)
      evictOld(state)
      return logged
    },
    replay(channel, cursor) {
      if (cursor === undefined) return { gap: undefined, events: [] }
      const { events, from } = retainedOf(channel)
      const parsed = parseEventId(cursor)
      // R8: malformed → unknown epoch. A same-epoch cursor beyond our counter was not issued by this log
      // (e.g. a restart that kept a configured epoch but lost the log), so it is treated as another epoch too.
      if (!parsed || parsed.epoch !== epoch || parsed.seq > seq) {
        return { gap: gapOf(channel, cursor, events[from], 'epoch'), events: events.slice(from) }
      }
      const evictedSeq = channels.get(channel)?.evictedSeq ?? 0
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
  }
}

function gapOf(channel: string, from: string, first: LoggedEvent | undefined, reason: GapInfo['reason']): GapInfo {
  return { channel, from, to: first ? first.id : null, reason }
}
