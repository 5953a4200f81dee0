/**
 * The frames the server sends on the client's WebSocket (docs/protocol.md §6), decoded and routed: `subscribed`,
 * `event` (deduplicated by the cursor tracker), `gap`, `ack`, `error` to the channel members and pending sends;
 * `welcome` and `pong` back to the session (ws-session.ts), which owns the socket.
 */
import { SwitchlineError } from './errors'
import { adoptHeadCursor } from './head-cursor'
import { decodeServerFrame } from './protocol/codec'
import type { ErrorPayload, WelcomeFrame } from './protocol/frames'
import type { CursorTracker } from './dedupe'
import type { MemberRegistry } from './member-registry'
import type { PublishDone } from './session-member'

/** What is pending on one welcomed connection: publishes awaiting `ack`, subscribes awaiting `subscribed`. */
export interface WsPending {
  /** Created by the first publish: an idle connection holds no map for it. */
  acks: Map<number, PublishDone> | undefined
  /** Per subscribe frame id: the channel and the cursor it was sent with (`undefined`: none, live only). */
  subs: Map<number, { channel: string; cursor: string | undefined }>
}

/** What the frame routing needs from the session. */
export interface WsFrameRoutes {
  tracker: CursorTracker
  /** The session's members, read only (the registry itself: no delegating closures per connection). */
  members: MemberRegistry
  /** The pending maps of the current connection, once welcomed. */
  pending(): WsPending | undefined
  /** The first `welcome` of this connection (later ones are ignored here). */
  welcome(frame: WelcomeFrame): void
  pong(): void
  /** A fatal error for a channel that has members: drop them and fail them. */
  failChannel(channel: string, error: SwitchlineError): void
}

/** A protocol error frame as a {@link SwitchlineError}. */
export function protocolError(payload: ErrorPayload): SwitchlineError {
  const { code, message, channel, fatal } = payload
  return new SwitchlineError('protocol', `${code}: ${message}`, {
    protocolCode: code,
    fatal,
    channel,
  })
}

/**
 * Reports a protocol error (from an error frame or `sl-error`) to the members it concerns: a fatal one for a
 * channel that has members drops and fails that channel; a non-fatal one goes to that channel's members; one
 * without a known channel goes to every member.
 */
export function routeProtocolError(
  routes: Pick<WsFrameRoutes, 'members' | 'failChannel'>,
  channel: string | undefined,
  error: SwitchlineError,
): void {
  const { members } = routes
  if (channel === undefined || !members.hasChannel(channel)) members.each((member) => member.error(error))
  else if (error.fatal) routes.failChannel(channel, error)
  else for (const member of members.named(channel)) member.error(error)
}

/**
 * Creates the router of one connection. A malformed frame is reported (`malformed_frame`) to every member and
 * skipped; the socket stays.
 * @example
 * const onFrame = createWsFrameRouter(routes)
 * handlers.onMessage = (text) => onFrame(text)
 */
export function createWsFrameRouter(routes: WsFrameRoutes): (text: string) => void {
  const { members, tracker } = routes
  let welcomed = false

  function onError(frame: ErrorPayload & { id?: number }): void {
    const error = protocolError(frame)
    const pending = routes.pending()
    if (frame.id !== undefined) {
      const doneFn = pending?.acks?.get(frame.id)
      if (doneFn) {
        pending?.acks?.delete(frame.id)
        doneFn(error)
        return
      }
    }
    const channel = frame.channel ?? (frame.id === undefined ? undefined : pending?.subs.get(frame.id)?.channel)
    if (frame.id !== undefined) pending?.subs.delete(frame.id)
    routeProtocolError(routes, channel, error)
  }

  return (text) => {
    const decoded = decodeServerFrame(text)
    if (!decoded.ok) {
      const error = new SwitchlineError('malformed_frame', `WebSocket frame skipped: ${decoded.reason}`)
      members.each((member) => member.error(error))
      return
    }
    const frame = decoded.value
    switch (frame.type) {
      case 'welcome':
        if (welcomed) return
        welcomed = true
        routes.welcome(frame)
        return
      case 'subscribed': {
        const pending = routes.pending()
        const sub = pending?.subs.get(frame.id)
        pending?.subs.delete(frame.id)
        // The members' own channel string as the tracker's key, not the frame's copy (~40 B per channel).
        if (sub?.channel === frame.channel) adoptHeadCursor(tracker, sub.channel, frame.cursor, sub.cursor)
        for (const member of members.named(frame.channel)) member.ready('websocket')
        return
      }
      case 'event': {
        const fresh = tracker.accept(frame.channel, frame.id)
        if (fresh) members.deliver(frame.channel, frame.data, { id: frame.id, channel: frame.channel, event: frame.event ?? 'message', transport: 'websocket' })
        return
      }
      case 'gap': {
        const { type: _type, ...gap } = frame
        for (const member of members.named(gap.channel)) member.gap(gap)
        return
      }
      case 'ack': {
        const pending = routes.pending()
        const doneFn = pending?.acks?.get(frame.id)
        pending?.acks?.delete(frame.id)
        doneFn?.({ eventId: frame.eventId })
        return
      }
      case 'pong':
        routes.pong()
        return
      case 'error':
        onError(frame)
        return
      case 'unsubscribed':
        return
    }
  }
}
