import { expect, test } from '../fixtures'

test('WebSocket stalled (no pongs) → detected by the pong timeout and reconnected', async ({ playground, server }) => {
  await playground.open({ channels: ['chat'], pingIntervalMs: 300, pongTimeoutMs: 600 })
  await expect(playground.field('chat', 'transport')).toHaveText('WebSocket')
  await expect(playground.field('chat', 'state')).toHaveText('open')
  const before = await server.stats()

  await playground.page.getByTestId('fault-stall-ws').click()
  await expect(playground.field('chat', 'reconnect-summary')).toContainText(/pong|ping/i)
  await playground.page.getByTestId('fault-stall-ws').click()

  await expect(playground.field('chat', 'state')).toHaveText('open')
  const id = await server.publish('chat', { text: 'after the stall', from: 'e2e' })
  await expect(playground.field('chat', 'last-event-id')).toHaveText(id)
  await expect.poll(async () => (await server.stats()).ws.open).toBe(1)
  const after = await server.stats()
  expect(after.ws.accepted).toBeGreaterThan(before.ws.accepted)
  expect(after.faults.state.stalled).toBe(false)
})
