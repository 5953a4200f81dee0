/**
 * `POST B/publish` (docs/protocol.md R22): the send path when a channel rides SSE. One request per message; the
 * outbox decides about retries (it re-sends with the same `mid`, which the server deduplicates).
 */
import { SwitchlineError, parseRetryAfterHeader } from '../core/errors'
import { setDefaultHeader } from '../core/headers'
import { resolveHeaders, resolveToken } from '../core/request-headers'
import { parseJsonObject } from '../core/json-object'
import { PATHS } from '../protocol/constants'
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/defaults'
import { encodeFrame } from '../protocol/codec'
import type { Platform } from '../core/platform-types'
import type { OutgoingMessage, PublishDone, SendPath } from './session-member'
import type { HeadersInit_, TokenProvider } from '../types'

/** Options of {@link createHttpPublisher}. */
export interface HttpPublisherOptions {
  /** Base URL without a trailing slash. */
  baseUrl: string
  platform: Platform
  token?: TokenProvider | undefined
  headers?: HeadersInit_ | undefined
  /** Send cookies cross-origin (`credentials: 'include'`). @defaultValue false */
  withCredentials?: boolean
}

/** Publishes over HTTP. */
export interface HttpPublisher {
  /**
   * Publishes one message. Resolves with the server's event id; rejects with a {@link SwitchlineError} whose
   * `fatal` says whether a retry can help (`payload_too_large`, `send_unsupported`, … are fatal; network errors,
   * 401 after a second token, 408/429/5xx are not and carry `retryAfterMs` when the server sent one).
   */
  publish(message: OutgoingMessage): Promise<{ eventId: string }>
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    return parseJsonObject(await response.text())
  } catch {
    return undefined // an unreadable body is a missing one
  }
}

/** Maps a non-200 answer of `POST B/publish` to an error (docs/protocol.md §7). */
export async function classifyPublishResponse(response: Response, now: number, channel: string): Promise<SwitchlineError> {
  const status = response.status
  const body = await readJson(response)
  const protocolCode = typeof body?.code === 'string' ? body.code : undefined
  const text = typeof body?.message === 'string' ? `: ${body.message}` : ''
  const base = { status, channel, protocolCode }
  if (status === 413) return new SwitchlineError('payload_too_large', `publish rejected: HTTP 413${text}`, { ...base, fatal: true })
  if (status === 405) return new SwitchlineError('send_unsupported', `publish not allowed on ${channel}${text}`, { ...base, fatal: true })
  if (status === 401) return new SwitchlineError('unauthorized', `publish unauthorized${text}`, { ...base, fatal: false })
  const retryable = status === 408 || status === 429 || status >= 500
  const retryAfterMs = retryable ? parseRetryAfterHeader(response.headers.get('retry-after'), now) : undefined
  return new SwitchlineError(retryable ? 'http_status' : 'protocol', `publish failed: HTTP ${status}${text}`, {
    ...base,
    fatal: !retryable,
    retryAfterMs,
  })
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

  async function attempt(message: OutgoingMessage): Promise<Response> {
    const headers = await resolveHeaders(options.headers)
    setDefaultHeader(headers, 'content-type', 'application/json')
    const token = await resolveToken(options.token)
    if (token !== undefined) setDefaultHeader(headers, 'authorization', `Bearer ${token}`)
    // JSON leaves out an undefined `event`.
    const body = { channel: message.channel, data: message.data, mid: message.mid, event: message.event }
    try {
      return await platform.fetch(url, {
        method: 'POST',
        headers,
        body: encodeFrame(body),
        credentials: options.withCredentials === true ? 'include' : 'same-origin',
      })
    } catch (cause) {
      throw new SwitchlineError('network', `publish failed: ${String(cause)}`, { cause, channel: message.channel })
    }
  }

  return {
    async publish(message) {
      let response = await attempt(message)
      if (response.status === 401 && options.token !== undefined) {
        await response.body?.cancel().catch(() => undefined)
        response = await attempt(message)
      }
      if (response.status !== 200) throw await classifyPublishResponse(response, platform.timers.now(), message.channel)
      const body = await readJson(response)
      if (typeof body?.eventId !== 'string') {
        throw new SwitchlineError('malformed_frame', 'publish answered 200 without an eventId', {
          channel: message.channel,
          fatal: true,
        })
      }
      return { eventId: body.eventId }
    },
  }
}

/**
 * A {@link SendPath} over a publisher: every message is one POST.
 * @param maxFrameBytes - the server's limit, if known. @defaultValue 65536
 */
export function httpSendPath(publisher: HttpPublisher, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): SendPath {
  return {
    kind: 'sse',
    maxFrameBytes,
    publish(message, done: PublishDone) {
      publisher.publish(message).then(done, (error: unknown) =>
        done(
          error instanceof SwitchlineError
            ? error
            : new SwitchlineError('network', `publish failed: ${String(error)}`, { cause: error }),
        ),
      )
    },
  }
}
