import { expect, test } from '../fixtures'

test('the token provider is called on connect and again after the server answers 401', async ({ playground, server }) => {
  await playground.open({ channels: ['ticker'], token: 1 })
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  const tokenCalls = playground.page.getByTestId('token-calls')
  await expect(tokenCalls).not.toHaveText('0')
  const onConnect = Number(await tokenCalls.textContent())

  await server.fault('unauthorizeNext', { n: 1 })
  await server.fault('drop', { transport: 'sse' })
  // Reconnect: a token (answered 401), then a fresh token (accepted).
  await expect.poll(async () => (await server.stats()).faults.unauthorizedSent).toBe(1)
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect.poll(async () => Number(await tokenCalls.textContent())).toBeGreaterThanOrEqual(onConnect + 2)
  const lastSeen = await playground.field('ticker', 'last-event-id').textContent()
  await expect(playground.field('ticker', 'last-event-id')).not.toHaveText(lastSeen!)
  expect((await server.stats()).sse.open).toBe(1)
})
