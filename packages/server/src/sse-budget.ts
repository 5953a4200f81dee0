/**
 * The outgoing-buffer budget of an SSE stream (R15), pure: every write keeps room for the `slow_consumer` notice,
 * so a stream that falls behind can still be told why it is closed — "if it fits".
 */

/** What to do with one write: make it, or (slow consumer) send the notice and close, or just close. */
export type SseWritePlan = 'write' | 'notify-and-close' | 'close'

/**
 * Plans one write of `writeBytes` onto a stream with `bufferedBytes` not yet flushed.
 * - An empty buffer takes any one write (a single large event is not a slow consumer).
 * - Otherwise the write is made while it leaves room for the notice within `maxBufferedBytes`.
 * - A write that does not is refused: the notice is sent if it fits, and the stream is closed. It does not fit
 *   only when the buffer is already over the limit (after a large write into an empty buffer); then the stream
 *   is closed without it.
 */
export function planSseWrite(
  bufferedBytes: number,
  writeBytes: number,
  noticeBytes: number,
  maxBufferedBytes: number,
): SseWritePlan {
  if (bufferedBytes === 0) return 'write'
  if (bufferedBytes + writeBytes + noticeBytes <= maxBufferedBytes) return 'write'
  return bufferedBytes + noticeBytes <= maxBufferedBytes ? 'notify-and-close' : 'close'
}
