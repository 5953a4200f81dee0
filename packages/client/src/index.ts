/**
 * `@switchline/client` — one typed `subscribe()` over Server-Sent Events or WebSocket: per-channel transport,
 * fallback, backoff with jitter, resume, ping. See README.md.
 * @example
 * import { subscribe, createClient } from '@switchline/client'
 * for await (const tick of subscribe<Tick>('https://api.example.com/ticks')) render(tick)
 */
export { subscribe } from './raw/subscribe'
export type { SseUrl } from './raw/subscribe'
export { createClient } from './channels/client'
export { sseTransport } from './channels/sse-session'
export { webSocketTransport } from './channels/ws-session'
export { SwitchlineError, isSwitchlineError } from './core/errors'
export type { SwitchlineErrorCode, SwitchlineErrorDetails } from './core/errors'
export { defaultBackoff, exponentialBackoff, MAX_RETRY_HINT_MS, reconnectDelay } from './core/backoff'
export type { BackoffPolicy, ExponentialBackoffOptions } from './core/backoff'
export type { StandardSchemaV1 } from './core/standard-schema'
export type { DataFormat } from './core/decode'
export type { OverflowPolicy } from './core/async-queue'
export type { Timers, TimerHandle } from './core/timers'
export type {
  EventSourceConstructor,
  EventSourceLike,
  OnlineSource,
  Platform,
  VisibilitySource,
  WebSocketConstructor,
  WebSocketLike,
} from './core/platform-types'
export type {
  BaseSubscription,
  BaseSubscriptionOptions,
  ChannelSchema,
  ChannelSpec,
  ChannelSubscribeOptions,
  Client,
  ClientOptions,
  ClientTransport,
  ConnectionState,
  EventMeta,
  EventSourceTransport,
  EventsOf,
  GapInfo,
  HeadersInit_,
  HeadersProvider,
  IteratorBufferOptions,
  NamedEventHandler,
  NamedEvents,
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
export type { CloseCodeAction, RawDedupe, RawPongOptions, RawStreamOptions } from './core/raw-options'
export * from './protocol/codes'
