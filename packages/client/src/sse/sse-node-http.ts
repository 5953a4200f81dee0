/**
 * One SSE attempt over Node's `node:http` / `node:https` (Node only: reached through the `#platform` defaults,
 * never from shared code). Same contract as `openFetchSse`, at about a fifth of its heap per open stream: undici's
 * web streams cost ~26 kB per stream, an `IncomingMessage` with `setEncoding('utf8')` ~5 kB (ADR 0007).
 */
import http, { type ClientRequest, type IncomingMessage } from 'node:http'
import https from 'node:https'
import { classifyHttpResponse, messageOf, SwitchlineError } from '../core/errors'
import { normalizeHeaders, setDefaultHeader } from '../core/headers'
import type { Platform } from '../core/platform-types'
import { createAttemptParser, MAX_ERROR_BODY_CHARS, networkError } from './attempt-parser'
import type { AttemptHandle, SseAttemptHandlers, SseRequest } from '../core/transport-types'


/**
 * Opens one SSE stream with `http.request` (`https.request` for `https:` URLs), on the global agent.
 * - `accept: text/event-stream` unless the request has one (names compared case-insensitively); a string body
 *   gets `content-type: text/plain;charset=UTF-8` unless the request has one, as `fetch` does;
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


  function onResponse(res: IncomingMessage): void {
    // Attached first and never removed: an error after close() (the destroyed socket) is a no-op, not unhandled.
    res.on('error', (cause) => finish(networkError(`SSE stream broke: ${messageOf(cause)}`, cause)))
    res.on('close', () => finish(networkError('SSE stream broke: connection closed', undefined)))
    if (closed) return
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
      body,
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

  const headers = normalizeHeaders(request.headers)
  setDefaultHeader(headers, 'accept', 'text/event-stream')
  if (request.body !== undefined) setDefaultHeader(headers, 'content-type', 'text/plain;charset=UTF-8')
  try {
    const url = new URL(request.url)
    // Looked up on the module at call time, so interceptors that patch it (msw, nock, tracing) see the request.
    const send = url.protocol === 'https:' ? https.request : http.request
    req = send(url, { method: request.method, headers })
    req.on('response', onResponse)
    req.on('error', (cause) => finish(networkError(`SSE request failed: ${messageOf(cause)}`, cause)))
    req.end(request.body)
  } catch (cause) {
    // A bad URL or protocol throws here; report it a microtask later, as a rejected fetch would.
    queueMicrotask(() => finish(networkError(`SSE request failed: ${messageOf(cause)}`, cause)))
  }

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
