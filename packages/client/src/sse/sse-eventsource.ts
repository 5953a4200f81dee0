/**
 * One SSE attempt over a native `EventSource` (browsers) or the `eventsource` package: GET only, no headers.
 * EventSource's own reconnection is never used: on the first `error` the source is closed and the owner's
 * supervisor decides what happens next.
 *
 * Limits of EventSource, by design of the API:
 * - it cannot report the HTTP status of a failed connect, so any failure (including 204, 4xx, a wrong content
 *   type) counts as a retryable `network` error — except where the implementation exposes the status as
 *   `error.code` (the `eventsource` package does): then the answer is classified like the fetch transport's;
 * - `retry:` hints and comments are not observable, so they neither set a minimum delay nor count as activity;
 * - named events arrive only for names in `request.eventNames` (plus `message`);
 * - `lastEventId` on a message is the stream's last id, not necessarily this event's: an event reports an id
 *   (and `onId`, `''` for a reset) only when it differs from the previous event's; blocks without data are unseen.
 */
import { classifyHttpResponse, invalidOptions, SwitchlineError } from '../core/errors'
import type { EventSourceLike, Platform } from '../core/platform-types'
import type { AttemptHandle, SseAttemptHandlers, SseRequest } from '../core/transport-types'

const CLOSED = 2

/**
 * Opens one SSE stream with `platform.EventSource` (which must be defined; looked up by the caller at connect time).
 * @example
 * const attempt = openEventSourceSse({ ...request, eventNames: ['tick'] }, handlers, platform)
 * attempt.close()
 */
export function openEventSourceSse(
  request: SseRequest,
  handlers: SseAttemptHandlers,
  platform: Platform,
): AttemptHandle {
  const EventSourceImpl = platform.EventSource
  if (EventSourceImpl === undefined) {
    throw invalidOptions('no EventSource on this platform; use the fetch transport')
  }
  let source: EventSourceLike
  try {
    source = new EventSourceImpl(request.url, { withCredentials: request.withCredentials })
  } catch (cause) {
    throw invalidOptions(`cannot open EventSource: ${String(cause)}`, cause)
  }
  let closed = false
  let opened = false
  let previousId = ''

  const shutDown = (): void => {
    closed = true
    source.onopen = null
    source.onmessage = null
    source.onerror = null
    source.close()
  }

  source.onopen = () => {
    if (closed) return
    opened = true
    handlers.onActivity()
    if (!closed) handlers.onOpen()
  }

  const listen = (name: string) => (ev: { data: string; lastEventId: string }) => {
    if (closed) return
    const changed = ev.lastEventId !== previousId
    previousId = ev.lastEventId
    handlers.onActivity()
    if (closed) return
    if (changed) handlers.onId?.(ev.lastEventId)
    if (closed) return
    handlers.onEvent({ id: changed ? ev.lastEventId : undefined, event: name, data: ev.data })
  }
  for (const name of new Set(['message', ...request.eventNames])) source.addEventListener(name, listen(name))

  source.onerror = (ev) => {
    if (closed) return
    const error = errorFrom(ev, source.readyState, opened, platform.timers.now())
    shutDown()
    handlers.onClose(error)
  }

  return {
    close() {
      if (!closed) shutDown()
    },
  }
}

function errorFrom(ev: unknown, readyState: number, opened: boolean, now: number): SwitchlineError {
  const status = (ev as { code?: unknown } | null)?.code
  const message = (ev as { message?: unknown } | null)?.message
  const detail = typeof message === 'string' && message !== '' ? `: ${message}` : ''
  if (!opened && readyState === CLOSED && typeof status === 'number') {
    if (status === 200)
      return new SwitchlineError('content_type', `EventSource refused the stream${detail}`, { status, fatal: true })
    const verdict = classifyHttpResponse({ status, contentType: null, retryAfter: null, now })
    if (verdict.kind !== 'ok') return verdict.error
  }
  return new SwitchlineError(
    'network',
    opened ? `EventSource connection lost${detail}` : `EventSource failed to connect (HTTP status unknown)${detail}`,
  )
}
