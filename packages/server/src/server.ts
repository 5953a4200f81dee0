/**
 * `createSwitchlineServer`: routes `B/sse`, `B/publish`, `B/ws`, `B/ready` (and fault routes) onto the shared core.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import type { Duplex } from 'node:stream'
import { PATHS, type Json } from '@switchline/client/protocol'
import type { Awaitable, EngineHealth } from './engine'
import { SwitchlineServerError, toServerError } from './errors'
import {
  answerPreflight,
  errorBody,
  isOriginAllowed,
  ORIGIN_REFUSED,
  requestUrl,
  retryAfterHeader,
  sendError,
  sendJson,
} from './http-util'
import { SERVER_INTERNALS, type ServerInternals } from './internals'
import { listen, type ListenOptions, type SwitchlineListener } from './listen'
import { resolveOptions, type SwitchlineServerOptions } from './options'
import { handlePublish } from './publish-handler'
import { createServerCore } from './server-core'
import { handleSse } from './sse-handler'
import { createWsHandler } from './ws-handler'

/** Live counts of a server, from {@link SwitchlineServer.stats}. */
export interface ServerStats {
  /** The current epoch of event ids. */
  epoch: string
  sse: {
    /** Open SSE streams. */
    open: number
    /** SSE streams accepted since the server was created. */
    accepted: number
  }
  ws: {
    /** Open WebSockets (welcomed or waiting for `hello`). */
    open: number
    /** WebSockets accepted (upgraded) since the server was created. */
    accepted: number
    /** Upgrades answered with an HTTP error instead of 101 (origin, subprotocol, faults, shutdown). */
    upgradesRefused: number
    /**
     * Upgrades completed only to close at once with 1013 `retry-after=<ms>` (`maxConnectionsPerSecond`, a fault
     * injector's restart down window). Not counted in `accepted`.
     */
    closedAtUpgrade: number
  }
  /** New connections turned away by `maxConnectionsPerSecond`: SSE `503`s and WebSocket `1013` closes. */
  admissionLimited: { sse: number; ws: number }
  /** Events appended to the log (idempotent repeats are not counted). */
  publishes: number
  /** Channel events written to connections, replays included. */
  eventsDelivered: number
  /** Live subscribers per channel instance, e.g. `{ "chat:room-a": 2 }`. */
  channels: Record<string, number>
  /**
   * Channel instances holding a log, at most `maxChannelInstances` (the in-memory engine); `undefined` on an engine
   * whose backend keeps them (Redis).
   */
  channelInstances: number | undefined
  /** The engine (`'memory'`, `'redis'`) and its health, as `GET B/ready` reports it. */
  engine: { name: string } & EngineHealth
}

/** Options of {@link SwitchlineServer.publish}. */
export interface PublishOptions {
  /** The event name clients see as `event`. */
  event?: string
  /** An idempotency key (R22): a repeat within the window returns the original id. */
  mid?: string
}

/**
 * A Switchline protocol v1 server. `Sync` is `true` on the default in-memory engine (`publish` returns the event
 * id) and `false` on an asynchronous engine such as Redis (`publish` returns a promise of it).
 */
