import { expect, test } from '../fixtures'

const CAP_MS = 300

test('offline → no attempts while offline; back online → reconnects at once and resumes', async ({ playground, server, context }) => {
  await playground.open({ channels: ['ticker', 'chat'], initialDelayMs: 100, maxDelayMs: CAP_MS })
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect(playground.field('chat', 'state')).toHaveText('open')

  await context.setOffline(true)
  await expect.poll(() => playground.surface((s) => s.online)).toBe(false)
  await server.fault('dropAll') // the network is gone: so are the connections
  await expect(playground.field('ticker', 'state')).toHaveText('reconnecting')
  await expect(playground.field('chat', 'state')).toHaveText('reconnecting')
  await expect(playground.field('ticker', 'state-reason')).toContainText('offline')
  const whileOffline = await server.stats()
  const reconnectsOffline = await playground.surface((s) => s.channels.ticker!.reconnects.length + s.channels.chat!.reconnects.length)

  // Offline for many times the backoff cap: no connection attempt reaches the server, none is scheduled.
  await expect.poll(() => playground.surface((s) => s.offlineForMs()), { timeout: 5000 }).toBeGreaterThan(6 * CAP_MS)
  const stillOffline = await server.stats()
  expect(stillOffline.sse.accepted).toBe(whileOffline.sse.accepted)
  expect(stillOffline.ws.accepted).toBe(whileOffline.ws.accepted)
  expect(await playground.surface((s) => s.channels.ticker!.reconnects.length + s.channels.chat!.reconnects.length)).toBe(
    reconnectsOffline,
  )

  const backOnline = Date.now()
  await context.setOffline(false)
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect(playground.field('chat', 'state')).toHaveText('open')
  // "At once": well under one backoff cap after the online event (no backoff wait in between).
  expect(Date.now() - backOnline).toBeLessThan(3000)
  const reasons = await playground.surface((s) => s.channels.ticker!.states.slice(-2).map((c) => c.reason ?? ''))
  expect(reasons.join(' ')).toContain('online')

  const id = await server.publish('chat', { text: 'back', from: 'e2e' })
  await expect(playground.field('chat', 'last-event-id')).toHaveText(id)
  const after = await server.stats()
  expect(after.sse.accepted).toBeGreaterThan(whileOffline.sse.accepted)
  expect(after.ws.accepted).toBeGreaterThan(whileOffline.ws.accepted)
})
