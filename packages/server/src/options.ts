/** Options of `createSwitchlineServer`, their defaults, and how they are resolved. */
import type { IncomingMessage } from 'node:http'
import { PROTOCOL_DEFAULTS, channelName, isChannelId, type Json } from '@switchline/client/protocol'
import type { EngineFactory } from './engine'
import { memoryEngine } from './memory-engine'
import type { ServerLogger, TimerFunctions } from './types'

export type { ServerLogger, TimerFunctions } from './types'

/** A channel definition: whether clients may publish to it. */
export interface ChannelDefinition {
  /** `true` lets clients publish (WebSocket `publish` frame or `POST B/publish`); `false` is receive-only (R4). */
  send: boolean
}

/** What `authorize` is asked about (R25). */
export type AuthorizeOp = 'connect' | 'subscribe' | 'publish'

/** The question put to `authorize`. */
export interface AuthorizeRequest {
  /** The token from `authenticate` (or the WebSocket `hello`), `undefined` when there is none. */
  token: string | undefined
  /** The channel identifier (`name` or `name:key`); `undefined` for `op: 'connect'`. */
  channel: string | undefined
  op: AuthorizeOp
  /** The HTTP request (for a WebSocket: the upgrade request). */
  request: IncomingMessage
}

/** Where a published event came from. */
export type PublishSource = 'server' | 'http' | 'ws'

/** Passed to `onPublish` after an event is appended to the log (not for idempotent repeats). */
export interface PublishedEvent {
  channel: string
  eventId: string
  data: Json
  event: string | undefined
  source: PublishSource
}

/**
 * Options of {@link createSwitchlineServer}. `Sync` is `true` for the default in-memory engine (then
 * `server.publish` returns the id) and `false` for an asynchronous engine such as Redis (a promise of it).
 */
