/**
 * The head cursor (docs/protocol.md R9). A channel subscribed without a cursor gets live events only; so that it
 * can still resume without loss, the server tells where "live" began — `sl-ready.cursor` for every channel of an
 * SSE stream, `subscribed.cursor` for one WebSocket subscription. A channel that has no cursor takes it as its
 * cursor: resuming from it later replays everything the channel published since (R6), or reports a gap (R7).
 *
 * A real cursor is never replaced: one sent with the request (the app's `lastEventId`) is where the replay that
 * follows starts, and the tracker's mark is what was delivered. Either may be older than the head; moving the mark
 * to the head would make the replayed events look like duplicates and skip them.
 */
import type { CursorTracker } from './dedupe'

/**
 * Takes `head` as `channel`'s cursor when the request carried none (`sent === undefined`) and the tracker has
 * none either. Returns whether it did.
 * @example
 * // sl-ready {"channels":["ticker"],"cursor":"k3f9a-1041"} for a stream requested without since.ticker
 * adoptHeadCursor(tracker, 'ticker', 'k3f9a-1041', undefined) // true: tracker.get('ticker') === 'k3f9a-1041'
 */
export function adoptHeadCursor(
  tracker: CursorTracker,
  channel: string,
  head: string,
  sent: string | undefined,
): boolean {
  if (sent !== undefined || tracker.get(channel) !== undefined) return false
  tracker.set(channel, head)
  return true
}
