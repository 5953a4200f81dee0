/**
 * A channel subscribed without a cursor gets live events only (R9), so until its first event arrives it has no
 * cursor to resume from, and a drop in that window would lose what was published meanwhile. Ids are one global
 * sequence (R5) and a connection is ordered, so any event id that arrives on the same connection AFTER the channel
 * was accepted is a valid cursor for it: every event of the channel published before that id was already written
 * to the connection. This borrows such ids as the channel's cursor until its own first event arrives.
 */
import type { CursorTracker } from './dedupe'
import { compareEventIds, parseEventId } from './protocol/cursor'

/** Per connection; `reset()` on every new connection. */
export interface CursorBorrowing {
  /** The server accepted `channel` on this connection. */
  ready(channel: string): void
  /** An event with `id` arrived for `channel` (call after `tracker.accept`). */
  seen(channel: string, id: string): void
  /** A new connection starts. */
  reset(): void
}

/**
 * Creates the borrowing state of one session.
 * @example
 * const borrowing = createCursorBorrowing(tracker)
 * borrowing.ready('ticker')            // no cursor yet
 * borrowing.seen('chat', 'k3-120')      // tracker.get('ticker') === 'k3-120'
 */
export function createCursorBorrowing(tracker: CursorTracker): CursorBorrowing {
  const borrowing = new Set<string>()
  return {
    ready(channel) {
      if (tracker.get(channel) === undefined) borrowing.add(channel)
    },
    seen(channel, id) {
      borrowing.delete(channel)
      if (borrowing.size === 0 || parseEventId(id) === undefined) return
      for (const other of borrowing) {
        const mark = tracker.get(other)
        if (mark === undefined || (compareEventIds(id, mark) ?? 1) > 0) tracker.set(other, id)
      }
    },
    reset() {
      borrowing.clear()
    },
  }
}
