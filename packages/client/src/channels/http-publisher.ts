/**
 * `POST B/publish` (docs/protocol.md R22): the send path when a channel rides SSE. One request per message, with a
 * deadline: a request that gets no answer within `timeoutMs` (a half-open connection, a stuck proxy) is aborted and
 * fails with a retryable `timeout`. The outbox decides about retries (it re-sends with the same `mid`, which the
 * server deduplicates).
 */
import {
  MAX_ERROR_BODY_SNIPPET,
  parseRetryHint,
  readErrorBody,
  SwitchlineError,
  type SwitchlineErrorCode,
} from '../core/errors'
import { setDefaultHeader } from '../core/headers'
import { resolveHeaders, resolveToken } from '../core/request-headers'
import { parseJsonObject } from '../core/json-object'
import { PATHS } from '../protocol/constants'
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/defaults'
import { encodeFrame } from '../protocol/codec'
import type { Platform } from '../core/platform-types'
import type { OutgoingMessage, PublishDone, SendPath } from './session-types'
import type { HeadersProvider, TokenProvider } from '../types'

/** Options of {@link createHttpPublisher}. */
export interface HttpPublisherOptions {
  /** Base URL without a trailing slash. */
  baseUrl: string
  platform: Platform
  token?: TokenProvider | undefined
  headers?: HeadersProvider | undefined
  /** Send cookies cross-origin (`credentials: 'include'`). @defaultValue false */
  withCredentials?: boolean
  /**
   * One request (token, fetch and its body) that takes longer is aborted: a retryable `timeout`. `0` disables.
   * @defaultValue {@link DEFAULT_PUBLISH_TIMEOUT_MS}
   */
  timeoutMs?: number | undefined
}

/** How long one `POST B/publish` may take before it is aborted and retried (same `mid`). */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000

/** Publishes over HTTP. */
export interface HttpPublisher {
  /**
   * Publishes one message. Resolves with the server's event id; rejects with a {@link SwitchlineError} whose
   * `fatal` says whether a retry can help (`payload_too_large`, `send_unsupported`, … are fatal; network errors,
   * 401 after a second token, 408/429/5xx, a request over its deadline (`timeout`) are not and carry
   * `retryAfterMs` when the server sent one). Aborting `signal` aborts the request (it rejects with `closed`).
   */
  publish(message: OutgoingMessage, signal?: AbortSignal): Promise<{ eventId: string }>
}

/** The body of an answer as text; an unreadable body is an empty one. */
async function readText(response: Response): Promise<string> {
  try {
    return await response.text()
  } catch {
    return ''
  }
}

/**
 * Maps a non-200 answer of `POST B/publish` to an error (docs/protocol.md §7), read as the SSE connect's errors are
 * (errors.ts): the body's message and code in any common shape — ours `{ code, message }`, OpenAI-style
 * `{ error: { message, code } }`, `{ error: "…" }`, `{ message }`, text — as the message, `serverCode` (and
 * `protocolCode` for ours); `url` and the start of the body; for 408 / 429 / 5xx the server's hint, `retry-after-ms`
 * or else `Retry-After`, as `retryAfterMs`.
 * @example
 * await classifyPublishResponse(new Response('', { status: 503, headers: { 'retry-after-ms': '1500' } }), url, Date.now(), 'chat')
 * // SwitchlineError { code: 'http_status', status: 503, retryAfterMs: 1500, fatal: false }
 */
export async function classifyPublishResponse(
  response: Response,
  url: string,
  now: number,
  channel: string,
): Promise<SwitchlineError> {
  const status = response.status
  const raw = await readText(response)
  const body = readErrorBody(raw)
  const said = body ? `${body.serverCode ? ` ${body.serverCode}` : ''}${body.message ? `: ${body.message}` : ''}` : ''
  const text = `${said} (${url})`
  const retryable = status === 408 || status === 429 || status >= 500
  const [code, message]: [SwitchlineErrorCode, string] =
    status === 413
      ? ['payload_too_large', `publish rejected: HTTP 413${text}`]
      : status === 405
        ? ['send_unsupported', `publish not allowed on ${channel}: HTTP 405${text}`]
        : status === 401
          ? ['unauthorized', `publish unauthorized: HTTP 401${text}`]
          : [retryable ? 'http_status' : 'protocol', `publish failed: HTTP ${status}${text}`]
  // 413 and 405 are fatal, 401 is not (the token may change); the rest by status.
  return new SwitchlineError(code, message, {
    status,
    channel,
    protocolCode: body?.protocolCode,
    serverCode: body?.serverCode,
    url,
    body: raw ? raw.slice(0, MAX_ERROR_BODY_SNIPPET) : undefined,
    fatal: status !== 401 && !retryable,
    retryAfterMs: retryable
      ? parseRetryHint(response.headers.get('retry-after-ms'), response.headers.get('retry-after'), now)
      : undefined,
  })
}

