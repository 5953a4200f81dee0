/** Inputs for tests of one SSE attempt (`openFetchSse`, `openEventSourceSse`). */
import { type Mock, vi } from 'vitest'
import type { SseAttemptHandlers, SseRequest } from '../../src/core/transport-types'

/** A GET of `http://127.0.0.1/sse` with no headers, body or event names; `over` replaces fields. */
export const sseRequest = (over: Partial<SseRequest> = {}): SseRequest => ({
  url: 'http://127.0.0.1/sse',
  method: 'GET',
  headers: {},
  body: undefined,
  withCredentials: false,
  eventNames: [],
  maxEventSize: 1_000_000,
  ...over,
})

/** Every attempt handler as a `vi.fn()`, the optional `onSent`, `onId` and `onError` included. */
export function sseHandlers(): { [K in keyof Required<SseAttemptHandlers>]: Mock } {
  return {
    onOpen: vi.fn(),
    onSent: vi.fn(),
    onEvent: vi.fn(),
    onId: vi.fn(),
    onRetry: vi.fn(),
    onActivity: vi.fn(),
    onClose: vi.fn(),
    onError: vi.fn(),
  } satisfies SseAttemptHandlers
}
