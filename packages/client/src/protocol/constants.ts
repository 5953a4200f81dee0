/** Protocol-level constants (docs/protocol.md). */
import { DEFAULT_HEARTBEAT_MS, DEFAULT_MAX_FRAME_BYTES, MAX_CHANNELS_PER_STREAM } from './defaults'

/** The WebSocket subprotocol of Switchline v1. */
export const SUBPROTOCOL = 'switchline.v1'

/** Paths under the base URL. */
export const PATHS = { sse: '/sse', ws: '/ws', publish: '/publish' } as const

/** SSE event names of control events; channel events use the default `message` event. */
export const SSE_EVENTS = {
  ready: 'sl-ready',
  heartbeat: 'sl-heartbeat',
  gap: 'sl-gap',
  error: 'sl-error',
} as const

/** Defaults the protocol names (a server may be configured otherwise; it says so in `sl-ready` / `welcome`). */
export const PROTOCOL_DEFAULTS = {
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  retryMs: 1_000,
  helloTimeoutMs: 10_000,
  idleTimeoutMs: 45_000,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxBufferedBytes: 1_048_576,
  maxChannelsPerStream: MAX_CHANNELS_PER_STREAM,
  retentionMaxEvents: 1_000,
  retentionMaxAgeMs: 300_000,
  publishIdempotencyWindow: 1_000,
} as const

/** How long a client waits without any SSE event or heartbeat before it calls the stream stalled (R13). */
export function sseStallTimeoutMs(heartbeatMs: number): number {
  return 2 * heartbeatMs + 5_000
}

const CHANNEL_RE = /^[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9_.-]{1,128})?$/

/** Whether a string is a well-formed channel identifier (`name` or `name:key`, R3). */
export function isChannelId(value: unknown): value is string {
  return typeof value === 'string' && CHANNEL_RE.test(value)
}

/** The definition name of a channel identifier: `'chat'` for `'chat:room-a'`. */
export function channelName(channel: string): string {
  const colon = channel.indexOf(':')
  return colon === -1 ? channel : channel.slice(0, colon)
}
