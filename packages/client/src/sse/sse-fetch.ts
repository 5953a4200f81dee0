/**
 * One SSE attempt over `fetch` (any method, headers, body, credentials): classifies the answer, then streams
 * `res.body` through a TextDecoder into the SSE parser. Never reconnects; never leaks a reader or an unhandled
 * rejection after `close()`.
 */
import { classifyHttpResponse, messageOf, type SwitchlineError } from '../core/errors'
import type { Platform } from '../core/platform-types'
import { headerProblem, normalizeHeaders, setDefaultHeader } from '../core/headers'
import { createAttemptParser, MAX_ERROR_BODY_CHARS, networkError, unsendable } from './attempt-parser'
import type { AttemptHandle, SseAttemptHandlers, SseRequest } from '../core/transport-types'

/**
 * Opens one SSE stream with `platform.fetch` (looked up by the caller at connect time).
 * - `accept: text/event-stream` unless the request has one (names compared case-insensitively), `credentials:
 *   'include'` when `withCredentials`, `cache: 'no-store'`;
 * - the answer goes through `classifyHttpResponse` (a non-2xx body is read, bounded, for its JSON error);
 * - a network failure or a broken stream → `onClose(network error)`, retryable;
 * - the stream ending → `onClose(undefined)`: the owner decides whether to reconnect.
 *
 * Parser errors (an event over `maxEventSize`) go to the optional `handlers.onError` and the stream goes on.
 * There is no timer here: `await fetch` can wait forever for a server that accepted and never answers (Node's http
 * sends SSE headers only with the first write), so the owner bounds the attempt with its `connectTimeoutMs` and
 * `close()`s it, which aborts the request.
 * @example
 * const attempt = openFetchSse(request, { onOpen, onEvent, onRetry, onActivity, onClose }, platform)
 * attempt.close() // aborts the request; no callback fires after this
 */
export function openFetchSse(request: SseRequest, handlers: SseAttemptHandlers, platform: Platform): AttemptHandle {
  const controller = new AbortController()
  let closed = false
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined

  const parser = createAttemptParser(request, handlers, () => closed)

  /** Aborts the request and cancels the body being read; true if the attempt was open. */
  const release = (): boolean => {
    if (closed) return false
    closed = true
    controller.abort()
    cancel(reader)
    reader = undefined
    return true
  }

  const finish = (error: SwitchlineError | undefined): void => {
    if (release()) handlers.onClose(error)
  }

  async function run(): Promise<void> {
    let response: Response
    const headers = normalizeHeaders(request.headers)
    setDefaultHeader(headers, 'accept', 'text/event-stream')
    const problem = headerProblem(headers)
    // fetch would reject it on every attempt alike, like a network error: fatal, not a silent retry loop.
    if (problem) return finish(unsendable(problem))
    try {
      // A `body` of `undefined` is no body (WebIDL: an absent dictionary member).
      response = await platform.fetch(request.url, {
        method: request.method,
        headers,
        body: request.body as string,
        credentials: request.withCredentials ? 'include' : 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
      })
    } catch (cause) {
      return finish(networkError(`SSE request failed: ${messageOf(cause)}`, cause))
    }
    const { status, body } = response
    if (closed) return cancel(body)

    const ok = status >= 200 && status < 300
    const text = ok ? undefined : await readBounded(body)
    if (closed) return
    const verdict = classifyHttpResponse({
      status,
      contentType: response.headers.get('content-type'),
      retryAfter: response.headers.get('retry-after'),
      retryAfterMs: response.headers.get('retry-after-ms'),
      body: text,
      url: request.url,
      now: platform.timers.now(),
    })
    if (verdict.kind !== 'ok') {
      if (ok) cancel(body)
      return finish(verdict.error)
    }
    if (!body) return finish(networkError('SSE response has no body', undefined))

    handlers.onOpen()
    if (closed) return cancel(body)
    const current = body.getReader()
    reader = current
    // `ignoreBOM`: the parser strips the one leading BOM the spec allows; a decoder stripping one too would let a
    // second BOM through as if it were the first (a stream starting with two must drop its first line).
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await current.read()
      } catch (cause) {
        return finish(networkError(`SSE stream broke: ${messageOf(cause)}`, cause))
      }
      if (closed) return
      if (chunk.done) {
        parser.feed(decoder.decode())
        return finish(undefined)
      }
      handlers.onActivity()
      if (closed) return
      parser.feed(decoder.decode(chunk.value, { stream: true }))
      if (closed) return
    }
  }

  run().catch((cause: unknown) => finish(networkError(`SSE attempt failed: ${messageOf(cause)}`, cause)))

  return { close: release }
}

/** Cancels a body or its reader, ignoring its rejection. */
function cancel(stream: { cancel(): Promise<void> } | null | undefined): void {
  stream?.cancel().catch(() => {})
}

async function readBounded(body: ReadableStream<Uint8Array> | null): Promise<string | undefined> {
  if (!body) return undefined
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < MAX_ERROR_BODY_CHARS) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } catch {
    // An unreadable error body is just a missing one.
  } finally {
    cancel(reader)
  }
  return text.slice(0, MAX_ERROR_BODY_CHARS)
}