export interface SwitchlineServerOptions<Sync extends boolean = true> {
  /**
   * The channel definitions, by name. A channel identifier `name:key` selects an instance of `name`.
   * @example `{ ticker: { send: false }, chat: { send: true } }`
   */
  channels: Record<string, ChannelDefinition>
  /**
   * The path of the base URL `B`; endpoints are `B/sse`, `B/ws`, `B/publish`.
   * @defaultValue `'/rt'`
   */
  basePath?: string
  /**
   * Where the log, the id sequence and the live fan-out live. The default keeps them in this process (one
   * instance). For several instances behind a load balancer, `redisEngine({ url })` from
   * `@switchline/server/redis` puts them on Redis Streams: a cursor from any instance is valid on every other.
   * @defaultValue `memoryEngine()`
   * @example
   * ```ts
   * import { redisEngine } from '@switchline/server/redis'
   * createSwitchlineServer({ channels, engine: redisEngine({ url: 'redis://127.0.0.1:6379' }) })
   * ```
   */
  engine?: EngineFactory<Sync>
  /**
   * Per-channel-instance log bounds. Older events are evicted (R6, R7).
   * @defaultValue `{ maxEvents: 1000, maxAgeMs: 300000 }`
   */
  retention?: { maxEvents?: number; maxAgeMs?: number }
  /**
   * Most channel instances (`name:key`) holding a log at once, server-wide. A log is created by the first publish to
   * an instance (a subscription creates none) and forgotten once all its events are older than `retention.maxAgeMs`.
   * A publish to a new instance beyond the limit is refused with `unavailable` (HTTP `503` + `Retry-After`, a
   * non-fatal WebSocket `error`, {@link ChannelCapacityError} from `publish()`) until the oldest instance ages out.
   * `Infinity` turns the limit off.
   * @defaultValue `10000`
   */
  maxChannelInstances?: number
  /**
   * Interval of `sl-heartbeat` events on SSE streams (R13).
   * @defaultValue `15000`
   */
  heartbeatMs?: number
  /**
   * The `retry:` hint at the start of an SSE stream (R11).
   * @defaultValue `1000`
   */
  retryMs?: number
  /**
   * Time a WebSocket has to send `hello` before it is closed with 4008 (R16).
   * @defaultValue `10000`
   */
  helloTimeoutMs?: number
  /**
   * Time a WebSocket may stay silent before it is closed with 4010 (R19).
   * @defaultValue `45000`
   */
  idleTimeoutMs?: number
  /**
   * Largest WebSocket frame and publish body, in bytes (R18, R22).
   * @defaultValue `65536`
   */
  maxFrameBytes?: number
  /**
   * Largest outgoing buffer per connection, in bytes, before it is treated as a slow consumer (R15, R20).
   * @defaultValue `1048576`
   */
  maxBufferedBytes?: number
  /**
   * Origins allowed for SSE, publish and upgrades (R21); others get `403 forbidden`. Also allowed whatever this
   * list says:
   * - requests without an `Origin` header (non-browser clients), unless `Sec-Fetch-Site: same-origin` marks them
   *   as a browser page's same-origin request, which is then checked like a same-host one;
   * - same-host requests — an `Origin` whose `host` equals the request's `Host` (`:authority` over HTTP/2), a page
   *   served from this very server — **only when that host is one the server knows it is served as**: `localhost`,
   *   `*.localhost`, an IP literal, or the host of an origin on this list. Anything else could be a DNS-rebinding
   *   page (`Host: attacker.example`, resolving to this server) and is refused. A server reached under a name
   *   (`https://app.example.com`) lists that origin here.
   *
   * `'*'` allows every origin. Allowed cross-origin requests get CORS headers that reflect the origin with
   * `Access-Control-Allow-Credentials: true`, so list only origins you trust with your users' cookies.
   * @defaultValue `[]` (no-Origin, and same-host on loopback names and IP literals only)
   * @example `['http://localhost:5173', 'https://app.example.com']`
   */
  allowedOrigins?: string[] | '*'
  /**
   * Reads the token of a request. May throw {@link UnauthorizedError}.
   * @defaultValue reads `Authorization: Bearer <token>`
   */
  authenticate?: (request: IncomingMessage) => string | undefined
  /**
   * Decides whether an operation is allowed (R25): `false` answers `forbidden`; throwing
   * {@link UnauthorizedError} answers `unauthorized` (401 / close 4001).
   * @defaultValue allows everything
   */
  authorize?: (request: AuthorizeRequest) => boolean | Promise<boolean>
  /** Called after every event appended to a log. Errors thrown here are logged (`logger.warn`) and go no further. */
  onPublish?: (event: PublishedEvent) => void
  /**
   * Where the server logs what it cannot tell a client (see {@link ServerLogger}).
   * @defaultValue `console`
   * @example `logger: { warn: (m, d) => pino.warn(d, m), error: (m, d) => pino.error(d, m) }`
   */
  logger?: ServerLogger
  /**
   * The clock, in ms since the Unix epoch (retention age, heartbeat `t`).
   * @defaultValue `Date.now`
   */
  now?: () => number
  /**
   * Timer functions (heartbeats, hello and idle timeouts).
   * @defaultValue the global timers
   */
  timers?: TimerFunctions
  /**
   * The epoch of event ids: 1–16 characters `[a-z0-9]`.
   * @defaultValue a random base36 string
   */
  epoch?: string
  /**
   * Admission limit for realistic reconnect storms: at most this many new connections (SSE streams and WebSocket
   * upgrades together) per one-second window of the server clock (`now`). Over it, SSE answers `503` with
   * `Retry-After: 1`, and a WebSocket upgrade is accepted and closed at once with `1013` and reason
   * `retry-after=<ms until the window ends>` — a close code a browser can see, unlike an HTTP status. Turned-away
   * connections are counted in `stats().admissionLimited`. Publishes and open connections are not limited.
   * @defaultValue `undefined` (unlimited)
   * @example `maxConnectionsPerSecond: 200`
   */
  maxConnectionsPerSecond?: number
  /**
   * Serves `POST B/_faults/<action>` and `GET B/_faults/stats` for an attached fault injector
   * (`@switchline/server/testing`). Never enable it in production.
   * @defaultValue `false`
   */
  faults?: boolean
}

