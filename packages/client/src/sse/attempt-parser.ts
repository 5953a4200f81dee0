/**
 * What the fetch and node:http SSE transports share: the parser of one attempt (events and `retry:` go to the
 * attempt's handlers until it is closed; an event over `maxEventSize` becomes a `malformed_frame` error and the
 * stream goes on), the bound on a refused answer's error body, and the retryable network error.
 */
import { SwitchlineError } from '../core/errors'
import { createSseParser, type SseParser } from '../core/sse-parser'
import type { SseAttemptHandlers, SseRequest } from '../core/transport-types'

/** How much of a non-2xx body is read to find a JSON error (docs/protocol.md §7). */
export const MAX_ERROR_BODY_CHARS = 4096

/** A transport-level failure: retryable. */
export function networkError(message: string, cause: unknown): SwitchlineError {
  return new SwitchlineError('network', message, { cause })
}

/**
 * A request that cannot be built (a header `fetch` or `http.request` refuses): fatal `invalid_options` — the same
 * request would fail the same way on every retry.
 */
export function unsendable(problem: string, cause?: unknown): SwitchlineError {
  return new SwitchlineError('invalid_options', `SSE request cannot be sent: ${problem}`, { fatal: true, cause })
}

/**
 * Creates the parser of one attempt; `isClosed()` is asked before every callback.
 * @example
 * const parser = createAttemptParser(request, handlers, () => closed)
 * parser.feed(text)
 */
export function createAttemptParser(
  request: SseRequest,
  handlers: SseAttemptHandlers,
  isClosed: () => boolean,
): SseParser {
  const { maxEventSize } = request
  return createSseParser(
    {
      onEvent: (event) => isClosed() || handlers.onEvent(event),
      onId: (id) => isClosed() || handlers.onId?.(id),
      onRetry: (ms) => isClosed() || handlers.onRetry(ms),
      onError: (error) =>
        isClosed() ||
        handlers.onError?.(
          new SwitchlineError(
            'malformed_frame',
            `SSE event over maxEventSize (${maxEventSize}) discarded (${error.size} chars seen)`,
          ),
        ),
    },
    { maxEventSize },
  )
}
