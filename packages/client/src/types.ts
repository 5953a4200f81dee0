/**
 * Public types of `@switchline/client`. Implementations live in `subscribe.ts` (one stream from any standard
 * endpoint) and `client.ts` (channels over the Switchline protocol); both return a {@link Subscription}.
 */
import type { BackoffPolicy } from './core/backoff'
import type { OverflowPolicy } from './core/async-queue'
import type { DataFormat } from './core/decode'
import type { SwitchlineError } from './core/errors'
import type { GapInfo } from './protocol/frames'
import type { StandardSchemaV1 } from './core/standard-schema'
import type { Platform } from './core/platform-types'
import type { RawStreamOptions } from './core/raw-options'
import type { OpenSse } from './core/transport-types'

export type { GapInfo }

/** Connection state of a subscription. Changes are emitted once each, as `{ from, to }`. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** The transport a subscription currently rides. */
export type TransportKind = 'sse' | 'websocket'

/** Which transport to use: `'auto'` lets Switchline choose (see README, "Transport choice"). */
export type TransportPreference = 'auto' | TransportKind

/** One state change. */
export interface StateChange {
  from: ConnectionState
  to: ConnectionState
  /** Why, in a few words (e.g. `'ping timeout'`, `'offline'`, `'WebSocket blocked'`). */
  reason?: string
  /** The error that caused the change, if any. On `to: 'closed'` with an error, the subscription failed. */
  error?: SwitchlineError
  /**
   * With `to: 'reconnecting'`: how many attempts in a row have failed, 1-based — `1` after the first failure,
   * `2` after the second… (docs/decisions/0004); the next attempt comes after `delayMs`. The count resets once a
   * connection stayed open `resetAfterMs`. On a wait for the platform (`reason: 'offline' | 'hidden'`) there is
   * no `delayMs`.
   */
  attempt?: number
  /**
   * With `to: 'reconnecting'`: how long the client waits before that attempt, as actually used — jitter, the
   * server's hint (the floor of the jitter range) and its 60 s cap included. The error carries it as `nextDelayMs`.
   */
  delayMs?: number
}

/**
 * A change of the transport a subscription rides, reported once per change through `onTransport`; the
 * subscription's `transport` and `transportReason` hold the new values from the same moment.
 */
export interface TransportChange {
  /** The transport before, `undefined` on the first choice. */
  from: TransportKind | undefined
  /** The transport from now on. */
  to: TransportKind
  /** Why, in a few words — the new `transportReason` (e.g. `'WebSocket blocked → SSE + POST'`). */
  reason: string
  /**
   * With a move to SSE + POST because WebSocket is blocked: when the client tries WebSocket again, in ms since the
   * Unix epoch on the platform's clock (`Date.now()` unless `platform.timers` says otherwise). A re-probe that
   * fails moves it on without a transport change: `client.reprobeAt` always has the current one.
   */
  reprobeAt?: number
}

/** What comes with each event besides its data. */
export interface EventMeta {
  /** The event id (cursor), if the server gave one. */
  id: string | undefined
  /** The channel (Switchline protocol), or `undefined` for a plain stream. */
  channel: string | undefined
  /** The event name: the SSE `event` field (default `'message'`), or the publisher's name on Switchline. */
  event: string
  /** The transport the event arrived on. */
  transport: TransportKind
}

/** Returns a bearer token, called on every (re)connect and again after a 401 / close 4001. */
export type TokenProvider = () => string | undefined | null | Promise<string | undefined | null>

/**
 * A transport `createClient` can carry channels over: `sseTransport` or `webSocketTransport` (opaque; see
 * `ClientOptions.transports`).
 */
export interface ClientTransport {
  /** Which transport it is. */
  readonly kind: TransportKind
}

/** Header values, or a function called on every (re)connect. */
export type HeadersProvider = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>)

/** @deprecated Renamed {@link HeadersProvider}; this alias stays for existing imports. */
export type HeadersInit_ = HeadersProvider

