/** Shared setup for the SSE and WebSocket session tests (`createSseSession`, `createWsSession`). */
import { createCursorTracker } from '../../src/core/dedupe'
import type { SupervisorOptions } from '../../src/core/supervisor-types'

/**
 * The options both sessions take apart from `platform`: base URL `http://example.test/rt`, a fresh cursor
 * tracker, and a supervisor that always waits 100 ms, never gives up, and does not pause when hidden.
 */
export function sessionOptions() {
  return {
    baseUrl: 'http://example.test/rt',
    tracker: createCursorTracker(),
    supervisor: {
      backoff: () => 100,
      maxAttempts: Infinity,
      resetAfterMs: 5000,
      pauseWhenHidden: false,
      reconnect: true,
    } satisfies Omit<SupervisorOptions, 'connect' | 'platform' | 'onState'>,
  }
}
