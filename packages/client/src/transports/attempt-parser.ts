/**
 * The SSE parser of one attempt, shared by the fetch and node:http transports: events and `retry:` go to the
 * attempt's handlers until it is closed, and an event over `maxEventSize` becomes a `malformed_frame` error
 * (the stream goes on).
 */
import { SwitchlineError } from '../errors'
import { createSseParser, type SseParser } from '../sse-parser'
import type { SseAttemptHandlers, SseRequest } from './types'

/**
 * Creates the parser of one attempt; `isClosed()` is asked before every callback.
 * @example
 * const parser = createAttemptParser(request, handlers, () => closed)
 * parser.feed(text)
 */
export function createAttemptParser(request: SseRequest, handlers: SseAttemptHandlers, isClosed: () => boolean): SseParser {
  return createSseParser(
    {
      onEvent: (event) => {
        if (!isClosed()) handlers.onEvent(event)
      },
      onRetry: (ms) => {
        if (!isClosed()) handlers.onRetry(ms)
      },
      onError: (error) => {
        if (isClosed()) return
        handlers.onError?.(
          new SwitchlineError(
            'malformed_frame',
            `SSE event over maxEventSize (${request.maxEventSize}) discarded (${error.size} chars seen)`,
          ),
        )
      },
    },
    { maxEventSize: request.maxEventSize },
  )
}
