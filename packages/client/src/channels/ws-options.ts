/**
 * The options of the client's WebSocket session, in a file of their own so that ws-connection.ts (an attempt) and
 * ws-session.ts (its owner) both import them without importing each other.
 */
import type { PingOptions } from '../types'
import type { SessionOptions } from './session-types'

/** Options of `createWsSession` (ws-session.ts). */
export interface WsSessionOptions extends SessionOptions {
  ping?: PingOptions | undefined
  /** The app's bound on incoming frames; see `inboundLimit` (ws-connection.ts). @defaultValue 1 MiB */
  maxMessageBytes?: number | undefined
  /** WebSocket failed to open `WS_FAILURES_BEFORE_BLOCKED` times in a row. The owner moves the members away. */
  onBlocked?: () => void
  /** A `welcome` arrived (the origin's WebSocket works). */
  onWelcome?: () => void
}
