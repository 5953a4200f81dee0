import { expect, test } from '../fixtures'
import { E2E_SERVER } from '../server-timings'

const CAP_MS = 400
const DROPS = 8
/**
 * The stream's `retry:` hint floors the jitter range and widens it by itself (decision 0009): a delay is
 * `hint + backoff + r × hint`, in `[hint, 2 × hint + CAP_MS)`.
 */
const LONGEST_MS = 2 * E2E_SERVER.retryMs + CAP_MS

test('reconnect delays shown in the page are jittered, start at the retry: hint and stay under 2 × hint + cap', async ({
  playground,
  server,
}) => {
  await playground.open({ channels: ['ticker'], initialDelayMs: 200, maxDelayMs: CAP_MS, resetAfterMs: 60_000 })
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  const before = await server.stats()

  for (let i = 1; i <= DROPS; i++) {
    await playground.page.getByTestId('fault-drop').click()
    await expect(playground.field('ticker', 'reconnect')).toHaveCount(i)
    await expect(playground.field('ticker', 'state')).toHaveText('open')
  }

  const delays = await playground.shownDelays('ticker')
  expect(delays).toHaveLength(DROPS)
  for (const d of delays) {
    expect(d).toBeGreaterThanOrEqual(E2E_SERVER.retryMs) // the stream's retry: hint is the floor (fetch sees it)
    expect(d).toBeLessThanOrEqual(LONGEST_MS)
  }
  expect(new Set(delays).size).toBeGreaterThan(1)
  // The attempt counter kept growing (no reset within resetAfterMs), so later delays were drawn under the cap.
  const attempts = await playground
    .field('ticker', 'reconnect')
    .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-attempt'))))
  expect(attempts.at(-1)).toBeGreaterThan(attempts[0]!)

  const after = await server.stats()
  expect(after.faults.dropped - before.faults.dropped).toBe(DROPS)
  expect(after.sse.accepted - before.sse.accepted).toBe(DROPS)
})
