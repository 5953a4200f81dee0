/** WebSocket frame and SSE payload types of the Switchline protocol v1 (docs/protocol.md §5–§6). */
import type { ProtocolErrorCode } from './codes'

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export type GapReason = 'retention' | 'epoch'

/** A gap in a channel's history (R7). */
export interface GapInfo {
  channel: string
  /** The client's cursor. */
  from: string | null
  /** The first event id delivered after the gap, or `null` when nothing is retained. */
  to: string | null
  reason: GapReason
}

/** An error as carried by HTTP bodies, `sl-error` events and WebSocket `error` frames. */
export interface ErrorPayload {
  /** A code from the table in docs/protocol.md §7; clients accept unknown codes (newer servers) as retryable. */
  code: ProtocolErrorCode | (string & {})
  message: string
  channel?: string
  fatal: boolean
}

// ---- client → server ----
export interface HelloFrame {
  type: 'hello'
  token?: string
}
export interface SubscribeFrame {
  type: 'subscribe'
  id: number
  channel: string
  cursor?: string
}
export interface UnsubscribeFrame {
  type: 'unsubscribe'
  id: number
  channel: string
}
export interface PublishFrame {
  type: 'publish'
  id: number
  channel: string
  data: Json
  event?: string
  mid?: string
}
export interface PingFrame {
  type: 'ping'
  id?: number
}

export type ClientFrame = HelloFrame | SubscribeFrame | UnsubscribeFrame | PublishFrame | PingFrame

// ---- server → client ----
export interface WelcomeFrame {
  type: 'welcome'
  epoch: string
  idleTimeoutMs: number
  maxFrameBytes: number
}
/** `cursor` is the head cursor (R9): where live delivery began for a subscription made without a cursor. */
export interface SubscribedFrame {
  type: 'subscribed'
  id: number
  channel: string
  cursor: string
}
export interface UnsubscribedFrame {
  type: 'unsubscribed'
  id: number
  channel: string
}
export interface EventFrame {
  type: 'event'
  channel: string
  id: string
  data: Json
  event?: string
}
export interface GapFrame extends GapInfo {
  type: 'gap'
}
export interface AckFrame {
  type: 'ack'
  id: number
  eventId: string
}
export interface PongFrame {
  type: 'pong'
  id?: number
}
export interface ErrorFrame extends ErrorPayload {
  type: 'error'
  id?: number
}

export type ServerFrame =
  | WelcomeFrame
  | SubscribedFrame
  | UnsubscribedFrame
  | EventFrame
  | GapFrame
  | AckFrame
  | PongFrame
  | ErrorFrame

// ---- SSE ----
/** `data` of a channel event on the SSE stream (default `message` event). */
export interface SseMessagePayload {
  channel: string
  data: Json
  event?: string
}
/** `data` of `sl-ready`; `cursor` is the head cursor (R9). */
export interface SseReadyPayload {
  epoch: string
  heartbeatMs: number
  channels: string[]
  cursor: string
}
/** `data` of `sl-heartbeat`. */
export interface SseHeartbeatPayload {
  t: number
}

/** Body of `POST B/publish`. */
export interface PublishRequest {
  channel: string
  data: Json
  event?: string
  mid?: string
}
/** Success body of `POST B/publish`. */
export interface PublishResponse {
  eventId: string
}