/** Reconnection behaviour. */
export interface ReconnectOptions {
  /**
   * The backoff policy `(attempt, random) → delay ms`. A server hint (SSE `retry:`, `retry-after-ms` /
   * `Retry-After`, close 1013) is added as the floor of its range: `hint + backoff + r × hint`, `r` the policy's
   * own draw, the hint capped at 60 s (`reconnectDelay`, docs/decisions/0009).
   * @defaultValue `defaultBackoff` (full jitter, 1.5 s doubling up to 5 s)
   * @example
   * subscribe(url, { reconnect: { backoff: exponentialBackoff({ initialDelayMs: 500, maxDelayMs: 10_000 }) } })
   */
  backoff?: BackoffPolicy
  /**
   * Give up after this many consecutive failed attempts (then state `closed` with `max_attempts`, which `ready()`
   * rejects with). An integer ≥ 1, or `Infinity`.
   * @defaultValue Infinity
   * @example
   * await subscribe(url, { reconnect: { maxAttempts: 5 } }).ready() // rejects with max_attempts after 5 failures
   */
  maxAttempts?: number
  /** A connection that stayed open this long resets the attempt counter. @defaultValue 5000 */
  resetAfterMs?: number
  /** Wait while the page is hidden (browsers) and reconnect when it is visible again. @defaultValue false */
  pauseWhenHidden?: boolean
}

/** WebSocket application-level ping. */
export interface PingOptions {
  /** How often to ping. @defaultValue 15000 */
  intervalMs?: number
  /** How long to wait for the pong before the socket is called dead, closed and reconnected. @defaultValue 10000 */
  timeoutMs?: number
}

/** Raw-mode ping for third-party WebSocket servers: what to send and how to recognise the answer. */
export interface RawPingOptions extends PingOptions {
  /** The ping message to send. */
  message: string | (() => string)
  /** Whether an incoming text message is the pong (pongs are not delivered as events). */
  isPong: (data: string) => boolean
}

/** The bound of the queue that holds sends made while disconnected: count AND bytes (UTF-8 of the encoded message). */
export interface SendQueueOptions {
  /** At most this many queued sends. @defaultValue 100 */
  maxCount?: number
  /** At most this many bytes queued in total. @defaultValue 1_048_576 (1 MiB) */
  maxBytes?: number
}

/** Bounded buffer behind `for await … of subscription`. */
export interface IteratorBufferOptions {
  /** @defaultValue 1000 */
  maxSize?: number
  /**
   * What happens when the consumer is slower than the stream and the buffer is full:
   * `'error'` ends the iteration with a `buffer_overflow` error (nothing is lost silently);
   * `'drop-oldest'` / `'drop-newest'` drop events and report them through `onError` (`buffer_overflow`).
   * @defaultValue 'error'
   */
  overflow?: OverflowPolicy
}

/** The HTTP client of a raw SSE stream; see {@link SubscribeOptions.sse}. */
export type SseClientPreference = 'auto' | 'fetch' | 'eventsource'

/**
 * The EventSource transport as a value (`eventSource` of `@switchline/client/sse`), for {@link SubscribeOptions.sse}:
 * one attempt over the platform's `EventSource`.
 */
export type EventSourceTransport = OpenSse

/** Options shared by both forms of subscribe. */
export interface BaseSubscriptionOptions<T> {
  /** Called for every event, once, in order. */
  onEvent?: (data: T, meta: EventMeta) => void
  /** Called once per state change. */
  onState?: (change: StateChange) => void
  /** Called when the server reports events it can no longer replay (never silent loss). */
  onGap?: (gap: GapInfo) => void
  /**
   * Called for every error: non-fatal ones (a malformed frame, a failed decode), each failure that will be retried
   * (after its `onState` `reconnecting`; the error carries `attempt` and `nextDelayMs`), and the fatal one that
   * closes.
   * @example
   * subscribe(url, { onError: (e) => console.warn(e.code, e.message, e.attempt ?? '', e.nextDelayMs ?? '') })
   */
  onError?: (error: SwitchlineError) => void
  /**
   * Called once per change of the transport the subscription rides, in order with events and state changes: first
   * when the transport is chosen (during `subscribe()`, `from: undefined`), then on every move — a channel moving
   * to SSE + POST because WebSocket is blocked, and back to WebSocket after a re-probe. `transport` and
   * `transportReason` change at the same moment. A raw `subscribe()` calls it once.
   * @example
   * rt.subscribe('chat', {
   *   onTransport: ({ to, reason, reprobeAt }) => showBadge(to, reason, reprobeAt),
   * })
   */
  onTransport?: (change: TransportChange) => void
  /**
   * Aborting it closes the subscription: `onState` gets `{ to: 'closed', reason: 'aborted' }` without an error (the
   * app asked for it), `ready()` rejects with `aborted` if it had not opened, and a `for await` ends by throwing an
   * `aborted` error (cause: `signal.reason`) after what it had buffered, as Node's `events.on()` does.
   * @example
   * for await (const tick of subscribe(url, { signal: AbortSignal.timeout(60_000) })) render(tick)
   */
  signal?: AbortSignal
  /** Resume after this event id. */
  lastEventId?: string
  /** Validates every incoming payload (zod, valibot, arktype… any Standard Schema). Failures go to `onError` (`validation`). */
  schema?: StandardSchemaV1<unknown, T>
  /** Async-iterator buffer. */
  buffer?: IteratorBufferOptions
  /** Reconnection, or `false` for none. */
  reconnect?: ReconnectOptions | false
  /** Platform overrides (fetch, WebSocket, EventSource, timers, random, online/visibility sources) — for tests and unusual runtimes. */
  platform?: Partial<Platform>
}

