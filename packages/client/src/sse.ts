/**
 * `@switchline/client/sse` — raw `subscribe()` for one Server-Sent Events stream, and nothing else: no WebSocket
 * code, no multiplexed client. The EventSource transport is the opt-in `eventSource` (tree-shaken away unless you
 * import it). See README.md, "Pay only for what you import".
 * @example
 * import { subscribe } from '@switchline/client/sse'
 * for await (const tick of subscribe<Tick>('https://api.example.com/ticks')) render(tick)
 */
export { subscribe } from './raw/subscribe-sse'
export type { SseSubscribeOptions } from './raw/subscribe-sse'
export { openEventSourceSse as eventSource } from './sse/sse-eventsource'
export { SwitchlineError, isSwitchlineError } from './core/errors'
export type { SwitchlineErrorCode, SwitchlineErrorDetails } from './core/errors'
export { defaultBackoff, exponentialBackoff } from './core/backoff'
export type { BackoffPolicy, ExponentialBackoffOptions } from './core/backoff'
export type { StandardSchemaV1 } from './core/standard-schema'
export type { DataFormat } from './core/decode'
export type { OverflowPolicy } from './core/async-queue'
export type { Timers, TimerHandle } from './core/timers'
export type { EventSourceConstructor, EventSourceLike, Platform } from './core/platform-types'
export type {
  BaseSubscription,
  ConnectionState,
  EventMeta,
  EventSourceTransport,
  IteratorBufferOptions,
  ReconnectOptions,
  SseClientPreference,
  StateChange,
  Subscription,
  TokenProvider,
  TransportChange,
} from './types'
export type { RawDedupe, RawStreamOptions } from './core/raw-options'
