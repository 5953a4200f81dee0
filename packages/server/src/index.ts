/**
 * `@switchline/server`: the reference server of the Switchline protocol v1 (docs/protocol.md) — SSE, WebSocket
 * and HTTP publish over an in-memory channel log with replay and gaps.
 * @packageDocumentation
 */
export { createSwitchlineServer } from './server'
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
} from './errors'
export { createChannelLog } from './channel-log'
export type { ChannelLog, ChannelLogOptions, LoggedEvent, Replay } from './channel-log'
export { createDemo, DEMO_CHANNELS } from './demo'
export type { Demo, DemoOptions } from './demo'
