/**
 * The state the transports share: the engine (log, ids, fan-out; `engine.ts`), channel definitions, the connection
 * registry, hooks and counters. Transports depend on this, never on each other.
 */
import type { IncomingMessage } from 'node:http'
import { PROTOCOL_DEFAULTS, channelName, isChannelId, type Json } from '@switchline/client/protocol'
import { createAdmissionLimit } from './admission-limit'
import type { AppendResult, SwitchlineEngine } from './engine'
import {
  ForbiddenError,
  type InvalidEventError,
  SwitchlineServerError,
  UnknownChannelError,
  toServerError,
} from './errors'
import type { AdmissionPoint, AuthorizedPoint, ConnectionHandle, Refusal, ServerHooks, Transport } from './internals'
import { encodePublish } from './event-data'
import type { AuthorizeOp, ChannelDefinition, PublishSource, ResolvedOptions } from './options'

/** Live counters kept by the core. */
export interface Counters {
  accepted: Record<Transport, number>
  upgradesRefused: number
  /** Upgrades completed only to close at once with 1013 `retry-after=<ms>`. */
  closedAtUpgrade: number
  /** Connections turned away by `maxConnectionsPerSecond`. */
  admissionLimited: Record<Transport, number>
  publishes: number
  eventsDelivered: number
}

/** A registered connection: the hook-facing handle plus a shutdown action. */
export interface RegisteredConnection extends ConnectionHandle {
  /** Ends the connection because the server closes (SSE: end; WS: close 1001). */
  shutdown(): void
}

/** What the server's transports share. */
export interface ServerCore {
  readonly options: ResolvedOptions
  readonly counters: Counters
  /** The log, its ids and the live fan-out. */
  readonly engine: SwitchlineEngine
  hooks(): ServerHooks | undefined
  setHooks(hooks: ServerHooks | undefined): void
  /** The definition of a channel id, or an `unknown_channel` error (R3). */
  channel(id: string): ChannelDefinition | UnknownChannelError
  /** Runs `authorize`: `undefined` when allowed, else the error to answer (R25). */
  authorize(
    token: string | undefined,
    channel: string | undefined,
    op: AuthorizeOp,
    request: IncomingMessage,
  ): Promise<SwitchlineServerError | undefined>
  /**
   * The `connect` check every transport runs first (R25): reads the token (`offeredToken`, else `authenticate`),
   * then asks `authorize`. Resolves the token; rejects with a {@link SwitchlineServerError} when refused.
   */
  authorizeConnect(request: IncomingMessage, offeredToken?: string): Promise<string | undefined>
  /** The `subscribe` check for one channel (R3, R25): `undefined` when allowed, else the error to answer. */
  authorizeSubscribe(
    token: string | undefined,
    channel: string,
    request: IncomingMessage,
  ): Promise<SwitchlineServerError | undefined>
  /** Asks the hooks whether to admit, before credentials are read; `undefined` admits. */
  admit(point: AdmissionPoint, req: IncomingMessage): Refusal | undefined
  /** Asks the hooks again once `authorize` allowed the request; `undefined` serves it. */
  afterAuthorize(point: AuthorizedPoint, req: IncomingMessage): Refusal | undefined
  /**
   * Takes a `maxConnectionsPerSecond` slot for a new SSE stream or WebSocket: `undefined` when admitted, else the
   * ms until one is free (counted in `admissionLimited`).
   */
  limitConnection(transport: Transport): number | undefined
  /**
   * Checks and encodes the event first (nothing that cannot be sent is stored, and no id is used up: throws
   * {@link InvalidEventError}), then appends through the engine (which assigns the id, deduplicates `mid` and fans
   * out), then counts it and tells `onPublish`. Returns the event id (the original one for a repeated `mid`): synchronously on a synchronous
   * engine, else a promise that rejects with a retryable `unavailable` error when the engine cannot append.
   */
  append(
    channel: string,
    data: Json,
    options: { event?: string | undefined; mid?: string | undefined; source: PublishSource },
  ): string | Promise<string>
  /** Adds an open connection (counted in `accepted`). */
  register(conn: RegisteredConnection): void
  /** Removes a connection once it closed (idempotent); the hooks are told. */
  unregister(conn: RegisteredConnection): void
  connections(): RegisteredConnection[]
  /**
   * Writes `payload` (a control text, or an event's shared wire bytes) with `write(conn, payload)`, through the
   * write hook when one is installed. Without a hook nothing is allocated: the per-event fan-out calls this once per
   * subscriber, with a module-level `write`.
   */
  send<C extends ConnectionHandle, T extends string | Buffer>(
    conn: C,
    payload: T,
    write: (conn: C, payload: T) => void,
  ): void
  nextConnectionId(): number
}

