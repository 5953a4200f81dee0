/**
 * `subscribe()` of `@switchline/client/ws`: one WebSocket, with everything raw WebSocket does (see `subscribe.ts`),
 * and no SSE code.
 */
import { checkOptions, WS_SUBSCRIBE_OPTIONS } from '../core/check-options'
import { invalidOptions } from '../core/errors'
import { createRawWs } from './raw-ws'
import { parseRawUrl, startRaw } from './start-raw'
import type { SendResult, Subscription, SubscribeOptions } from '../types'

/** Options of `subscribe()` from `@switchline/client/ws`: those of the auto `subscribe()` that concern a WebSocket. */
export type WsSubscribeOptions<T> = Omit<
  SubscribeOptions<T>,
  | 'transport'
  | 'sse'
  | 'method'
  | 'body'
  | 'headers'
  | 'token'
  | 'withCredentials'
  | 'events'
  | 'done'
  | 'stallTimeoutMs'
  | 'firstByteTimeoutMs'
  | 'ignoreEvents'
  | 'dedupe'
  | 'resend'
>

/**
 * Subscribes to one WebSocket (`ws(s)://…`; an `http(s)` URL or a path resolved against the page is converted to
 * `ws(s)`), with the options and behaviour of the auto `subscribe()` over WebSocket: reconnects with backoff, close
 * codes per RFC 6455 (`closeCodes` overrides), text messages decoded per `format`, optional `ping` / `pong`,
 * bounded inbound messages, and `send()` queued (bounded by `sendQueue`) while disconnected.
 * @throws SwitchlineError `invalid_options` for a URL that does not parse or is not ws(s)/http(s), or an option of the
 * wrong type or out of range.
 * @example
 * import { subscribe } from '@switchline/client/ws'
 * const ticks = subscribe<Tick>('wss://feed.example.com/ticks', { onEvent: render })
 * await ticks.send({ op: 'subscribe', symbol: 'ACME' })
 */
export function subscribe<T = unknown, E = Record<string, T>>(
  url: string,
  options?: WsSubscribeOptions<T>,
): Subscription<T, unknown, SendResult, E>
export function subscribe<T = unknown>(url: string, options: WsSubscribeOptions<T> = {}): Subscription<T, unknown> {
  checkOptions('subscribe()', options, WS_SUBSCRIBE_OPTIONS)
  const parsed = parseRawUrl(url)
  const scheme = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' }[parsed.protocol]
  if (scheme === undefined)
    throw invalidOptions(`subscribe(): unsupported URL scheme ${parsed.protocol} (ws, wss, http, https)`)
  const converted = scheme !== parsed.protocol
  parsed.protocol = scheme
  return startRaw(
    options,
    'websocket',
    converted ? 'WebSocket entry (URL scheme converted)' : 'ws(s) URL → WebSocket',
    (sink) => createRawWs(parsed.href, options, sink),
  )
}
