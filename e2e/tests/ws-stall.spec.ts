import { expect, test } from '../fixtures'

test('WebSocket stalled (no pongs) → detected by the pong timeout and reconnected', async ({ playground, server }) => {
  await playground.open({ channels: ['chat'], pingIntervalMs: 300, pongTimeoutMs: 600 })
  await expect(playground.field('chat', 'transport')).toHaveText('WebSocket')
  await expect(playground.field('chat', 'state')).toHaveText('open')
  const before = await server.stats()

  await playground.page.getByTestId('fault-stall-ws').click()
  // Detected by the client's timeout (the server dropped nothing). While the stall lasts a reconnected
  // connection can stall again: every reconnect must carry the SDK's exact reason.
  await expect(playground.field('chat', 'reconnect-summary')).toContainText('no pong within 600 ms')
  await playground.page.getByTestId('fault-stall-ws').click()
  await expect(playground.field('chat', 'state')).toHaveText('open')
  const id = await server.publish('chat', { text: 'after the stall', from: 'e2e' })
  await expect(playground.field('chat', 'last-event-id')).toHaveText(id)
  await expect.poll(async () => (await server.stats()).ws.open).toBe(1)
  const after = await server.stats()
  expect(after.ws.accepted).toBeGreaterThan(before.ws.accepted)
  expect(after.faults.state.stalled).toBe(false)
  expect(after.faults.dropped).toBe(before.faults.dropped)
  // One new connection per reconnect, no more.
  const reconnects = (): Promise<number> => playground.surface((s) => s.channels['chat']!.reconnects.length)
  await expect.poll(async () => (await server.stats()).ws.accepted - before.ws.accepted - (await reconnects())).toBe(0)
  const reasons = await playground.surface((s) => s.channels['chat']!.reconnects.map((r) => r.reason))
  expect(reasons.length).toBeGreaterThanOrEqual(1)
  for (const reason of reasons) expect(reason).toBe('no pong within 600 ms')
})
