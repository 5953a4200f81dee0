/**
 * The events of the client's SSE stream (docs/protocol.md §5), decoded and routed to the channel members:
 * `sl-ready`, `sl-heartbeat`, `sl-gap`, `sl-error` and channel events (deduplicated by the cursor tracker).
 * The session (sse-session.ts) owns the connection; this file only decides who hears what.
 */
import { SwitchlineError } from '../core/errors'
import { decodeErrorPayload, decodeGap, decodeSseMessage, decodeSseReady } from '../protocol/codec'
import { SSE_EVENTS } from '../protocol/constants'
import type { SseReadyPayload } from '../protocol/frames'
import type { CursorTracker } from '../core/dedupe'
import { protocolError, routeProtocolError, type ProtocolErrorRoutes } from './protocol-errors'
import type { SseEvent } from '../core/sse-parser'

/** What the event routing needs from the session (the session itself). */
export interface SseEventRoutes extends ProtocolErrorRoutes {
  readonly options: { readonly tracker: CursorTracker }
}

/**
 * Routes one event of the stream; `ready` hears a well-formed `sl-ready` (the stream is open). A malformed event is
 * reported (`malformed_frame`) to every member and skipped.
 * @example
 * handlers.onEvent = (event) => routeSseEvent(event, session, ready)
 */
export function routeSseEvent(
  event: SseEvent,
  routes: SseEventRoutes,
  ready: (payload: SseReadyPayload) => void,
): void {
  const { members } = routes
  const name = event.event ?? 'message'
  switch (name) {
    case SSE_EVENTS.ready: {
      const decoded = decodeSseReady(event.data)
      if (!decoded.ok) return malformed(routes, name, decoded.reason)
      ready(decoded.value)
      return
    }
    case SSE_EVENTS.heartbeat:
      return
    case SSE_EVENTS.gap: {
      const gap = decodeGap(event.data)
      if (!gap.ok) return malformed(routes, name, gap.reason)
      for (const member of members.named(gap.value.channel)) member.gap(gap.value)
      return
    }
    case SSE_EVENTS.error: {
      const payload = decodeErrorPayload(event.data)
      if (!payload.ok) return malformed(routes, name, payload.reason)
      routeProtocolError(routes, payload.value.channel, protocolError(payload.value))
      return
    }
    default: {
      const message = decodeSseMessage(event.data)
      if (!message.ok) return malformed(routes, name, message.reason)
      const { channel, data } = message.value
      const id = event.id || undefined // '' (reset) or none: no cursor
      if (id !== undefined && !routes.options.tracker.accept(channel, id)) return
      members.deliver(channel, data, { id, channel, event: message.value.event ?? 'message', transport: 'sse' })
    }
  }
}

/** A malformed event is reported to every member (`malformed_frame`) and skipped. */
function malformed(routes: SseEventRoutes, name: string, reason: string): void {
  const error = new SwitchlineError('malformed_frame', `SSE ${name}: ${reason}`)
  routes.members.each((member) => member.error(error))
}
