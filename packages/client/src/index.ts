/**
 * `@switchline/client` — one typed `subscribe()` over Server-Sent Events or WebSocket: per-channel transport,
 * fallback, backoff with jitter, resume, ping. See README.md.
 * @example
 * import { subscribe, createClient } from '@switchline/client'
 * for await (const tick of subscribe<Tick>('https://api.example.com/ticks')) render(tick)
 */
export { subscribe } from './subscribe'
export type { SseUrl } from './subscribe'
export { createClient } from './client'
export { SwitchlineError, isSwitchlineError } from './errors'
export type { SwitchlineErrorCode, SwitchlineErrorDetails } from './errors'
export { defaultBackoff, exponentialBackoff, MAX_RETRY_HINT_MS, reconnectDelay } from './backoff'
export type { BackoffPolicy, ExponentialBackoffOptions } from './backoff'
export type { StandardSchemaV1 } from './standard-schema'
export type { DataFormat } from './decode'
export type { OverflowPolicy } from './async-queue'
export type { Timers, TimerHandle } from './timers'
export type {
  EventSourceConstructor,
  EventSourceLike,
  OnlineSource,
  Platform,
  VisibilitySource,
  WebSocketConstructor,
  WebSocketLike,
} from './platform-types'
export type {
  BaseSubscription,
  BaseSubscriptionOptions,
  ChannelSchema,
  ChannelSpec,
  ChannelSubscribeOptions,
  Client,
  ClientOptions,
  ConnectionState,
  EventMeta,
  GapInfo,
  HeadersInit_,
  IteratorBufferOptions,
  PingOptions,
  PublishResult,
  RawPingOptions,
  ReceiveOf,
  ReconnectOptions,
  Sendable,
  SendOf,
  SendQueueOptions,
  SendResult,
  SendingChannel,
  SseClientPreference,
  StateChange,
  SubscribeOptions,
  Subscription,
  TokenProvider,
  TransportChange,
  TransportKind,
  TransportPreference,
} from './types'
export type { CloseCodeAction, RawDedupe, RawPongOptions, RawStreamOptions } from './raw-options'
export * from './protocol/codes'
