/**
 * The SSE side of raw `subscribe()`: one standard event stream (no Switchline framing), put under the
 * supervisor by `subscribe.ts`. Builds the request on every attempt (token, headers, cursor), picks
 * fetch or EventSource, filters, deduplicates and decodes events, and watches for stalls.
 */
import { createDecoder } from '../core/decode'
import { createRawIdFilter } from '../core/dedupe'
import { SwitchlineError } from '../core/errors'
import { setDefaultHeader, utf8ByteString } from '../core/headers'
import { resolveHeaders, resolveToken } from '../core/request-headers'
import { createWatchdog, DEFAULT_CONNECT_TIMEOUT_MS, type Watchdog } from '../core/liveness'
import { hasFetch, platformSse, resolvePlatform } from '../platform/platform'
import { cursorInQuery, usesEventSource, withQueryCursor } from '../sse/sse-client'
import type { SseEvent } from '../core/sse-parser'
import type { SubscriptionSink } from './subscription-core'
import { openFetchSse } from '../sse/sse-fetch'
import type { AttemptContext, AttemptHandle, OpenSse, SseAttemptHandlers, SseRequest } from '../core/transport-types'
import type { RawStreamOptions } from '../core/raw-options'
import type { SubscribeOptions } from '../types'
import type { RawConnection } from './start-raw'

export type { RawConnection } from './start-raw'

/** Default `stallTimeoutMs` of raw SSE. */
export const DEFAULT_STALL_TIMEOUT_MS = 45_000
/** Default `firstByteTimeoutMs` of a raw SSE request other than GET (an LLM may think minutes before its first token). */
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 300_000
/** Largest SSE event accepted by raw `subscribe()` (1 MiB); larger ones are reported and skipped. */
export const RAW_MAX_EVENT_SIZE = 1_048_576

/**
 * Creates the SSE connection of a raw subscription. `end(reason)` stops the subscription without error: `'done'`
 * when the `done` sentinel arrives, `'ended'` when a non-GET stream that produced events ends cleanly.
 * EventSource is used with `sse: 'eventsource'`, and with `'auto'` for a plain GET (see {@link isPlainSseRequest})
 * only on a platform without fetch ({@link usesEventSource}); under `'auto'` in Node, `node:http` unless the app
 * injected its own `fetch` ({@link platformSse}); fetch otherwise. The cursor travels as `Last-Event-ID` (its UTF-8
 * bytes, as a browser's `EventSource` sends it), or as a `lastEventId` query parameter over EventSource and for a
 * header-less cross-origin request ({@link cursorInQuery}).
 *
 * Timers of one attempt: `connectTimeoutMs` until the response headers, then `firstByteTimeoutMs` until the first
 * byte of the body, then `stallTimeoutMs` for every silence. Ids are the spec's cursor: every block with an `id`
 * moves it (an empty one resets it), and only the opt-in `dedupe` drops events by id. A 401 whose retry would
 * carry the same `Authorization` (or none again) stops with a fatal `unauthorized` instead of retrying. A non-GET
 * request whose stream produced an event is not sent again unless `resend` (see {@link RawStreamOptions.resend}).
 */
