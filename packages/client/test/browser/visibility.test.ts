/**
 * `reconnect.pauseWhenHidden` with the browser's visibility source (`document.visibilityState` +
 * `visibilitychange`): no attempt while the page is hidden; an immediate one when it is visible again.
 */
import { afterEach, expect, it } from 'vitest'
import { subscribe, type StateChange } from '../../src/index'
import { manualTimers } from '../fakes/manual-timers'
import { baseUrl, countSseAttempts, fault, restoreNatives, restorePlatform, setVisible, until } from './support'

afterEach(() => {
  restorePlatform()
  restoreNatives()
})

it('waits while hidden and reconnects at once when visible', async () => {
  const clock = manualTimers(Date.now())
  const attempts = countSseAttempts()
  const changes: StateChange[] = []
  const sub = subscribe(`${baseUrl()}/sse?channels=clock`, {
    platform: { timers: clock },
    reconnect: { backoff: () => 250, pauseWhenHidden: true },
    onState: (change) => changes.push(change),
  })
  await until(() => sub.state === 'open')

  setVisible(false)
  await fault('drop', { transport: 'sse' })
  await until(() => sub.state === 'reconnecting')
  clock.advance(60_000)
  expect(attempts.fetches()).toBe(1)
  expect(changes.at(-1)?.reason).toMatch(/hidden/)

  setVisible(true)
  await until(() => sub.state === 'open')
  expect(attempts.fetches()).toBe(2)
  expect(attempts.eventSources()).toBe(0) // fetch carries SSE wherever there is fetch (ADR 0008)
  sub.close()
})

it('keeps reconnecting while hidden without pauseWhenHidden', async () => {
  const attempts = countSseAttempts()
  const sub = subscribe(`${baseUrl()}/sse?channels=clock`, { reconnect: { backoff: () => 0 } })
  await until(() => sub.state === 'open')
  setVisible(false)
  await fault('drop', { transport: 'sse' })
  await until(() => attempts.fetches() === 2 && sub.state === 'open')
  expect(attempts.eventSources()).toBe(0)
  sub.close()
})
