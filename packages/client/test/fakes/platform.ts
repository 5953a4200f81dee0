/** Test doubles for the platform: switchable online/visibility sources that count their listeners. */
import type { OnlineSource, Platform, VisibilitySource } from '../../src/core/platform-types'
import { systemTimers } from '../../src/core/timers'

/** An online (or visibility) source tests can flip; `listeners` proves teardown. */
export interface FakeSwitch {
  value: boolean
  readonly listeners: number
  set(value: boolean): void
}

function createSwitch(initial: boolean): FakeSwitch & { subscribe(listener: (value: boolean) => void): () => void } {
  const listeners = new Set<(value: boolean) => void>()
  const sw = {
    value: initial,
    get listeners() {
      return listeners.size
    },
    set(value: boolean) {
      sw.value = value
      for (const listener of [...listeners]) listener(value)
    },
    subscribe(listener: (value: boolean) => void) {
      const wrapped = (value: boolean): void => listener(value)
      listeners.add(wrapped)
      return () => listeners.delete(wrapped)
    },
  }
  return sw
}

/** A fake online source. */
export function fakeOnline(initial = true): FakeSwitch & OnlineSource {
  const sw = createSwitch(initial)
  return Object.assign(sw, { isOnline: () => sw.value })
}

/** A fake visibility source. */
export function fakeVisibility(initial = true): FakeSwitch & VisibilitySource {
  const sw = createSwitch(initial)
  return Object.assign(sw, { isVisible: () => sw.value })
}

/** A platform for unit tests: system timers (fake them with `vi.useFakeTimers()`), seeded random, fake sources. */
export function fakePlatform(overrides: Partial<Platform> = {}): Platform & {
  online: FakeSwitch & OnlineSource
  visibility: FakeSwitch & VisibilitySource
} {
  const online = fakeOnline()
  const visibility = fakeVisibility()
  return {
    fetch: () => Promise.reject(new Error('no fetch in this test')),
    WebSocket: class {
      constructor() {
        throw new Error('no WebSocket in this test')
      }
    } as unknown as Platform['WebSocket'],
    EventSource: undefined,
    timers: systemTimers,
    random: () => 0.5,
    pageOrigin: undefined,
    ...overrides,
    online,
    visibility,
  }
}
