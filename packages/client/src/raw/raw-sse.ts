/**
 * The SSE side of raw `subscribe()`: one standard event stream (no Switchline framing), put under the
 * supervisor by `subscribe.ts`. Builds the request on every attempt (token, headers, cursor), picks
 * fetch or EventSource, filters, deduplicates and decodes events, and watches for stalls.
 */
import { createDecoder } from '../core/decode'
import { createIdWindow } from '../core/dedupe'
import { SwitchlineError } from '../core/errors'
import { setDefaultHeader } from '../core/headers'
import { resolveHeaders, resolveToken } from '../core/request-headers'
import { createWatchdog, DEFAULT_CONNECT_TIMEOUT_MS } from '../core/liveness'
import { hasFetch, platformSse, resolvePlatform } from '../platform/platform'
import { cursorInQuery, usesEventSource, withQueryCursor } from '../sse/sse-client'
import type { SseEvent } from '../core/sse-parser'
import type { SubscriptionSink } from './subscription-core'
import { openEventSourceSse } from '../sse/sse-eventsource'
import { openFetchSse } from '../sse/sse-fetch'
import type { AttemptContext, AttemptHandle, SseAttemptHandlers, SseRequest } from '../core/transport-types'
import type { SendResult, SubscribeOptions } from '../types'

/** One raw connection (SSE or WebSocket) as `subscribe()` drives it. */
export interface RawConnection {
  /** Opens one attempt (the supervisor's `connect`). */
  connect(ctx: AttemptContext): Promise<AttemptHandle>
  send(data: unknown): Promise<SendResult>
  /** The subscription is over: release what is held (pending sends reject with `error`). */
  close(error: SwitchlineError): void
}

/** Default `stallTimeoutMs` of raw SSE. */
export const DEFAULT_STALL_TIMEOUT_MS = 45_000
/** Largest SSE event accepted by raw `subscribe()` (1 MiB); larger ones are reported and skipped. */
export const RAW_MAX_EVENT_SIZE = 1_048_576

/**
 * Creates the SSE connection of a raw subscription. `onDone` is called when the `done` sentinel arrives.
 * EventSource is used with `sse: 'eventsource'`, and with `'auto'` for a plain GET (see {@link isPlainSseRequest})
 * only on a platform without fetch ({@link usesEventSource}); under `'auto'` in Node, `node:http` unless the app
 * injected its own `fetch` ({@link platformSse}); fetch otherwise. The cursor travels as `Last-Event-ID`, or as a
 * `lastEventId` query parameter over EventSource and for a header-less cross-origin request ({@link cursorInQuery}).
 */
