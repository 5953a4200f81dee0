/**
 * Pure formatting of SSE control chunks (docs/protocol.md §5). `data` is always one line of JSON. Channel events are
 * built in event-wire.ts.
 */
import { encodeFrame, type SSE_EVENTS } from '@switchline/client/protocol'

/** The `retry:` line that opens a stream (R11). */
export function sseRetry(ms: number): string {
  return `retry: ${ms}\n\n`
}

/** A control event (`sl-*`): never an `id` (R14). */
export function sseControl(name: (typeof SSE_EVENTS)[keyof typeof SSE_EVENTS], data: object): string {
  return `event: ${name}\ndata: ${encodeFrame(data)}\n\n`
}