/** `cause` as a SwitchlineError: itself, or a retryable `network` error. */
function publishFailed(cause: unknown, channel?: string): SwitchlineError {
  return cause instanceof SwitchlineError
    ? cause
    : new SwitchlineError('network', `publish failed: ${String(cause)}`, { cause, channel })
}

/**
 * Creates the HTTP publisher of a client. The token provider is asked on every publish, and once more after a 401.
 * Header names are matched case-insensitively: the app's `content-type` and `authorization` win (headers.ts).
 * @example
 * const publisher = createHttpPublisher({ baseUrl: 'https://api.example.com/rt', platform })
 * await publisher.publish({ channel: 'chat:a', data: { text: 'hi' }, mid: 'x1' }) // { eventId: 'k3f9a-12' }
 */
export function createHttpPublisher(options: HttpPublisherOptions): HttpPublisher {
  const { baseUrl, platform } = options
  const url = `${baseUrl}${PATHS.publish}`
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS

  async function attempt(message: OutgoingMessage, signal: AbortSignal): Promise<Response> {
    const headers = await resolveHeaders(options.headers)
    setDefaultHeader(headers, 'content-type', 'application/json')
    const token = await resolveToken(options.token)
    if (token !== undefined) setDefaultHeader(headers, 'authorization', `Bearer ${token}`)
    // JSON leaves out an undefined `event`.
    const body = { channel: message.channel, data: message.data, mid: message.mid, event: message.event }
    signal.throwIfAborted()
    return platform.fetch(url, {
      method: 'POST',
      headers,
      body: encodeFrame(body),
      credentials: options.withCredentials === true ? 'include' : 'same-origin',
      signal,
    })
  }

  async function exchange(message: OutgoingMessage, signal: AbortSignal): Promise<{ eventId: string }> {
    let response = await attempt(message, signal)
    if (response.status === 401 && options.token !== undefined) {
      await response.body?.cancel().catch(() => undefined)
      response = await attempt(message, signal)
    }
    if (response.status !== 200)
      throw await classifyPublishResponse(response, url, platform.timers.now(), message.channel)
    const body = parseJsonObject(await readText(response)) // an unreadable body is a missing one
    signal.throwIfAborted() // a body cut by the deadline is no answer
    if (typeof body?.eventId !== 'string') {
      throw new SwitchlineError('malformed_frame', 'publish answered 200 without an eventId', {
        channel: message.channel,
        fatal: true,
      })
    }
    return { eventId: body.eventId }
  }

  return {
    async publish(message, signal) {
      const { channel } = message
      const controller = new AbortController()
      const abort = (): void => controller.abort()
      signal?.addEventListener('abort', abort)
      const timer = timeoutMs > 0 ? platform.timers.setTimeout(abort, timeoutMs) : undefined
      try {
        return await exchange(message, controller.signal)
      } catch (cause) {
        if (controller.signal.aborted) {
          // The app's abort, or the deadline: the caller tells them apart (it aborted or it did not).
          throw signal?.aborted
            ? new SwitchlineError('closed', 'publish aborted', { cause, channel })
            : new SwitchlineError('timeout', `publish: no answer within ${timeoutMs} ms`, { cause, channel })
        }
        throw publishFailed(cause, channel)
      } finally {
        platform.timers.clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
      }
    },
  }
}

/**
 * A {@link SendPath} over a publisher: every message is one POST; the returned function aborts it.
 * @param maxFrameBytes - the server's limit, if known. @defaultValue 65536
 */
export function httpSendPath(publisher: HttpPublisher, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): SendPath {
  return {
    kind: 'sse',
    maxFrameBytes,
    publish(message, done: PublishDone) {
      const controller = new AbortController()
      publisher.publish(message, controller.signal).then(done, (error: unknown) => done(publishFailed(error)))
      return () => controller.abort()
    },
  }
}
