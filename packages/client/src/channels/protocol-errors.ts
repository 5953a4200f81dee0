/**
 * Protocol errors from the server (an `error` frame on the WebSocket, `sl-error` on SSE) as {@link SwitchlineError}s,
 * and to whom they go. The WebSocket's other frames are routed by its connection (ws-connection.ts).
 */
import { SwitchlineError } from '../core/errors'
import type { ErrorPayload } from '../protocol/frames'
import type { MemberRegistry } from './member-registry'

/** Where a protocol error goes: the session's members, and the session for a fatal one. */
export interface ProtocolErrorRoutes {
  /** The session's members, read only. */
  members: MemberRegistry
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
  routes: ProtocolErrorRoutes,
  channel: string | undefined,
  error: SwitchlineError,
): void {
  const { members } = routes
  if (channel === undefined || !members.hasChannel(channel)) members.each((member) => member.error(error))
  else if (error.fatal) routes.failChannel(channel, error)
  else for (const member of members.named(channel)) member.error(error)
}
