/**
 * `@switchline/server`: the reference server of the Switchline protocol v1 (docs/protocol.md) — SSE, WebSocket
 * and HTTP publish over a channel log with replay and gaps: in memory by default, on Redis Streams for several
 * instances (`@switchline/server/redis`).
 * @packageDocumentation
 */
export { createSwitchlineServer, READY_PATH } from './server'
export type { SwitchlineServer, ServerStats, PublishOptions } from './server'
export type { ListenOptions, SwitchlineListener, TlsOptions } from './listen'
export type {
  SwitchlineServerOptions,
  ChannelDefinition,
  AuthorizeOp,
  AuthorizeRequest,
  TimerFunctions,
  PublishedEvent,
  PublishSource,
  ServerLogger,
} from './options'
export { bearerToken } from './options'
export {
  SwitchlineServerError,
  UnknownChannelError,
  SendNotAllowedError,
  UnauthorizedError,
  ForbiddenError,
  InvalidEventError,
  ChannelCapacityError,
  UnavailableError,
} from './errors'
export { memoryEngine } from './memory-engine'
export type {
  Awaitable,
  AppendInput,
  AppendResult,
  EngineContext,
  EngineFactory,
  EngineHealth,
  EngineListener,
  EngineSubscription,
  SubscribeRequest,
  SwitchlineEngine,
} from './engine'
export { createChannelLog } from './channel-log'
export type { ChannelLog, ChannelLogOptions, LoggedEvent, Replay } from './channel-log'
export { createDemo, DEMO_CHANNELS } from './demo'
export type { Demo, DemoOptions } from './demo'