export function createRawSse<T>(
  url: string,
  options: SubscribeOptions<T>,
  sink: SubscriptionSink<T>,
  onDone: () => void,
): RawConnection {
  const decode = createDecoder(options.format ?? 'json')
  const seen = createIdWindow()
  const events = options.events ? new Set(options.events) : undefined
  const isDone = doneMatcher(options.done)
  const method = (options.method ?? 'GET').toUpperCase()
  const body = encodeBody(options.body)
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const plain = isPlainSseRequest(options)
  const sseClient = options.sse ?? 'auto'
  let cursor = options.lastEventId
  let finished = false

  function onEvent(event: SseEvent): void {
    if (finished) return
    let id: string | undefined
    if (event.id !== undefined) {
      if (event.id === '') cursor = undefined
      else {
        if (seen.has(event.id)) return
        seen.add(event.id)
        cursor = id = event.id
      }
    }
    if (isDone?.(event.data)) {
      finished = true
      onDone()
      return
    }
    if (events && !events.has(event.event)) return
    let value: unknown
    try {
      value = decode(event.data)
    } catch (error) {
      sink.error(error as SwitchlineError) // the decoder throws SwitchlineError('decode') only
      return
    }
    sink.deliver(value, { id, channel: undefined, event: event.event, transport: 'sse' })
  }

  async function connect(ctx: AttemptContext): Promise<AttemptHandle> {
    const platform = resolvePlatform(options.platform)
    const [headers, token] = await Promise.all([resolveHeaders(options.headers), resolveToken(options.token)])
    if (sink.closed || finished) return { close() {} }
    const useEventSource = usesEventSource(sseClient, plain, hasFetch(platform), platform.EventSource !== undefined)
    const requestHeaders = fetchHeaders(headers, token, body !== undefined && typeof options.body !== 'string')
    const ownHeaders = Object.keys(requestHeaders).length > 0
    // The CORS rule belongs to 'auto' (it stands in for EventSource): an explicit `sse: 'fetch'` keeps the header.
    const inQuery = cursorInQuery(url, sseClient === 'auto' ? platform.pageOrigin : undefined, useEventSource, ownHeaders)
    if (cursor !== undefined && !inQuery) requestHeaders['last-event-id'] = cursor
    const request: SseRequest = {
      url: inQuery ? withQueryCursor(url, cursor) : url,
      method,
      headers: requestHeaders,
      body,
      withCredentials: options.withCredentials ?? false,
      eventNames: options.events ?? [],
      maxEventSize: RAW_MAX_EVENT_SIZE,
    }
    let attempt: AttemptHandle | undefined
    const watchdog = createWatchdog(platform.timers, stallTimeoutMs, () => {
      connectTimer.stop()
      attempt?.close()
      ctx.failed(new SwitchlineError('timeout', `SSE stream stalled: nothing for ${stallTimeoutMs} ms`))
    })
    // Until the first byte: a server that accepts and never answers (or sends headers, then nothing) fails the
    // attempt instead of hanging in `await fetch`.
    const connectTimer = createWatchdog(platform.timers, connectTimeoutMs, () => {
      watchdog.stop()
      attempt?.close()
      ctx.failed(new SwitchlineError('timeout', `SSE connect timed out: no byte within ${connectTimeoutMs} ms`))
    })
    const handlers: SseAttemptHandlers = {
      onOpen: () => ctx.opened(),
      onEvent,
      onRetry: (ms) => ctx.minDelay(ms),
      onActivity: () => {
        connectTimer.stop()
        watchdog.kick()
      },
      onClose: (error) => {
        connectTimer.stop()
        watchdog.stop()
        ctx.failed(error ?? new SwitchlineError('network', 'SSE stream ended'))
      },
      onError: (error) => sink.error(error),
    }
    try {
      const open = useEventSource ? openEventSourceSse : (sseClient === 'auto' && platformSse?.(platform)) || openFetchSse
      attempt = open(request, handlers, platform)
    } catch (error) {
      watchdog.stop()
      connectTimer.stop()
      throw error
    }
    const opened = attempt
    return {
      close() {
        watchdog.stop()
        connectTimer.stop()
        opened.close()
      },
    }
  }

  return {
    connect,
    send: () =>
      Promise.reject(
        new SwitchlineError('send_unsupported', 'send() needs a WebSocket; this subscription rides SSE', {
          fatal: true,
        }),
      ),
    close() {
      finished = true
    },
  }
}

/** A plain GET without headers, token or body: what `EventSource` can request. */
export function isPlainSseRequest(options: Pick<SubscribeOptions<unknown>, 'method' | 'body' | 'headers' | 'token'>): boolean {
  return (
    (options.method ?? 'GET').toUpperCase() === 'GET' &&
    options.body === undefined &&
    options.headers === undefined &&
    options.token === undefined
  )
}

function doneMatcher(done: SubscribeOptions<unknown>['done']): ((data: string) => boolean) | undefined {
  if (done === undefined) return undefined
  return typeof done === 'string' ? (data) => data === done : done
}

function encodeBody(body: SubscribeOptions<unknown>['body']): string | undefined {
  if (body === undefined) return undefined
  return typeof body === 'string' ? body : JSON.stringify(body)
}

/** The request's own headers; the caller adds the cursor where it travels as a header. */
function fetchHeaders(headers: Record<string, string>, token: string | undefined, jsonBody: boolean): Record<string, string> {
  // `headers` is resolveHeaders()' fresh, lower-cased object: it is added to, not copied again.
  if (token !== undefined) setDefaultHeader(headers, 'authorization', `Bearer ${token}`)
  if (jsonBody) setDefaultHeader(headers, 'content-type', 'application/json')
  return headers
}
