/**
 * `subscribe()` of `@switchline/client/sse`: one standard SSE stream, with everything raw SSE does (see
 * `subscribe.ts`), and no WebSocket code. The EventSource transport is an add-on here: pass `sse: eventSource`
 * (`sse/sse-eventsource.ts`) to ride it; without it the stream rides fetch (browsers) or `node:http` (Node).
 */
import { checkOptions, SSE_SUBSCRIBE_OPTIONS } from '../core/check-options'
import { invalidOptions } from '../core/errors'
import { createRawSse, isPlainSseRequest } from './raw-sse'
import { parseRawUrl, startRaw } from './start-raw'
import type { SendResult, Subscription, SubscribeOptions } from '../types'

/** Options of `subscribe()` from `@switchline/client/sse`: those of the auto `subscribe()` that concern SSE. */
export type SseSubscribeOptions<T> = Omit<
  SubscribeOptions<T>,
  'transport' | 'protocols' | 'ping' | 'pong' | 'maxMessageBytes' | 'sendQueue' | 'closeCodes'
>

/**
 * Subscribes to one Server-Sent Events stream (`http(s)://…` or a path resolved against the page; a `ws(s)` URL is
 * converted to `http(s)`), with the options and behaviour of the auto `subscribe()` over SSE: reconnects with
 * backoff and `retry:` hints, resumes with `Last-Event-ID`, connect / first-byte / stall timeouts, `done`, `events`,
 * `ignoreEvents`, opt-in `dedupe`, token refresh on 401, a bounded async iterator.
 *
 * `sse: 'eventsource'` is refused here (the EventSource transport is not bundled); pass the add-on instead:
 * `sse: eventSource`.
 * @throws SwitchlineError `invalid_options` for a URL that does not parse or is not http(s)/ws(s), an option of the
 * wrong type or out of range, `sse: 'eventsource'`, or the EventSource transport with `headers`, `token`, `body`
 * or a non-GET `method`.
 * @example
 * import { subscribe } from '@switchline/client/sse'
 * for await (const tick of subscribe<Tick>('https://api.example.com/ticks')) render(tick)
 * @example
 * import { eventSource, subscribe } from '@switchline/client/sse'
 * const ticks = subscribe<Tick>('/ticks', { sse: eventSource, onEvent: render }) // the platform's EventSource
 */
export function subscribe<T = unknown, E = Record<string, T>>(
  url: string,
  options?: SseSubscribeOptions<T>,
): Subscription<T, never, SendResult, E>
export function subscribe<T = unknown>(url: string, options: SseSubscribeOptions<T> = {}): Subscription<T> {
  checkOptions('subscribe()', options, SSE_SUBSCRIBE_OPTIONS)
  const parsed = parseRawUrl(url)
  // ws(s) → http(s); http(s) as it is.
  const scheme = parsed.protocol.replace(/^ws/, 'http')
  if (!/^https?:$/.test(scheme))
    throw invalidOptions(`subscribe(): unsupported URL scheme ${parsed.protocol} (http, https, ws, wss)`)
  if ((options.sse as string) === 'eventsource') {
    throw invalidOptions(
      "subscribe(): sse: 'eventsource' needs the EventSource transport here: import { eventSource } from '@switchline/client/sse' and pass sse: eventSource",
    )
  }
  // (`'eventsource'` is refused above: only the add-on asks for EventSource here.)
  if (typeof options.sse === 'function' && !isPlainSseRequest(options)) {
    throw invalidOptions(
      'subscribe(): the EventSource transport allows only a plain GET (no headers, token, body or method)',
    )
  }
  const converted = scheme !== parsed.protocol
  parsed.protocol = scheme
  const eventSource = typeof options.sse === 'function' ? options.sse : undefined
  return startRaw(options, 'sse', converted ? 'SSE entry (URL scheme converted)' : 'http(s) URL → SSE', (sink, end) =>
    createRawSse(parsed.href, options, sink, end, eventSource),
  ) as Subscription<T>
}