/** Options with every default applied. */
export interface ResolvedOptions {
  engine: EngineFactory
  channels: ReadonlyMap<string, ChannelDefinition>
  basePath: string
  maxEvents: number
  maxAgeMs: number
  maxChannelInstances: number
  heartbeatMs: number
  retryMs: number
  helloTimeoutMs: number
  idleTimeoutMs: number
  maxFrameBytes: number
  maxBufferedBytes: number
  maxConnectionsPerSecond: number | undefined
  allowedOrigins: readonly string[] | '*'
  authenticate: (request: IncomingMessage) => string | undefined
  authorize: ((request: AuthorizeRequest) => boolean | Promise<boolean>) | undefined
  onPublish: ((event: PublishedEvent) => void) | undefined
  logger: ServerLogger
  now: () => number
  timers: TimerFunctions
  epoch: string | undefined
  faults: boolean
}

const EPOCH_RE = /^[a-z0-9]{1,16}$/

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1] : undefined
}

/** The global timers, the default of every `timers` option. Internal: not exported from the package entries. */
export const globalTimers: TimerFunctions = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`)
  return value
}

/** `undefined` or `Infinity` is unlimited; anything else must be a positive integer. */
function connectionLimit(value: number | undefined): number | undefined {
  if (value === undefined || value === Infinity) return undefined
  if (!Number.isInteger(value) || value <= 0) throw new TypeError('maxConnectionsPerSecond must be a positive integer')
  return value
}

/** The default of `maxChannelInstances`. */
export const DEFAULT_MAX_CHANNEL_INSTANCES = 10_000

/** `undefined` is the default; `Infinity` is unlimited; anything else must be a positive integer. */
function instanceLimit(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_CHANNEL_INSTANCES
  if (value !== Infinity && (!Number.isInteger(value) || value <= 0))
    throw new TypeError('maxChannelInstances must be a positive integer or Infinity')
  return value
}

/** Applies defaults and validates. Throws `TypeError` on invalid options. */
export function resolveOptions(options: SwitchlineServerOptions<boolean>): ResolvedOptions {
  const basePath = normalizeBasePath(options.basePath ?? '/rt')
  if (options.epoch !== undefined && !EPOCH_RE.test(options.epoch)) {
    throw new TypeError('epoch must be 1-16 characters [a-z0-9]')
  }
  for (const name of Object.keys(options.channels)) {
    // A channel identifier without a `:key` part: the name half of the protocol's channel-id pattern (R3).
    if (!isChannelId(name) || channelName(name) !== name)
      throw new TypeError(`invalid channel name: ${JSON.stringify(name)}`)
  }
  const { logger } = options
  if (logger !== undefined && (typeof logger?.warn !== 'function' || typeof logger.error !== 'function')) {
    throw new TypeError('logger must have warn() and error() methods')
  }
  return {
    engine: options.engine ?? memoryEngine(),
    channels: new Map(Object.entries(options.channels)),
    basePath,
    maxEvents: positive('retention.maxEvents', options.retention?.maxEvents, PROTOCOL_DEFAULTS.retentionMaxEvents),
    maxAgeMs: positive('retention.maxAgeMs', options.retention?.maxAgeMs, PROTOCOL_DEFAULTS.retentionMaxAgeMs),
    maxChannelInstances: instanceLimit(options.maxChannelInstances),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs, PROTOCOL_DEFAULTS.heartbeatMs),
    retryMs: positive('retryMs', options.retryMs, PROTOCOL_DEFAULTS.retryMs),
    helloTimeoutMs: positive('helloTimeoutMs', options.helloTimeoutMs, PROTOCOL_DEFAULTS.helloTimeoutMs),
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs, PROTOCOL_DEFAULTS.idleTimeoutMs),
    maxFrameBytes: positive('maxFrameBytes', options.maxFrameBytes, PROTOCOL_DEFAULTS.maxFrameBytes),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes, PROTOCOL_DEFAULTS.maxBufferedBytes),
    maxConnectionsPerSecond: connectionLimit(options.maxConnectionsPerSecond),
    allowedOrigins: options.allowedOrigins ?? [],
    authenticate: options.authenticate ?? bearerToken,
    authorize: options.authorize,
    onPublish: options.onPublish,
    logger: options.logger ?? console,
    now: options.now ?? Date.now,
    timers: options.timers ?? globalTimers,
    epoch: options.epoch,
    faults: options.faults ?? false,
  }
}

/** `'rt/'` → `'/rt'`; `'/'` → `''`. */
export function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '')
  if (trimmed === '') return ''
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}
