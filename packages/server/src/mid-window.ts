/**
 * Idempotent publish (R22): remembers, per channel, the `mid` of the last `size` publishes and the event id each
 * produced, so a repeated `mid` answers the original id instead of publishing again.
 */

/** The idempotency window of a server. */
export interface MidWindow {
  /** The event id an earlier publish with `mid` on `channel` produced, if it is still in the window. */
  lookup(channel: string, mid: string): string | undefined
  /** Records a publish on `channel` (with or without `mid`); it pushes the oldest one out of the window. */
  record(channel: string, mid: string | undefined, eventId: string): void
}

interface ChannelWindow {
  ids: Map<string, string>
  order: (string | undefined)[]
}

/** Creates a window of the last `size` publishes per channel. */
export function createMidWindow(size: number): MidWindow {
  const windows = new Map<string, ChannelWindow>()
  return {
    lookup: (channel, mid) => windows.get(channel)?.ids.get(mid),
    record(channel, mid, eventId) {
      let w = windows.get(channel)
      if (!w) windows.set(channel, (w = { ids: new Map(), order: [] }))
      w.order.push(mid)
      if (mid !== undefined) w.ids.set(mid, eventId)
      while (w.order.length > size) {
        const old = w.order.shift()
        // A mid repeated later is still in the window through its newer publish.
        if (old !== undefined && !w.order.includes(old)) w.ids.delete(old)
      }
    },
  }
}
