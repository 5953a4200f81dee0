/**
 * Idempotent publish (R22): remembers, per channel, the `mid` of the last `size` publishes and the event id each
 * produced, so a repeated `mid` answers the original id instead of publishing again. Every operation is O(1):
 * a fixed ring of the last `size` publishes plus a map from `mid` to its newest id and its count in the ring.
 */

/** The idempotency window of a server. */
export interface MidWindow {
  /** The event id an earlier publish with `mid` on `channel` produced, if it is still in the window. */
  lookup(channel: string, mid: string): string | undefined
  /** Records a publish on `channel` (with or without `mid`); it pushes the oldest one out of the window. */
  record(channel: string, mid: string | undefined, eventId: string): void
}

interface Remembered {
  eventId: string
  /** How many publishes in the ring carry this mid (a mid repeated later stays through its newer publish). */
  count: number
}

interface ChannelWindow {
  ids: Map<string, Remembered>
  /** The last `size` publishes' mids, oldest at `next` once full. */
  ring: (string | undefined)[]
  next: number
}

/** Creates a window of the last `size` publishes per channel. */
export function createMidWindow(size: number): MidWindow {
  const windows = new Map<string, ChannelWindow>()
  return {
    lookup: (channel, mid) => windows.get(channel)?.ids.get(mid)?.eventId,
    record(channel, mid, eventId) {
      if (size <= 0) return
      let w = windows.get(channel)
      if (!w) windows.set(channel, (w = { ids: new Map(), ring: [], next: 0 }))
      if (w.ring.length === size) {
        const old = w.ring[w.next]
        const remembered = old === undefined ? undefined : w.ids.get(old)
        if (old !== undefined && remembered && --remembered.count === 0) w.ids.delete(old)
        w.ring[w.next] = mid
        w.next = (w.next + 1) % size
      } else w.ring.push(mid)
      if (mid === undefined) return
      const remembered = w.ids.get(mid)
      if (remembered) {
        remembered.eventId = eventId
        remembered.count += 1
      } else w.ids.set(mid, { eventId, count: 1 })
    },
  }
}