export interface SwitchlineServer<Sync extends boolean = true> {
  /**
   * Serves requests under `basePath`; calls `next()` for other paths (or answers 404 without `next`).
   * Mount it in `node:http`, Express (`app.use(server.handleRequest)`), Fastify, or a `node:http2` server's
   * compatibility API (`createSecureServer({ allowHTTP1: true }, server.handleRequest)`, with `handleUpgrade` on its
   * `upgrade` event for WebSockets over HTTP/1.1). Over HTTP/2 the hooks (`authenticate`, `authorize`) receive the
   * `Http2ServerRequest`, which has the same `headers`, `method`, `url` and `socket`.
   */
  handleRequest(
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
    next?: (err?: unknown) => void,
  ): void
  /**
   * Handles an HTTP upgrade. Returns `false`, leaving the socket untouched, when the path is outside
   * `basePath`, so the host can route it elsewhere.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /**
   * Publishes an event to a channel instance and returns its event id — on an asynchronous engine (Redis) a
   * promise of it, which rejects with a retryable {@link UnavailableError} while the engine is unreachable
   * (retry with the same `mid`). `await server.publish(…)` works on every engine.
   * @throws {@link UnknownChannelError} when the channel is malformed or not defined (a rejected promise on an
   * asynchronous engine).
   * @throws {@link InvalidEventError} when `data` cannot be encoded as JSON, `event`/`mid` are not strings
   * (`bad_request`), or the event is larger than `maxBufferedBytes` (`payload_too_large`); nothing is stored.
   * @throws {@link ChannelCapacityError} when the instance is new and the server holds `maxChannelInstances`.
   */
  publish(channel: string, data: Json, options?: PublishOptions): Awaitable<Sync, string>
  /** Live counts. */
  stats(): ServerStats
  /**
   * Resolves once the engine is first ready: at once for the in-memory engine, after the first connection for
   * Redis. The server listens before that; until then `B/ready` answers `503` and new streams are refused
   * retryably.
   */
  ready(): Promise<void>
  /** The current epoch of event ids (`''` until an asynchronous engine first reached its backend). */
  readonly epoch: string
  /** The normalized base path, e.g. `'/rt'`. */
  readonly basePath: string
  /** Creates a `node:http` server wired to both handlers, listening on `host:port`. */
  listen(options?: ListenOptions): Promise<SwitchlineListener>
  /** Closes every connection, timer and listener. WebSockets get 1001; SSE streams end. */
  close(): Promise<void>
  /** @internal */
  readonly [SERVER_INTERNALS]: ServerInternals
}

/** The readiness endpoint under the base path (not part of the protocol: for load balancers and orchestrators). */
export const READY_PATH = '/ready'

/** How long `close()` waits for WebSockets to answer the close handshake before terminating them. */
const CLOSE_GRACE_MS = 500

/**
 * Creates a Switchline server.
 * @example
 * ```ts
 * const server = createSwitchlineServer({ channels: { ticker: { send: false }, chat: { send: true } } })
 * const { baseUrl } = await server.listen({ port: 8080 })
 * server.publish('ticker', { price: 1 })
 * ```
 */
