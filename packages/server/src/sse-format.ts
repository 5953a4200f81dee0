/** Pure formatting of SSE chunks (docs/protocol.md §5). `data` is always one line of JSON. */
import { encodeFrame, SSE_EVENTS } from '@switchline/client/protocol'
import type { LoggedEvent } from './channel-log'

/** The `retry:` line that opens a stream (R11). */
export function sseRetry(ms: number): string {
  return `retry: ${ms}\n\n`
}

/** A control event (`sl-*`): never an `id` (R14). */
export function sseControl(name: (typeof SSE_EVENTS)[keyof typeof SSE_EVENTS], data: object): string {
  return `event: ${name}\ndata: ${encodeFrame(data)}\n\n`
}

/** A channel event: default `message` event, `id`, envelope `{"channel","data","event"?}`. */
export function sseChannelEvent(event: LoggedEvent): string {
  const envelope: { channel: string; data: unknown; event?: string } = { channel: event.channel, data: event.data }
  if (event.event !== undefined) envelope.event = event.event
  return `id: ${event.id}\ndata: ${encodeFrame(envelope)}\n\n`
}
