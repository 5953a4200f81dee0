/**
 * Options of raw `subscribe()` for servers the SDK did not write (Hono, h3, Fastify, better-sse, Express, LLM
 * APIs, plain `ws` servers): how long the body may stay quiet, which ids to deduplicate, whether a broken POST
 * stream is sent again, which SSE events are heartbeats, what a WebSocket close code means and how to answer a
 * server's ping. `SubscribeOptions` (types.ts) extends {@link RawStreamOptions}. Types only.
 */

/**
 * Raw SSE deduplication by event id (`dedupe`): `false` (ids are a resume cursor only, as in the HTML spec),
 * `'unique'` (ids are unique keys) or `'ordered'` (ids strictly increase).
 */
export type RawDedupe = false | 'unique' | 'ordered'

/** What a WebSocket close code means to a raw subscription: stop for good, or reconnect with backoff. */
export type CloseCodeAction = 'fatal' | 'retry'

/**
 * Raw WebSocket: a declarative answer to a server's application-level ping (a text message such as
 * `{"type":"ping"}`). Pings are answered at once and not delivered as events.
 */
export interface RawPongOptions {
  /** Whether an incoming text message is the server's ping. */
  isPing: (data: string) => boolean
  /** The answer: a fixed text, or one built from the ping (e.g. echoing its id). */
  reply: string | ((ping: string) => string)
}

/** The raw-mode members of `SubscribeOptions` (see types.ts). */
export interface RawStreamOptions {
  /**
   * SSE: how long the body may stay silent between the response headers and its first byte. The connect phase
   * (`connectTimeoutMs`) ends when the headers arrive (in Node: when the request is sent); from then on this bounds the wait for the first byte and
   * `stallTimeoutMs` every later silence. Long by default for a request with a body (an LLM that thinks before its
   * first token); for a GET it is the stall timeout. Exceeding it is a retryable `timeout`. `0` disables.
   * @defaultValue `stallTimeoutMs` for GET; 300000 (5 min) for any other method
   * @example
   * subscribe(url, { method: 'POST', body, firstByteTimeoutMs: 600_000 }) // a model that may think for 10 min
   */
  firstByteTimeoutMs?: number
  /**
   * SSE: event names that are heartbeats — never decoded or delivered, never reported as `decode` errors. They
   * still count as liveness (the stall timeout) and, when they carry an `id`, still move the resume cursor.
   * @defaultValue [] (every event is delivered, subject to `events`)
   * @example
   * subscribe(url, { ignoreEvents: ['heartbeat', 'ping'] }) // Hono's `event: heartbeat` / `data: ping`
   */
  ignoreEvents?: readonly string[]
  /**
   * SSE: whether events are dropped by id. Off by default: as in the HTML spec (and a browser's `EventSource`), an
   * id is a resume cursor — sent back as `Last-Event-ID` — not a key, and many servers number events per
   * connection (`let id = 0`) or use `Date.now()`, so ids repeat. Opt in when your server guarantees more:
   * - `'unique'`: ids are unique keys; an id among the last 1024 seen is a duplicate (a server that replays one
   *   event too many after a resume);
   * - `'ordered'`: ids strictly increase — decimal integers, or Switchline ids `<epoch>-<seq>` (docs/protocol.md
   *   R5); an id not greater than the highest seen is a duplicate. Ids that cannot be compared (another epoch,
   *   another shape) are delivered and become the new mark.
   *
   * A dropped duplicate does not move the cursor. `createClient()` always deduplicates: the Switchline protocol
   * guarantees unique ordered ids.
   * @defaultValue false
   * @example
   * subscribe(url, { dedupe: 'unique' })
   */
  dedupe?: RawDedupe
  /**
   * SSE with a method other than GET (an LLM completion, any POST stream): whether a request whose stream already
   * produced an event (any event not in `ignoreEvents`) is sent again when the stream breaks (network error,
   * stall). Off by default — re-sending would ask the question twice, and the app would get the answer's beginning
   * twice — so such a stream closes with the error, reported to `onError` (fatal, `cause` = the break). A stream
   * that ends cleanly after events is complete and closes without error (reason `'ended'`). A request that has
   * produced no event yet is retried per `reconnect` either way; a GET always is (it resumes with `Last-Event-ID`).
   * @defaultValue false
   * @example
   * subscribe(url, { method: 'POST', body, resend: true }) // the server resumes from Last-Event-ID
   */
  resend?: boolean
  /**
   * WebSocket: what close codes mean, overriding the RFC 6455 table of raw mode (README, "Raw WebSocket close
   * codes"): `'fatal'` stops with a `close_code` error, `'retry'` reconnects with backoff. By default 1002, 1003,
   * 1007, 1008, 1010, 1015 and the registered 3000 (unauthorized) and 3003 (forbidden) are fatal; every other code
   * — 1000, 1001, 1005, 1006, 1009, 1011–1014, 3008 and the private 4000–4999 — reconnects.
   * @defaultValue {} (the RFC 6455 table)
   * @example
   * subscribe(wsUrl, { closeCodes: { 4001: 'fatal', 1008: 'retry' } })
   */
  closeCodes?: Readonly<Record<number, CloseCodeAction>>
  /**
   * WebSocket: answers the server's application-level ping declaratively; pings are not delivered as events.
   * @example
   * subscribe(wsUrl, { pong: { isPing: (text) => text === '{"type":"ping"}', reply: '{"type":"pong"}' } })
   */
  pong?: RawPongOptions | false
}
