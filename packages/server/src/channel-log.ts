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

interface ChannelState {
  events: LoggedEvent[]
  /** The largest seq ever evicted from this channel, 0 if none. */
  evictedSeq: number
}

/** Creates an empty log. */
export function createChannelLog(options: ChannelLogOptions): ChannelLog {
  const { epoch, maxEvents, maxAgeMs, now } = options
  const channels = new Map<string, ChannelState>()
  let seq = 0

  function evictOld(state: ChannelState): void {
    const oldest = now() - maxAgeMs
    let drop = 0
    while (drop < state.events.length && (state.events[drop] as LoggedEvent).at < oldest) drop++
    while (state.events.length - drop > maxEvents) drop++
    if (drop === 0) return
    state.evictedSeq = (state.events[drop - 1] as LoggedEvent).seq
    state.events.splice(0, drop)
  }

  function stateOf(channel: string): ChannelState | undefined {
    const state = channels.get(channel)
    if (state) evictOld(state)
    return state
  }

  /** Index of the first event with seq > `after`. */
  function firstAfter(events: readonly LoggedEvent[], after: number): number {
    let lo = 0
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
      if (!state) channels.set(channel, (state = { events: [], evictedSeq: 0 }))
      seq += 1
      const logged: LoggedEvent = { channel, id: formatEventId(epoch, seq), seq, data, event, at: now() }
      state.events.push(logged)
      evictOld(state)
      return logged
    },
    replay(channel, cursor) {
      if (cursor === undefined) return { gap: undefined, events: [] }
      const events = stateOf(channel)?.events ?? []
      const parsed = parseEventId(cursor)
      // R8: malformed → unknown epoch. A same-epoch cursor beyond our counter was not issued by this log
      // (e.g. a restart that kept a configured epoch but lost the log), so it is treated as another epoch too.
      if (!parsed || parsed.epoch !== epoch || parsed.seq > seq) {
        return { gap: gapOf(channel, cursor, events[0], 'epoch'), events: events.slice() }
      }
      const evictedSeq = channels.get(channel)?.evictedSeq ?? 0
      const start = firstAfter(events, parsed.seq)
      const missed = events.slice(start)
      const gap = evictedSeq > parsed.seq ? gapOf(channel, cursor, missed[0], 'retention') : undefined
      return { gap, events: missed }
    },
    lastSeq: () => seq,
    head: () => formatEventId(epoch, seq),
    retained: (channel) => stateOf(channel)?.events.slice() ?? [],
  }
}

function gapOf(channel: string, from: string, first: LoggedEvent | undefined, reason: GapInfo['reason']): GapInfo {
  return { channel, from, to: first ? first.id : null, reason }
}