/** Options of {@link subscribe} (one stream from any standard endpoint). */
export interface SubscribeOptions<T> extends BaseSubscriptionOptions<T>, RawStreamOptions {
  /** `'auto'` picks SSE for http(s) URLs and WebSocket for ws(s) URLs. @defaultValue 'auto' */
  transport?: TransportPreference
  /** How to decode each payload. @defaultValue 'json' */
  format?: DataFormat
  /** SSE: a payload equal to this string (or for which the function returns true) ends the stream cleanly, no reconnect — e.g. `'[DONE]'`. */
  done?: string | ((data: string) => boolean)
  /** SSE: HTTP method (a non-GET method or a body rules out `EventSource`). @defaultValue 'GET' */
  method?: string
  /** SSE: request body; a plain object is sent as JSON. */
  body?: string | Record<string, unknown> | unknown[]
  /**
   * SSE: request headers (they rule out `EventSource`). Names are case-insensitive: yours win over the SDK's
   * `content-type` and `accept`, and an `authorization` of yours wins over `token` (used only when you give none);
   * `last-event-id` is the SDK's (the resume cursor). In a browser, headers of yours (or a token) to another origin
   * make the request preflighted, so the cursor then travels as the `Last-Event-ID` header too.
   */
  headers?: HeadersProvider
  /** Bearer token provider (SSE header via fetch). */
  token?: TokenProvider
  /** SSE: send cookies cross-origin. @defaultValue false */
  withCredentials?: boolean
  /**
   * SSE: which HTTP client carries the stream. `'fetch'` (streaming `fetch` + the SDK's parser) supports every
   * option, reports the HTTP status of a refused connect, and honours `retry:` hints and comments; `'eventsource'`
   * uses the platform's `EventSource` (native in browsers, the `eventsource` package in Node) and allows only a
   * plain GET — no `headers`, `token`, `body` or other `method`. `'auto'` uses `fetch` in browsers (about 3× the
   * events/s of the native `EventSource` for small events, ADR 0008) and `EventSource` only on a platform without
   * `fetch`; in Node it uses `node:http` / `node:https` + the SDK's parser (about a fifth of fetch's heap per open
   * stream), or `fetch` when you inject one through `platform.fetch`.
   *
   * The resume cursor travels as the `Last-Event-ID` header, except as a `lastEventId` query parameter over
   * `EventSource` and, under `'auto'` in browsers, to another origin when the request has no headers of yours
   * (`headers`, `token`, a JSON `body`): `Last-Event-ID` is not CORS-safelisted, so the query keeps the request
   * "simple" (no preflight), as it was over `EventSource`. An explicit `'fetch'` always sends the header.
   * @defaultValue 'auto'
   * @example
   * subscribe('https://example.com/ticks') // browsers: fetch; Node: node:http
   * subscribe('https://example.com/ticks', { sse: 'eventsource' }) // the platform's EventSource, also in Node
   * subscribe('https://example.com/ticks', { sse: 'fetch' }) // the global fetch, also in Node
   *
   * The EventSource transport is also an add-on, {@link EventSourceTransport} (`eventSource`, exported by
   * `@switchline/client/sse`): passing it here is the same as `'eventsource'`. The SSE-only entry
   * `@switchline/client/sse` bundles no EventSource code unless you pass it (there, `'eventsource'` as a string
   * is refused and `'auto'` always uses fetch / `node:http`).
   * @example
   * import { eventSource, subscribe } from '@switchline/client/sse'
   * subscribe('https://example.com/ticks', { sse: eventSource })
   */
  sse?: SseClientPreference | EventSourceTransport
  /**
   * SSE: event names to deliver — to `onEvent`, the iterator and `on(name)` handlers alike (a name left out reaches
   * none of them). Over `sse: 'eventsource'` these (and `ignoreEvents`) are also the only names the platform's
   * `EventSource` listens to, besides `message`: list there the names you `on()`.
   * @defaultValue all events
   */
  events?: string[]
  /**
   * SSE: once the body has started, nothing — no event, comment or other byte — within this long → the stream is
   * stalled and reconnected (the wait for the first byte after the headers is `firstByteTimeoutMs`). Comments count
   * here (unlike `createClient`, whose server sends `sl-heartbeat` events): `: keep-alive` comments are how most
   * servers keep a quiet stream alive. `0` disables.
   * @defaultValue 45000
   * @example
   * subscribe(url, { stallTimeoutMs: 90_000 }) // a server that sends a comment every 60 s
   */
  stallTimeoutMs?: number
  /**
   * How long one connection attempt may take before it counts as failed — a retryable `timeout` error, then a
   * reconnect with backoff. SSE: from the start of the request until the response headers (a server that accepts
   * the connection but never answers) — in Node until the request is on a connected socket, since a server built on
   * Node's `writeHead()` (@fastify/sse, h3) holds its headers until its first write; a body that starts late is
   * `firstByteTimeoutMs`'s, not this one's. WebSocket: from construction until `open`. `0` disables.
   * @defaultValue 10000
   * @example
   * subscribe(url, { connectTimeoutMs: 5_000 })
   */
  connectTimeoutMs?: number
  /** WebSocket: subprotocols. */
  protocols?: string | string[]
  /** WebSocket: application-level ping for third-party servers; off unless given. */
  ping?: RawPingOptions | false
  /**
   * WebSocket: the largest incoming message, in UTF-8 bytes. A larger one is never delivered: it is reported to
   * `onError` as `payload_too_large` (not fatal). In Node over the `ws` package it is not even read — `ws`'s
   * `maxPayload` refuses it at its header, the socket closes with 1009 and the subscription reconnects with backoff
   * (a server that sends it again on every connection meets a growing delay, never a hot loop). Where the platform
   * has already received it (browsers, a global `WebSocket`), it is dropped and the socket stays open.
   * @defaultValue 1_048_576 (1 MiB, as the largest SSE event)
   * @example
   * subscribe('wss://feed.example.com/snapshots', { maxMessageBytes: 16 * 1024 * 1024 })
   */
  maxMessageBytes?: number
  /**
   * WebSocket: the queue for sends made while disconnected, bounded by count and bytes; a send that does not fit
   * rejects with `queue_full`. Queued sends go out in order when the socket opens.
   * @defaultValue `{ maxCount: 100, maxBytes: 1_048_576 }`
   * @example
   * subscribe(wsUrl, { sendQueue: { maxCount: 20, maxBytes: 64 * 1024 } })
   */
  sendQueue?: SendQueueOptions
}