/** Creates the shared core. */
export function createServerCore(options: ResolvedOptions): ServerCore {
  const engine = options.engine.create({
    maxEvents: options.maxEvents,
    maxAgeMs: options.maxAgeMs,
    epoch: options.epoch,
    maxChannelInstances: options.maxChannelInstances,
    midWindow: PROTOCOL_DEFAULTS.publishIdempotencyWindow,
    now: options.now,
    timers: options.timers,
  })
  let hooks: ServerHooks | undefined
  let connectionIds = 0
  const connections = new Set<RegisteredConnection>()
  const counters: Counters = {
    accepted: { sse: 0, ws: 0 },
    upgradesRefused: 0,
    closedAtUpgrade: 0,
    admissionLimited: { sse: 0, ws: 0 },
    publishes: 0,
    eventsDelivered: 0,
  }
  const admission = createAdmissionLimit(options.maxConnectionsPerSecond, options.now)

  const authorize: ServerCore['authorize'] = async (token, channel, op, request) => {
    if (!options.authorize) return undefined
    try {
      const allowed = await options.authorize({ token, channel, op, request })
      return allowed ? undefined : new ForbiddenError(`${op} denied`, channel)
    } catch (err) {
      if (!(err instanceof SwitchlineServerError))
        options.logger.error(`switchline: authorize threw (${op}); answered internal`, { channel, op, error: err })
      return toServerError(err)
    }
  }
  const lookUpChannel: ServerCore['channel'] = (id) => {
    const def = isChannelId(id) ? options.channels.get(channelName(id)) : undefined
    return def ?? new UnknownChannelError(id)
  }

  const published = (
    channel: string,
    data: Json,
    event: string | undefined,
    source: PublishSource,
    result: AppendResult,
  ): string => {
    if (result.duplicate) return result.id
    counters.publishes += 1
    if (options.onPublish) {
      try {
        options.onPublish({ channel, eventId: result.id, data, event, source })
      } catch (error) {
        // a listener's error is not the publisher's problem, but it is the operator's
        options.logger.warn(`switchline: onPublish threw for ${result.id}`, { channel, eventId: result.id, error })
      }
    }
    return result.id
  }

  return {
    options,
    counters,
    engine,
    hooks: () => hooks,
    setHooks(next) {
      hooks = next
    },
    channel: lookUpChannel,
    authorize,
    async authorizeConnect(request, offeredToken) {
      const token = offeredToken ?? options.authenticate(request)
      const denied = await authorize(token, undefined, 'connect', request)
      if (denied) throw denied
      return token
    },
    async authorizeSubscribe(token, channel, request) {
      const def = lookUpChannel(channel)
      return def instanceof SwitchlineServerError ? def : authorize(token, channel, 'subscribe', request)
    },
    admit(point, req) {
      return hooks?.admit?.(point, req)
    },
    afterAuthorize(point, req) {
      return hooks?.afterAuthorize?.(point, req)
    },
    limitConnection(transport) {
      const retryAfterMs = admission.take()
      if (retryAfterMs !== undefined) counters.admissionLimited[transport] += 1
      return retryAfterMs
    },
    append(channel, data, { event, mid, source }) {
      let dataJson: string
      try {
        dataJson = encodePublish({ channel, data, event, mid }, options.maxBufferedBytes)
      } catch (err) {
        if (engine.sync) throw err
        return Promise.reject(err) // an asynchronous engine's callers handle one way of failing
      }
      const result = engine.append({ channel, data, event, mid, dataJson })
      return result instanceof Promise
        ? result.then((r) => published(channel, data, event, source, r))
        : published(channel, data, event, source, result)
    },
    register(conn) {
      connections.add(conn)
      counters.accepted[conn.transport] += 1
    },
    unregister(conn) {
      if (connections.delete(conn)) hooks?.closed?.(conn)
    },
    connections: () => [...connections],
    send(conn, payload, write) {
      const hook = hooks?.write
      if (hook) hook(conn, () => write(conn, payload))
      else write(conn, payload)
    },
    nextConnectionId: () => ++connectionIds,
  }
}
