/**
 * One SSE attempt over Node's `node:http` / `node:https` (Node only: reached through the `#platform` defaults,
 * never from shared code). Same contract as `openFetchSse`, at about a fifth of its heap per open stream: undici's
 * web streams cost ~26 kB per stream, an `IncomingMessage` with `setEncoding('utf8')` ~5 kB (ADR 0007).
 */
import http, { type ClientRequest, type IncomingMessage } from 'node:http'
import https from 'node:https'
import { classifyHttpResponse, messageOf, SwitchlineError } from '../core/errors'
import { headerProblem, normalizeHeaders, setDefaultHeader } from '../core/headers'
import type { Platform } from '../core/platform-types'
import { createAttemptParser, MAX_ERROR_BODY_CHARS, networkError, unsendable } from './attempt-parser'
import { redirectHop, type HttpHop } from './redirect'
import type { AttemptHandle, SseAttemptHandlers, SseRequest } from '../core/transport-types'

/**
 * Opens one SSE stream with `http.request` (`https.request` for `https:` URLs), on the global agent.
 * - `accept: text/event-stream` and `cache-control: no-cache` unless the request has them (names compared
 *   case-insensitively); a string body gets `content-type: text/plain;charset=UTF-8` unless the request has one,
 *   as `fetch` does;
 * - redirects (301, 302, 303, 307, 308) are followed as `fetch` follows them, up to 20, never https → http, and
 *   without credentials once the origin changes ({@link redirectHop}, ADR 0010); the next attempt starts again
 *   from `request.url`, as `EventSource` does;
 * - the answer goes through `classifyHttpResponse` (a non-2xx body is read, bounded, for its JSON error);
 * - a failed request or a broken stream → `onClose(network error)`, retryable;
 * - the stream ending → `onClose(undefined)`: the owner decides whether to reconnect.
 *
 * The body is decoded by the stream itself (`setEncoding('utf8')`: a character split across chunks waits for its
 * last byte). Parser errors (an event over `maxEventSize`) go to `handlers.onError` and the stream goes on.
 * `withCredentials` means nothing here (Node keeps no cookies). No timer: the owner bounds the attempt with its
 * `connectTimeoutMs` and `close()`s it, which destroys the request and its socket.
 * @example
 * const attempt = openNodeHttpSse(request, { onOpen, onEvent, onRetry, onActivity, onClose }, platform)
 * attempt.close() // destroys the request; no callback fires after this
 */
export function openNodeHttpSse(request: SseRequest, handlers: SseAttemptHandlers, platform: Platform): AttemptHandle {
  let closed = false
  let req: ClientRequest | undefined

  const parser = createAttemptParser(request, handlers, () => closed)

  const finish = (error: SwitchlineError | undefined): void => {
    if (closed) return
    closed = true
    req?.destroy()
    handlers.onClose(error)
  }

  function onResponse(res: IncomingMessage, own: ClientRequest, hop: HttpHop): void {
    // Attached first and never removed: an error after close() (the destroyed socket), or from a hop already
    // redirected away from, is a no-op, not unhandled.
    res.on('error', (cause) => req === own && finish(networkError(`SSE stream broke: ${messageOf(cause)}`, cause)))
    res.on('close', () => req === own && finish(networkError('SSE stream broke: connection closed', undefined)))
    if (closed) return
    const next = redirectHop(hop, res.statusCode ?? 0, headerOf(res.headers.location) ?? undefined, redirects)
    if (next !== undefined) {
      if (next instanceof SwitchlineError) return finish(next)
      redirects++
      send(next)
      own.destroy() // the redirect's body is not read
      return
    }
    res.setEncoding('utf8')
    const status = res.statusCode ?? 0
    if (status >= 200 && status < 300) {
      classify(res, undefined)
      return
    }
    let text: string | undefined = ''
    const done = (): void => {
      if (text === undefined) return
      const body = text.slice(0, MAX_ERROR_BODY_CHARS)
      text = undefined
      classify(res, body)
    }
    res.on('data', (chunk: string) => {
      if (text === undefined) return
      text += chunk
      if (text.length >= MAX_ERROR_BODY_CHARS) done()
    })
    res.on('end', done)
  }

  function classify(res: IncomingMessage, body: string | undefined): void {
    if (closed) return
    const verdict = classifyHttpResponse({
      status: res.statusCode ?? 0,
      contentType: headerOf(res.headers['content-type']),
      retryAfter: headerOf(res.headers['retry-after']),
      retryAfterMs: headerOf(res.headers['retry-after-ms']),
      body,
      url: request.url,
      now: platform.timers.now(),
    })
    if (verdict.kind !== 'ok') {
      finish(verdict.error)
      return
    }
    handlers.onOpen()
    if (closed) return
    res.on('data', (chunk: string) => {
      if (closed) return
      handlers.onActivity()
      if (!closed) parser.feed(chunk)
    })
    res.on('end', () => finish(undefined))
  }

  /** Sends one hop: the request, or where a redirect leads (each attempt starts again from `request.url`). */
  function send(hop: HttpHop): void {
    try {
      // Looked up on the module at call time, so interceptors that patch it (msw, nock, tracing) see the request.
      const own = (hop.url.protocol === 'https:' ? https.request : http.request)(hop.url, {
        method: hop.method,
        headers: hop.headers,
      })
      req = own
      own.on('response', (res) => onResponse(res, own, hop))
      // 'finish': the whole request is handed to a connected socket (a redirect's hop sends it again).
      own.on('finish', () => req === own && !closed && handlers.onSent?.())
      own.on('error', (cause) => req === own && finish(networkError(`SSE request failed: ${messageOf(cause)}`, cause)))
      own.end(hop.body)
    } catch (cause) {
      // A request http.request refuses to build (a bad method, protocol or header) fails the same way on every
      // attempt: fatal, reported a microtask later (as a rejected fetch would), never a silent retry loop.
      queueMicrotask(() => finish(unsendable(messageOf(cause), cause)))
    }
  }

  const headers = normalizeHeaders(request.headers)
  setDefaultHeader(headers, 'accept', 'text/event-stream')
  setDefaultHeader(headers, 'cache-control', 'no-cache') // as EventSource: no cached answer, no cache on the way
  if (request.body !== undefined) setDefaultHeader(headers, 'content-type', 'text/plain;charset=UTF-8')
  const problem = headerProblem(headers)
  let redirects = 0
  let url: URL | undefined
  try {
    if (problem) throw new TypeError(problem)
    url = new URL(request.url)
  } catch (cause) {
    // A bad header or URL fails the same way on every attempt: fatal (see `send`).
    queueMicrotask(() => finish(unsendable(problem ?? messageOf(cause), cause)))
  }
  if (url) send({ url, method: request.method, headers, body: request.body })

  return {
    close() {
      if (closed) return
      closed = true
      req?.destroy()
    },
  }
}

/** One header value as `fetch`'s `Headers.get` gives it (repeated values joined), or `null`. */
function headerOf(value: string | string[] | undefined): string | null {
  if (value === undefined) return null
  return typeof value === 'string' ? value : value.join(', ')
}
