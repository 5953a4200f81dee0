/**
 * Raw `subscribe()` on a manual clock with everything it reports recorded, for the tests against servers written
 * in the test (plain `node:http` SSE, plain `ws`): events, errors, state changes; reconnects come at once
 * (`backoff: () => 0`) when the test calls `advance()`.
 */
import type { SwitchlineError } from '../../src/core/errors'
import { subscribe } from '../../src/raw/subscribe'
import type { StateChange, SubscribeOptions } from '../../src/types'
import { manualTimers } from '../fakes/manual-timers'

export function recordRaw<T>(url: string, options: SubscribeOptions<T> = {}) {
  const timers = manualTimers()
  const events: T[] = []
  const errors: SwitchlineError[] = []
  const states: StateChange[] = []
  const sub = subscribe<T>(url, {
    onEvent: (data) => events.push(data),
    onError: (error) => errors.push(error),
    onState: (change) => states.push(change),
    reconnect: { backoff: () => 0 },
    ...options,
    platform: { timers },
  })
  return { sub, timers, events, errors, states, advance: () => timers.advance(0) }
}
