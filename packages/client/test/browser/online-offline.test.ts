/**
 * The browser's online source (`navigator.onLine` + `online`/`offline` events): no reconnect attempt while
 * offline, however long; an immediate one (no backoff wait) when the browser is back online.
 */
import { afterEach, expect, it } from 'vitest'
import { subscribe, type StateChange } from '../../src/index'
import { manualTimers } from '../fakes/manual-timers'
import { baseUrl, countSseAttempts, fault, restoreNatives, restorePlatform, setOnline, until } from './support'

afterEach(() => {
  restorePlatform()
  restoreNatives()
})

it('makes no attempt while offline and reconnects at once when back online', async () => {
  const clock = manualTimers(Date.now())
  const attempts = countSseAttempts()
  const changes: StateChange[] = []
  const sub = subscribe(`${baseUrl()}/sse?channels=clock`, {
    platform: { timers: clock },
    reconnect: { backoff: () => 250 },
    onState: (change) => changes.push(change),
  })
  await until(() => sub.state === 'open')
  expect(attempts.fetches()).toBe(1)

  setOnline(false)
  await fault('drop', { transport: 'sse' }) // the network went away, and the connection with it
  await until(() => sub.state === 'reconnecting')
  clock.advance(60_000) // far beyond any backoff: still no attempt
  expect(attempts.fetches()).toBe(1)
  expect(sub.state).toBe('reconnecting')
  expect(changes.at(-1)?.reason).toMatch(/offline/)

  setOnline(true) // no timer advanced: the attempt must be immediate
  await until(() => sub.state === 'open')
  expect(attempts.fetches()).toBe(2)
  expect(attempts.eventSources()).toBe(0) // fetch carries SSE wherever there is fetch (ADR 0008)
  expect(changes.some((c) => c.to === 'connecting' && /online/.test(c.reason ?? ''))).toBe(true)
  sub.close()
})

it('starts offline without an attempt and connects on the online event', async () => {
  setOnline(false)
  const clock = manualTimers(Date.now())
  const attempts = countSseAttempts()
  const sub = subscribe(`${baseUrl()}/sse?channels=clock`, { platform: { timers: clock } })
  clock.advance(60_000)
  expect(attempts.fetches()).toBe(0)
  setOnline(true)
  await until(() => sub.state === 'open')
  expect(attempts.fetches()).toBe(1)
  expect(attempts.eventSources()).toBe(0)
  sub.close()
})
