import { expect, test } from '../fixtures'

test('each channel picks its transport: ticker on SSE and chat on WebSocket, at the same time', async ({
  playground,
  server,
}) => {
  await playground.open({ channels: ['ticker', 'chat'] })

  await expect(playground.field('ticker', 'transport')).toHaveText('SSE')
  await expect(playground.field('ticker', 'transport-reason')).toHaveText('receive-only → SSE')
  await expect(playground.field('chat', 'transport')).toHaveText('WebSocket')
  await expect(playground.field('chat', 'transport-reason')).toHaveText('sends → WebSocket')
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect(playground.field('chat', 'state')).toHaveText('open')

  // Both deliver: the demo ticker flows, and a chat message published over HTTP shows up.
  await expect(playground.field('ticker', 'last-event-id')).not.toHaveText('—')
  const id = await server.publish('chat', { text: 'hello from e2e', from: 'e2e' })
  await expect(playground.field('chat', 'last-event-id')).toHaveText(id)
  await expect(playground.field('chat', 'event-log')).toContainText('e2e: hello from e2e')

  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([1, 1])
  const stats = await server.stats()
  expect(stats.channels).toMatchObject({ ticker: 1, chat: 1 })
})
