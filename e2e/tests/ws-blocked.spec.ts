import { expect, test } from '../fixtures'

test('WebSocket upgrades blocked → chat moves to SSE + POST and still sends and receives', async ({
  playground,
  server,
}) => {
  await playground.open({ channels: ['ticker', 'chat'] })
  await expect(playground.field('chat', 'transport')).toHaveText('WebSocket')
  await expect(playground.field('chat', 'state')).toHaveText('open')
  // Counters are cumulative over the run (both browser projects share the server): compare with this snapshot.
  const before = await server.stats()

  // The page's own buttons: block upgrades, then cut the connections so the client has to reconnect.
  await playground.page.getByTestId('fault-block-ws').click()
  await expect.poll(async () => (await server.stats()).faults.state.refusingWebSockets).toBe(403)
  await playground.page.getByTestId('fault-drop').click()

  await expect(playground.field('chat', 'transport')).toHaveText('SSE')
  await expect(playground.field('chat', 'transport-reason')).toHaveText('WebSocket blocked → SSE + POST')
  await expect(playground.field('chat', 'state')).toHaveText('open')

  // Sends ride HTTP POST and the message comes back on the SSE stream.
  await playground.field('chat', 'send-input').fill('over POST')
  await playground.field('chat', 'send-button').click()
  await expect(playground.field('chat', 'send-status')).toHaveText(/^delivered as \S+-\d+$/)
  const sentId = (await playground.field('chat', 'send-status').textContent())!.replace('delivered as ', '')
  await expect(playground.field('chat', 'last-event-id')).toHaveText(sentId)
  await expect(playground.field('chat', 'event-log')).toContainText('playground: over POST')

  // And receives what others publish.
  const id = await server.publish('chat', { text: 'to the fallback', from: 'e2e' })
  await expect(playground.field('chat', 'last-event-id')).toHaveText(id)

  await expect.poll(async () => (await server.stats()).sse.open).toBe(1)
  const stats = await server.stats()
  expect(stats.ws.open).toBe(0)
  // The upgrade was tried and refused while blocked, and no WebSocket got through.
  expect(stats.faults.upgradesRefused - before.faults.upgradesRefused).toBeGreaterThanOrEqual(1)
  expect(stats.ws.upgradesRefused - before.ws.upgradesRefused).toBe(
    stats.faults.upgradesRefused - before.faults.upgradesRefused,
  )
  expect(stats.ws.accepted).toBe(before.ws.accepted)
})
