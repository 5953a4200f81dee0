import { expect, test } from '../fixtures'

test('SSE stalled (no events, no heartbeats) → detected by the stall timeout and reconnected', async ({
  playground,
  server,
}) => {
  await playground.open({ channels: ['clock'], stallTimeoutMs: 1500 })
  await expect(playground.field('clock', 'transport')).toHaveText('SSE')
  await expect(playground.field('clock', 'state')).toHaveText('open')
  const before = await server.stats()

  await playground.page.getByTestId('fault-stall-sse').click()
  // Detected by the client's timeout (the server dropped nothing). While the stall lasts a reconnected
  // connection can stall again: every reconnect must carry the SDK's exact reason.
  await expect(playground.field('clock', 'reconnect-summary')).toContainText(
    'SSE stream stalled (no event for 1500 ms)',
  )
  await playground.page.getByTestId('fault-stall-sse').click()
  await expect(playground.field('clock', 'state')).toHaveText('open')
  const lastSeen = await playground.field('clock', 'last-event-id').textContent()
  await expect(playground.field('clock', 'last-event-id')).not.toHaveText(lastSeen!)
  await expect.poll(async () => (await server.stats()).sse.open).toBe(1)
  const after = await server.stats()
  expect(after.faults.dropped).toBe(before.faults.dropped)
  // One new connection per reconnect, no more.
  const reconnects = (): Promise<number> => playground.surface((s) => s.channels['clock']!.reconnects.length)
  await expect
    .poll(async () => (await server.stats()).sse.accepted - before.sse.accepted - (await reconnects()))
    .toBe(0)
  const reasons = await playground.surface((s) => s.channels['clock']!.reconnects.map((r) => r.reason))
  expect(reasons.length).toBeGreaterThanOrEqual(1)
  for (const reason of reasons) expect(reason).toBe('SSE stream stalled (no event for 1500 ms)')
})