/** What a successful send resolves to. */
export interface SendResult {
  /** The id the server gave the published event (Switchline protocol), or `undefined` on a raw WebSocket. */
  eventId: string | undefined
}

/** What a send on a `createClient()` channel resolves to: the server always gives the event's id. */
export interface PublishResult extends SendResult {
  /** The id the server gave the published event. */
  eventId: string
}

/**
 * A handler of named events: the event's data, typed by the event map, and its meta (`meta.event` is the name).
 */
export type NamedEventHandler<D> = (data: D, meta: EventMeta) => void

/**
 * Typed named events on a subscription — `addEventListener('order-update', …)` as on a native `EventSource`, but
 * typed by an event map (`{ 'order-update': Order; heartbeat: never }`): an unknown name is a type error and each
 * handler gets its name's data type. Without a map, any name, with the subscription's data type.
 *
 * Every event still reaches `onEvent` and the async iterator, as before; `on(name)` is an extra view of the events
 * of that name. Unnamed SSE events (and every raw WebSocket message) are named `'message'`. Names are matched
 * literally, `'*'` included: there is no wildcard (`on('*')` gets only events named `'*'`). Handlers run after
 * `onEvent`, in the order they were added, over a copy of the list (one removed during an event still gets that
 * event); a handler that throws is reported like a throwing `onEvent` (rethrown from a microtask) and the others
 * still run. `close()` removes every handler; `on()` after it adds none.
 */
