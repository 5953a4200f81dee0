/**
 * Raw `subscribe()`: one stream from any standard SSE or WebSocket endpoint (no Switchline framing), with
 * reconnection, resume, liveness, validation and a bounded async iterator. This one picks SSE or WebSocket from
 * the URL at run time, so it bundles both; `subscribe-sse.ts` and `subscribe-ws.ts` are the single-transport
 * entries (`@switchline/client/sse`, `@switchline/client/ws`).
 */
import { checkOptions, SUBSCRIBE_OPTIONS } from '../core/check-options'
import { invalidOptions } from '../core/errors'
import { openEventSourceSse } from '../sse/sse-eventsource'
import { createRawSse, eventSourceRefused } from './raw-sse'
import { createRawWs } from './raw-ws'
import { parseRawUrl, startRaw } from './start-raw'
import type { SendResult, Subscription, SubscribeOptions, TransportKind, TransportPreference } from '../types'

/**
 * A URL that raw `subscribe()` streams over SSE unless told otherwise: `http(s)://…`, or a path (`/events`,
 * resolved against the page). Such a subscription is typed without `send()` (SSE cannot send).
 */
export type SseUrl = `http://${string}` | `https://${string}` | `/${string}`

/**
 * Subscribes to one stream. `http(s)` URLs ride SSE, `ws(s)` URLs a WebSocket; `transport` forces one (the URL's
 * scheme is converted: `https` ↔ `wss`, `http` ↔ `ws`). Relative URLs resolve against `location` in browsers.
 *
 * - **SSE** uses `fetch` in browsers, `node:http` in Node, `EventSource` only without fetch or when `sse` asks.
 *   Reconnects resume with the `Last-Event-ID` header or a `lastEventId` query parameter (EventSource, header-less
 *   cross-origin). `retry:` is honoured as the minimum delay; `connectTimeoutMs` ends at the response headers, then
 *   `firstByteTimeoutMs` and `stallTimeoutMs` watch the body; a payload matching `done` ends the subscription
 *   cleanly. Ids are the spec's resume cursor: events are deduplicated only with `dedupe`. `ignoreEvents` hides
 *   heartbeats. A non-GET stream that produced events is not sent again unless `resend`.
 * - **WebSocket** close codes mean what RFC 6455 says (`closeCodes` overrides); `pong` answers a server's ping.
 * - **WebSocket**: text messages decoded per `format`; `ping` adds an application-level ping; `send()` writes
 *   `JSON.stringify(data)` (or `String(data)` with `format: 'text'`) and queues sends while disconnected, bounded by
 *   `sendQueue` (100 messages and 1 MiB by default).
 * - The token provider is asked on every (re)connect (SSE: `Authorization: Bearer …`), and at once again after
 *   a 401 — the same credentials again stop with a fatal `unauthorized`. A decode failure is reported to `onError`
 *   (`decode`) and the stream goes on.
 *
 * Typing: an `http(s)` or `/path` URL literal (or `transport: 'sse'`) gives a subscription without `send()`; a
 * `ws(s)` URL, `transport: 'websocket'` or a URL typed only as `string` gives one with `send(data: unknown)`, which
 * rejects with `send_unsupported` if the stream turns out to ride SSE. A second type argument, an event map
 * (`subscribe<Order | Cancel, { 'order-update': Order; 'order-cancel': Cancel }>(url)`), types `on(name, handler)`.
 *
 * @throws SwitchlineError `invalid_options` for a URL that does not parse or has another scheme, any option of the
 * wrong type or out of range (the message names it and its value: `transport: 'SSE'`, `connectTimeoutMs: -5`,
 * `reconnect.maxAttempts: -3`, `buffer.maxSize: 0`, raw-mode options such as `dedupe: true` or
 * `closeCodes: { 999: 'fatal' }` …), or `sse: 'eventsource'` with `headers`, `token`, `body` or a non-GET `method`.
 * @example
 * // An LLM-style token stream: POST with a JSON body, ends on [DONE]
 * for await (const chunk of subscribe<Chunk>('https://api.example.com/v1/chat', {
 *   method: 'POST', body: { prompt: 'hi', stream: true }, token: () => getToken(), done: '[DONE]',
 * })) process(chunk)
 * @example
 * const ticks = subscribe<Tick>('wss://feed.example.com/ticks', {
 *   onEvent: (tick) => render(tick),
 *   ping: { message: 'ping', isPong: (text) => text === 'pong' },
 * })
 * await ticks.send({ op: 'subscribe', symbol: 'ACME' })
 */
export function subscribe<T = unknown, E = Record<string, T>>(
  url: SseUrl,
  options?: SubscribeOptions<T> & { transport?: 'auto' | 'sse' },
): Subscription<T, never, SendResult, E>
export function subscribe<T = unknown, E = Record<string, T>>(
  url: string,
  options: SubscribeOptions<T> & { transport: 'sse' },
): Subscription<T, never, SendResult, E>
export function subscribe<T = unknown, E = Record<string, T>>(
  url: string,
  options?: SubscribeOptions<T>,
): Subscription<T, unknown, SendResult, E>
export function subscribe<T = unknown>(url: string, options: SubscribeOptions<T> = {}): Subscription<T, unknown> {
  checkOptions('subscribe()', options, SUBSCRIBE_OPTIONS)
  // Where it connects, and over what.
  const preference: TransportPreference = options.transport ?? 'auto'
  const parsed = parseRawUrl(url)
  const natural = NATURAL[parsed.protocol]
  if (natural === undefined) {
    throw invalidOptions(`subscribe(): unsupported URL scheme ${parsed.protocol} (http, https, ws, wss)`)
  }
  const kind: TransportKind = preference === 'auto' ? natural : preference
  const reason =
    preference === 'auto'
      ? natural === 'sse'
        ? 'http(s) URL → SSE'
        : 'ws(s) URL → WebSocket'
      : `transport: '${kind}'${kind === natural ? '' : ' (URL scheme converted)'}`
  if (kind !== natural) parsed.protocol = CONVERT[parsed.protocol] as string
  const href = parsed.href
  if (kind === 'sse' && eventSourceRefused(options)) {
    throw invalidOptions("subscribe(): sse: 'eventsource' allows only a plain GET (no headers, token, body or method)")
  }
  return startRaw(options, kind, reason, (sink, end) =>
    kind === 'sse'
      ? createRawSse(href, options, sink, end, typeof options.sse === 'function' ? options.sse : openEventSourceSse)
      : createRawWs(href, options, sink),
  )
}

const NATURAL: Record<string, TransportKind> = {
  'http:': 'sse',
  'https:': 'sse',
  'ws:': 'websocket',
  'wss:': 'websocket',
}
const CONVERT: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'http:', 'wss:': 'https:' }