export function createSwitchlineServer<Sync extends boolean = true>(
  options: SwitchlineServerOptions<Sync>,
): SwitchlineServer<Sync> {
  const resolved = resolveOptions(options)
  const core = createServerCore(resolved)
  const ws = createWsHandler(core)
  const base = resolved.basePath
  const listeners = new Set<() => Promise<void>>()
  let closed: Promise<void> | undefined

  const underBase = (path: string): boolean => base === '' || path === base || path.startsWith(`${base}/`)

  async function route(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    if (closed) return sendError(req, res, 'unavailable', 'server closed', { retryAfterSeconds: 1 })
    if (!isOriginAllowed(req, resolved.allowedOrigins)) {
      req.resume()
      return sendError(req, res, 'forbidden', ORIGIN_REFUSED, { cors: false }) // R21
    }
    if (req.method === 'OPTIONS') return answerPreflight(req, res)
    if (rest === PATHS.sse) return handleSse(core, req, res)
    if (rest === PATHS.publish) return handlePublish(core, req, res)
    if (rest === READY_PATH) return answerReady(req, res)
    if (rest === PATHS.ws) {
      // R1: a plain GET without an upgrade answers 426; any other method is simply a wrong method (400)
      req.resume()
      if (req.method !== 'GET') return sendError(req, res, 'bad_request', 'the WebSocket endpoint takes GET + Upgrade')
      return sendError(req, res, 'bad_request', 'WebSocket upgrade required', {
        status: 426,
        headers: { Upgrade: 'websocket' },
      })
    }
    if (
      resolved.faults &&
      rest.startsWith('/_faults/') &&
      core.hooks()?.http?.(rest.slice('/_faults/'.length), req, res)
    ) {
      return
    }
    sendError(req, res, 'not_found', `no endpoint ${rest}`) // R1
  }

  /** `GET B/ready`: `200` while the engine can serve new streams and publishes, else `503` + `Retry-After`. */
  function answerReady(req: IncomingMessage, res: ServerResponse): void {
    req.resume()
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(req, res, 'bad_request', 'readiness takes GET')
    const health = core.engine.health()
    const body = {
      ready: health.ready,
      engine: resolved.engine.name,
      state: health.state,
      epoch: core.engine.epoch() ?? null,
    }
    if (health.ready) return sendJson(req, res, 200, body)
    const reason = health.reason ?? health.state
    sendJson(
      req,
      res,
      503,
      { ...body, ...errorBody('unavailable', `engine not ready: ${reason}`) },
      retryAfterHeader(1),
    )
  }

  const server: SwitchlineServer<Sync> = {
    handleRequest(request, response, next) {
      // node:http2's compatibility objects have every member the handlers use (see listen.ts); one type inside.
      const req = request as IncomingMessage
      const res = response as ServerResponse
      const path = requestUrl(req).pathname
      if (!underBase(path)) {
        if (next) next()
        else sendError(req, res, 'not_found', 'not found')
        return
      }
      route(req, res, path.slice(base.length)).catch((err: unknown) => {
        const error = toServerError(err)
        if (error !== err)
          resolved.logger.error(`switchline: ${req.method ?? ''} ${path} failed; answered 500`, { error: err })
        sendError(req, res, error.code, error.message)
      })
    },
    handleUpgrade(req, socket, head) {
      const path = requestUrl(req).pathname
      if (!underBase(path)) return false
      // `closed` is set in the same tick as the ws handler's own shutdown flag, so it is checked here only.
      if (path.slice(base.length) !== PATHS.ws)
        ws.refuse(socket, 404, errorBody('not_found', 'no WebSocket endpoint here'))
      else if (closed) ws.refuse(socket, 503, errorBody('unavailable', 'server closed'), retryAfterHeader(1))
      else ws.upgrade(req, socket, head)
      return true
    },
    publish(channel, data, publishOptions = {}) {
      const def = core.channel(channel)
      if (def instanceof SwitchlineServerError) {
        if (core.engine.sync) throw def
        return Promise.reject(def) as Awaitable<Sync, string>
      }
      return core.append(channel, data, {
        event: publishOptions.event,
        mid: publishOptions.mid,
        source: 'server',
      }) as Awaitable<Sync, string>
    },
    stats() {
      const open = { sse: 0, ws: 0 }
      for (const conn of core.connections()) open[conn.transport] += 1
      const { counters } = core
      return {
        epoch: core.engine.epoch() ?? '',
        sse: { open: open.sse, accepted: counters.accepted.sse },
        ws: {
          open: open.ws,
          accepted: counters.accepted.ws,
          upgradesRefused: counters.upgradesRefused,
          closedAtUpgrade: counters.closedAtUpgrade,
        },
        admissionLimited: { ...counters.admissionLimited },
        publishes: counters.publishes,
        eventsDelivered: counters.eventsDelivered,
        channels: core.engine.subscriberCounts(),
        channelInstances: core.engine.channelInstances(),
        engine: { name: resolved.engine.name, ...core.engine.health() },
      }
    },
    ready: () => core.engine.ready(),
    get epoch() {
      return core.engine.epoch() ?? ''
    },
    basePath: base,
    async listen(listenOptions) {
      const { listener, closeHttp } = await listen(server, listenOptions)
      listeners.add(closeHttp)
      return listener
    },
    close() {
      closed ??= (async () => {
        core.hooks()?.dispose?.()
        core.setHooks(undefined)
        for (const conn of core.connections()) conn.shutdown()
        await ws.close(CLOSE_GRACE_MS)
        await Promise.all([...listeners].map((closeHttp) => closeHttp()))
        await core.engine.close()
      })()
      return closed
    },
    [SERVER_INTERNALS]: {
      options: resolved,
      setHooks: (hooks) => core.setHooks(hooks),
      connections: () => core.connections(),
      resetLog: () => core.engine.reset(),
    },
  }
  return server
}