export function createRawSse<T>(
  url: string,
  options: SubscribeOptions<T>,
  sink: SubscriptionSink<T>,
  end: (reason: string) => void,
  eventSource: OpenSse | undefined,
): RawConnection {
  const { events, done, body: given } = options
  const decode = createDecoder(options.format)
  const isNew = createRawIdFilter(options.dedupe)
  const wanted = events && new Set(events)
  const ignored = new Set(options.ignoreEvents)
  const isDone = typeof done === 'string' ? (data: string) => data === done : done
  const method = (options.method ?? 'GET').toUpperCase()
  // A string body is sent as is; an object or array as JSON (with a default `content-type`).
  const json = typeof given === 'object'
  const body = json ? JSON.stringify(given) : given
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
  const firstByteTimeoutMs =
    options.firstByteTimeoutMs ?? (method === 'GET' ? stallTimeoutMs : DEFAULT_FIRST_BYTE_TIMEOUT_MS)
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const plain = isPlainSseRequest(options)
  // `sse: eventSource` (the add-on transport itself) asks for EventSource as `'eventsource'` does.
  const sseClient = typeof options.sse === 'function' ? 'eventsource' : (options.sse ?? 'auto')
  let cursor = options.lastEventId
  if (cursor !== undefined) isNew?.(cursor) // the app's cursor is the first mark: a replay of it is a duplicate
  let duplicate = false // the id of the block being dispatched was a duplicate (opt-in `dedupe`)
  let produced = false // the current attempt's stream produced an event (not an ignored one)
  // The 401 that answered `refusedAuthorization` (or its absence): the same again on the retry stops instead.
  let refused: SwitchlineError | undefined
  let refusedAuthorization: string | undefined
  let finished = false

  /** Every event block with an `id` field, before its event (if it has data): the spec's last event ID. */
  function onId(id: string): void {
    duplicate = id !== '' && isNew !== undefined && !isNew(id)
    if (duplicate) return
    cursor = id === '' ? undefined : id
    sink.cursor(cursor)
  }

  function onEvent(event: SseEvent): void {
    if (finished || (duplicate && event.id !== undefined) || ignored.has(event.event)) return
    produced = true
    // `end` stops the supervisor, whose closing state change closes this connection (`finished`) at once.
    if (isDone?.(event.data)) return end('done')
    if (wanted && !wanted.has(event.event)) return
    try {
      // deliver() calls app code guarded: only the decoder throws here, and SwitchlineError('decode') only.
      sink.deliver(decode(event.data), {
        id: event.id || undefined,
        channel: undefined,
        event: event.event,
        transport: 'sse',
      })
    } catch (error) {
      sink.error(error as SwitchlineError)
    }
  }

  async function connect(ctx: AttemptContext): Promise<AttemptHandle> {
    const platform = resolvePlatform(options.platform)
    const [headers, token] = await Promise.all([resolveHeaders(options.headers), resolveToken(options.token)])
    // Closed while the headers or token were awaited (every close of the subscription closes this connection).
    if (finished) return { close() {} }
    // `headers` is resolveHeaders()' fresh, lower-cased object: the request's own headers are added to it.
    if (token !== undefined) setDefaultHeader(headers, 'authorization', `Bearer ${token}`)
    if (json) setDefaultHeader(headers, 'content-type', 'application/json')
    const authorization = headers.authorization
    if (refused && refusedAuthorization === authorization) {
      const error = refused
      throw new SwitchlineError(
        'unauthorized',
        `${error.message} (the retry would send the same credentials: stopped)`,
        {
          status: error.status,
          protocolCode: error.protocolCode,
          url: error.url,
          body: error.body,
          serverCode: error.serverCode,
          fatal: true,
          cause: error,
        },
      )
    }
    // Without the EventSource transport (the SSE-only entry, add-on not passed) 'auto' stays on fetch.
    const useEventSource =
      eventSource !== undefined &&
      usesEventSource(sseClient, plain, hasFetch(platform), platform.EventSource !== undefined)
    // The CORS rule belongs to 'auto' (it stands in for EventSource): an explicit `sse: 'fetch'` keeps the header.
    // Own headers are counted before the cursor's.
    const inQuery = cursorInQuery(
      url,
      sseClient === 'auto' ? platform.pageOrigin : undefined,
      useEventSource,
      Object.keys(headers).length > 0,
    )
    if (cursor !== undefined && !inQuery) headers['last-event-id'] = utf8ByteString(cursor)
    const request: SseRequest = {
      url: inQuery ? withQueryCursor(url, cursor) : url,
      method,
      headers,
      body,
      withCredentials: options.withCredentials ?? false,
      eventNames: [...(events ?? []), ...ignored],
      maxEventSize: RAW_MAX_EVENT_SIZE,
    }
    produced = false
    let attempt: AttemptHandle | undefined
    // One timer at a time: the connect timeout until the response headers (in Node: until the request is sent),
    // then the first-byte timeout, then the stall watchdog.
    let watchdog: Watchdog | undefined
    let bodyStarted = false
    const stop = (): void => {
      watchdog?.stop()
      attempt?.close()
    }
    /** Ends the attempt; a non-GET stream that produced events ends the subscription instead, unless `resend` re-sends it after a break. */
    const fail = (error: SwitchlineError | undefined): void => {
      stop()
      if (produced && method !== 'GET') {
        // A clean end is the whole answer (also with `resend`: re-sending it would ask the question again).
        if (!error) return end('ended')
        if (!options.resend)
          return ctx.failed(
            new SwitchlineError(
              error.code,
              `${error.message}; the ${method} stream had already produced events, so the request is not sent again (resend: true re-sends it)`,
              { status: error.status, fatal: true, cause: error },
            ),
          )
      }
      ctx.failed(error ?? new SwitchlineError('network', 'SSE stream ended'))
    }
    const arm = (timeoutMs: number, message: string): void => {
      watchdog?.stop()
      watchdog = createWatchdog(platform.timers, timeoutMs, () => fail(new SwitchlineError('timeout', message)))
    }
    // A server that accepts and never answers fails the attempt instead of hanging.
    arm(connectTimeoutMs, `SSE connect timed out: no response headers within ${connectTimeoutMs} ms`)
    /** The first byte may come late: Hono, h3 and @fastify/sse write nothing at first (and Node holds a `writeHead()` until then); an LLM thinks. */
    const awaitFirstByte = (after: string): void => {
      if (!bodyStarted)
        arm(firstByteTimeoutMs, `SSE stream silent: no first byte within ${firstByteTimeoutMs} ms of ${after}`)
    }
    const handlers: SseAttemptHandlers = {
      onSent() {
        // Node only: the request is on a connected socket, so the connect phase is over even if the headers wait
        // for the server's first write.
        awaitFirstByte('the request')
      },
      onOpen() {
        refused = undefined
        awaitFirstByte('the headers')
        ctx.opened()
      },
      onId,
      onEvent,
      onRetry: (ms) => ctx.minDelay(ms),
      onActivity() {
        if (bodyStarted) return watchdog?.kick()
        bodyStarted = true
        arm(stallTimeoutMs, `SSE stream stalled: nothing for ${stallTimeoutMs} ms`)
      },
      onClose(error) {
        if (error?.code === 'unauthorized') {
          refused = error
          refusedAuthorization = authorization
        }
        fail(error)
      },
      onError: (error) => sink.error(error),
    }
    try {
      attempt = (
        useEventSource ? (eventSource as OpenSse) : (sseClient === 'auto' && platformSse?.(platform)) || openFetchSse
      )(request, handlers, platform)
    } catch (error) {
      stop()
      throw error
    }
    return { close: stop }
  }

  return {
    connect,
    async send() {
      throw new SwitchlineError('send_unsupported', 'send() needs a WebSocket; this subscription rides SSE', {
        fatal: true,
      })
    },
    close() {
      finished = true
    },
  }
}

/**
 * Whether a subscription asks for EventSource (`sse: 'eventsource'`, or the add-on transport itself) with a request
 * EventSource cannot send.
 */
export function eventSourceRefused(
  options: Pick<SubscribeOptions<unknown>, 'sse' | 'method' | 'body' | 'headers' | 'token'>,
): boolean {
  return (options.sse === 'eventsource' || typeof options.sse === 'function') && !isPlainSseRequest(options)
}

/** A plain GET without headers, token or body: what `EventSource` can request. */
export function isPlainSseRequest(
  options: Pick<SubscribeOptions<unknown>, 'method' | 'body' | 'headers' | 'token'>,
): boolean {
  return (
    (options.method ?? 'GET').toUpperCase() === 'GET' &&
    options.body === undefined &&
    options.headers === undefined &&
    options.token === undefined
  )
}
