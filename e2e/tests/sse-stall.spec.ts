import { expect, test } from '../fixtures'

test('SSE stalled (no events, no heartbeats) → detected by the stall timeout and reconnected', async ({ playground, server }) => {
  await playground.open({ channels: ['clock'], stallTimeoutMs: 1500 })
  await expect(playground.field('clock', 'transport')).toHaveText('SSE')
  await expect(playground.field('clock', 'state')).toHaveText('open')
  const before = await server.stats()

  await playground.page.getByTestId('fault-stall-sse').click()
  await expect(playground.field('clock', 'reconnect-summary')).toContainText(/stall/i)
  await playground.page.getByTestId('fault-stall-sse').click()

  await expect(playground.field('clock', 'state')).toHaveText('open')
  const lastSeen = await playground.field('clock', 'last-event-id').textContent()
  await expect(playground.field('clock', 'last-event-id')).not.toHaveText(lastSeen!)
  await expect.poll(async () => (await server.stats()).sse.open).toBe(1)
  expect((await server.stats()).sse.accepted).toBeGreaterThan(before.sse.accepted)
})