export interface NamedEvents<E> {
  /**
   * Calls `handler(data, meta)` for every event named `name`, until the returned function is called (idempotent)
   * or the subscription closes. Adding the same function twice calls it twice. Built on `mitt`, created on first
   * use: a subscription that never calls `on()` pays nothing.
   * @throws SwitchlineError `invalid_options` when `name` is not a string or `handler` not a function.
   * @example
   * const orders = subscribe<unknown, { 'order-update': Order; 'order-cancel': { id: string } }>(url)
   * const stop = orders.on('order-update', (order, meta) => render(order, meta.id))
   * orders.on('order-cancel', ({ id }) => remove(id))
   * stop() // this handler only; orders.close() removes them all
   */
  on<K extends keyof E & string>(name: K, handler: NamedEventHandler<E[K]>): () => void
  /**
   * Removes `handler` from `name` (one registration of it), or every handler of `name` when none is given. A
   * handler that is not registered is ignored.
   * @example
   * orders.off('order-update', render) // or orders.off('order-update') for all of them
   */
  off<K extends keyof E & string>(name: K, handler?: NamedEventHandler<E[K]>): void
}

/** A live, resumable stream. Returned by both `subscribe()` and `client.subscribe()`. */
export interface BaseSubscription<T, E = Record<string, T>> extends AsyncIterable<T>, NamedEvents<E> {
  /** Current connection state. */
  readonly state: ConnectionState
  /**
   * The resume cursor: the id of the last event delivered. Raw SSE: the stream's last event ID as the HTML spec
   * defines it — also moved by events that are not delivered (ignored, filtered, without data), and reset to
   * `undefined` by an empty `id:` field.
   */
  readonly lastEventId: string | undefined
  /** The transport in use, `undefined` before the first connect. */
  readonly transport: TransportKind | undefined
  /** Why that transport was chosen, in a few words (e.g. `'sends → WebSocket'`, `'WebSocket blocked → SSE + POST'`). */
  readonly transportReason: string | undefined
  /** Closes the subscription: no more events, no timers, no sockets (if it was the last user of a shared one). Idempotent. */
  close(): void
  /**
   * Waits for the first open. Resolves once the subscription has been `open` (at once if it has been); rejects
   * with the `SwitchlineError` that closed it before that: a fatal one (`http_status`, `content_type`,
   * `close_code`, …), `max_attempts` when `reconnect.maxAttempts` ran out, `aborted` when its signal fired, `closed`
   * when the app closed it. Failures that will be retried do not reject it (they go to `onError`): with the
   * default `maxAttempts: Infinity` it waits as long as the client retries. A method, so a subscription whose
   * `ready()` nobody calls never makes an unhandled rejection.
   * @example
   * const sub = subscribe<Tick>(url, { reconnect: { maxAttempts: 3 } })
   * try {
   *   await sub.ready()
   * } catch (error) {
   *   if (isSwitchlineError(error, 'max_attempts')) showOffline()
   * }
   */
  ready(): Promise<void>
  /** Iterates events in order. `break` closes the subscription. One iterator per subscription. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T>
}

/** A subscription that can send `S`; a send resolves to `R`. */
export interface Sendable<S, R extends SendResult = SendResult> {
  /**
   * Sends one message. Queued (bounded) while disconnected; resolves when the server acknowledges it.
   * Rejects with a `SwitchlineError`: `queue_full`, `payload_too_large`, `send_unsupported`, `closed`, `protocol`.
   */
  send(data: S): Promise<R>
}

/**
 * A subscription; it has `send` only when `S` is not `never`, resolving to `R` (`PublishResult`, with a defined
 * `eventId`, on `createClient()` channels). `E` is its event map for `on()` / `off()` ({@link NamedEvents}).
 */
export type Subscription<T, S = never, R extends SendResult = SendResult, E = Record<string, T>> = [S] extends [never]
  ? BaseSubscription<T, E>
  : BaseSubscription<T, E> & Sendable<S, R>

// ---- Switchline protocol client ----

/** One channel's types: what it receives and, if clients may publish, what they send. */
export interface ChannelSpec {
  receive: unknown
  send?: unknown
  /**
   * The channel's named events (the publisher's `event`, docs/protocol.md): name → data type, for the typed
   * `on(name, handler)`. Every event still reaches `onEvent` as `receive`, so each type should fit `receive`.
   * @example
   * type Schema = { orders: { receive: Order | Cancel; events: { 'order-update': Order; 'order-cancel': Cancel } } }
   */
  events?: object
}

/** A map of channel names to their types. */
export type ChannelSchema = Record<string, ChannelSpec>

/** The received type of a channel. */
export type ReceiveOf<C extends ChannelSpec> = C['receive']
/** The event map of a channel: its `events`, or any name with the `receive` type when it declares none. */
export type EventsOf<C extends ChannelSpec> = C extends { events: infer E extends object }
  ? E
  : Record<string, ReceiveOf<C>>
/** The sent type of a channel, or `never` for receive-only channels. */
export type SendOf<C extends ChannelSpec> = C extends { send: infer S } ? S : never

/**
 * The names of a schema's channels that declare `send` — what `sendChannels` may list. Without a schema (the
 * default `ChannelSchema`) any string.
 */
export type SendingChannel<S extends ChannelSchema> = string extends keyof S
  ? string
  : { [K in keyof S & string]: S[K] extends { send: unknown } ? K : never }[keyof S & string]

/**
 * Options of {@link createClient}. With a schema, `createClient<Schema>()` narrows `sendChannels` to
 * `SendingChannel<Schema>` (a typo or a receive-only channel does not compile).
 */
export interface ClientOptions {
  /**
   * Base URL of a Switchline server (http or https), e.g. `'https://api.example.com/rt'`. In a browser a path
   * (`'/rt'`) is resolved against the page, as `fetch` would; in Node the URL must be absolute.
   */
  url: string
  /**
   * The transports channels may use: `sseTransport` (one SSE stream, sends over HTTP POST) and/or
   * `webSocketTransport` (one WebSocket). With only SSE, sending channels use SSE + POST and `transport:
   * 'websocket'` is refused (`invalid_options`); with only WebSocket, every channel uses it and a blocked WebSocket
   * is retried rather than left. To leave the WebSocket code out of a bundle, import `createClient` and
   * `sseTransport` from `@switchline/client/channels` (there `transports` is required); `createClient` from
   * `@switchline/client` always bundles both.
   * @defaultValue both, `[sseTransport, webSocketTransport]`: WebSocket for sending channels, SSE for the others,
   * falling back to SSE + POST while WebSocket is blocked
   * @example
   * import { createClient, sseTransport } from '@switchline/client/channels'
   * const rt = createClient({ url: 'https://api.example.com/rt', transports: [sseTransport] })
   */
  transports?: readonly ClientTransport[]
  /** Transport for every channel unless a channel says otherwise. @defaultValue 'auto' */
  transport?: TransportPreference
  /**
   * Names of the channels that send — the runtime mirror of the schema's `send` (types vanish at run time). Under
   * `transport: 'auto'` these ride the WebSocket; the others ride SSE. A channel not listed can still `send()`,
   * over HTTP POST. Read when a channel is subscribed (a channel already open keeps its transport). With a schema,
   * only names of channels that declare `send` compile (a typo is a type error, not a silent SSE + POST channel).
   * @defaultValue []
   * @example
   * createClient<Schema>({ url, sendChannels: ['chat'] })
   */
  sendChannels?: readonly string[]
  /** Bearer token provider, called on every (re)connect. On WebSocket the token travels in the first frame. */
  token?: TokenProvider
  /**
   * Extra headers on SSE and publish requests (fetch). Names are case-insensitive: yours win over the SDK's
   * `content-type`, and an `authorization` of yours wins over `token` (used only when you give none).
   */
  headers?: HeadersProvider
  /** Send cookies cross-origin. @defaultValue false */
  withCredentials?: boolean
  /** Reconnection for both connections. */
  reconnect?: ReconnectOptions | false
  /** WebSocket application-level ping. */
  ping?: PingOptions
  /**
   * The largest incoming WebSocket frame, in UTF-8 bytes — never less than 4 × the `maxFrameBytes` the server
   * announces in `welcome` (what it accepts from publishers must reach subscribers; 256 KiB with its default).
   * A larger frame is not delivered: it is reported to the channel's `onError` (every channel's, when unknown) as
   * `payload_too_large` (not fatal), and the stream goes on without it; each send is still checked against the
   * server's `maxFrameBytes`. In Node over the `ws` package it is not read at first: the socket closes with 1009,
   * and the next connection reads up to 4 × this bound once to find which event to skip, so the resume goes past
   * it. Elsewhere it is dropped on arrival and the socket stays open.
   * @defaultValue 1_048_576 (1 MiB)
   * @example
   * createClient({ url, maxMessageBytes: 8 * 1024 * 1024 }) // a server that publishes large snapshots
   */
  maxMessageBytes?: number
  /**
   * SSE stall timeout: no event within this long → the stream is reconnected. Only events count — channel events
   * and the server's `sl-heartbeat` (docs/protocol.md R13) — not comments: a proxy that injects `: keep-alive`, or a
   * server whose keep-alive runs on while its event feed died, is still a stalled stream. `0` disables.
   * @defaultValue `2 × heartbeatMs + 5000` from the server's `sl-ready` (35 s with the default 15 s heartbeat)
   * @example
   * createClient({ url, stallTimeoutMs: 60_000 })
   */
  stallTimeoutMs?: number
  /**
   * How long one connection attempt may take before it counts as failed — a retryable `timeout` error, then a
   * reconnect with backoff. SSE: from the start of the request until `sl-ready`; WebSocket: from construction
   * until the server's `welcome`. `0` disables.
   * @defaultValue 10000
   * @example
   * createClient({ url, connectTimeoutMs: 5_000 })
   */
  connectTimeoutMs?: number
  /** Bounded queue for sends made while disconnected (count and bytes); a send that does not fit rejects with `queue_full`. */
  sendQueue?: SendQueueOptions
  /** A send not acknowledged within this long rejects with `timeout`. @defaultValue 30000 */
  ackTimeoutMs?: number
  /**
   * Sends over HTTP POST (a channel on SSE + POST): one request that gets no answer within this long — a half-open
   * connection, a stuck proxy — is aborted and sent again, with the same message id (the server deduplicates it),
   * until the send's own `ackTimeoutMs` passes. `0` disables.
   * @defaultValue 10000
   * @example
   * createClient({ url, transport: 'sse', publishTimeoutMs: 5_000 })
   */
  publishTimeoutMs?: number
  /** After WebSocket was found blocked, try it again after this long. @defaultValue 60000 */
  reprobeWebSocketMs?: number
  /** Platform overrides — for tests and unusual runtimes. */
  platform?: Partial<Platform>
  /** Called once per change of either connection's state (for dashboards). */
  onConnectionState?: (change: StateChange & { transport: TransportKind }) => void
  /**
   * Called once per transport change of any channel, after that channel's own `onTransport` (for dashboards).
   * @example
   * createClient({ url, onTransport: ({ channel, from, to, reason }) => log(`${channel}: ${from} → ${to} (${reason})`) })
   */
  onTransport?: (change: TransportChange & { channel: string }) => void
}

/** Options of `client.subscribe(channel, options)`. */
export interface ChannelSubscribeOptions<T> extends Omit<BaseSubscriptionOptions<T>, 'reconnect' | 'platform'> {
  /** Instance key: `subscribe('chat', { key: 'room-a' })` subscribes to channel `chat:room-a`. */
  key?: string
  /** Transport for this channel. @defaultValue the client's `transport` */
  transport?: TransportPreference
}

/** A client for a Switchline server: many channels, at most one SSE stream and one WebSocket. */
export interface Client<S extends ChannelSchema> {
  /**
   * Subscribes to a channel. A channel that would be the 65th on the client's SSE stream (the server accepts 64)
   * closes alone with a fatal `too_many_channels` error, a microtask later; the others are unaffected.
   */
  subscribe<K extends keyof S & string>(
    channel: K,
    options?: ChannelSubscribeOptions<ReceiveOf<S[K]>>,
  ): Subscription<ReceiveOf<S[K]>, SendOf<S[K]>, PublishResult, EventsOf<S[K]>>
  /**
   * While WebSocket is blocked for the client's origin and a re-probe is scheduled: when it will run (ms since the
   * Unix epoch, the platform's clock); `undefined` otherwise — also while a re-probe is under way. A failed re-probe
   * schedules the next one, and this moves on with it.
   */
  readonly reprobeAt: number | undefined
  /** Closes every subscription and connection. */
  close(): void
}
