/**
 * The wire text of a channel event, encoded once per transport and shared: every subscriber of a publish, and every
 * replay of a retained event, writes the same string instead of encoding its own copy.
 */
import { encodeFrame, type ServerFrame } from '@switchline/client/protocol'
import type { LoggedEvent, StoredEvent } from './channel-log'
import { sseChannelEvent } from './sse-format'

/** Events from the log carry the cache slots; any other event gets them on first use. */
const slots = (event: LoggedEvent): Partial<StoredEvent> => event as Partial<StoredEvent>

/** The SSE text of a channel event (§5): `id:` and the `{"channel","data","event"?}` envelope. */
export function sseEventText(event: LoggedEvent): string {
  const cached = slots(event)
  return (cached.sseText ??= sseChannelEvent(event))
}

/** The WebSocket `event` frame of a channel event (§6). */
export function wsEventText(event: LoggedEvent): string {
  const cached = slots(event)
  if (cached.wsText !== undefined) return cached.wsText
  const frame: ServerFrame = { type: 'event', channel: event.channel, id: event.id, data: event.data }
  if (event.event !== undefined) frame.event = event.event
  return (cached.wsText = encodeFrame(frame))
}
