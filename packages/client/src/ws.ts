/**
 * `@switchline/client/ws` — raw `subscribe()` for one WebSocket, and nothing else: no SSE code, no multiplexed
 * client. See README.md, "Pay only for what you import".
 * @example
 * import { subscribe } from '@switchline/client/ws'
 * const ticks = subscribe<Tick>('wss://feed.example.com/ticks', { onEvent: render })
 */
export { subscribe } from './raw/subscribe-ws'
export type { WsSubscribeOptions } from './raw/subscribe-ws'
export { SwitchlineError, isSwitchlineError } from './core/errors'
export type { SwitchlineErrorCode, SwitchlineErrorDetails } from './core/errors'
export { defaultBackoff, exponentialBackoff } from './core/backoff'
export type { BackoffPolicy, ExponentialBackoffOptions } from './core/backoff'
export type { StandardSchemaV1 } from './core/standard-schema'
export type { DataFormat } from './core/decode'
export type { OverflowPolicy } from './core/async-queue'
export type { Timers, TimerHandle } from './core/timers'
export type { Platform, WebSocketConstructor, WebSocketLike } from './core/platform-types'
export type {
  BaseSubscription,
  ConnectionState,
  EventMeta,
  IteratorBufferOptions,
  RawPingOptions,
  ReconnectOptions,
  SendQueueOptions,
  SendResult,
  StateChange,
  Subscription,
  TransportChange,
} from './types'
export type { CloseCodeAction, RawPongOptions } from './core/raw-options'
