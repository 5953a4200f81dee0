import { expect, test } from '../fixtures'

const RECEIVE = ['ticker:1', 'ticker:2', 'ticker:3', 'ticker:4', 'ticker:5']
const SEND = ['chat:1', 'chat:2', 'chat:3', 'chat:4', 'chat:5']

test('ten channels ride one SSE stream and one WebSocket, beating six connections per origin', async ({
  playground,
  server,
}) => {
  const before = await server.stats()
  await playground.open({ channels: [...RECEIVE, ...SEND] })
  for (const channel of RECEIVE) await expect(playground.field(channel, 'transport')).toHaveText('SSE')
  for (const channel of SEND) await expect(playground.field(channel, 'transport')).toHaveText('WebSocket')
  for (const channel of [...RECEIVE, ...SEND]) await expect(playground.field(channel, 'state')).toHaveText('open')

  // Every one of the ten delivers.
  for (const channel of [...RECEIVE, ...SEND]) {
    const id = await server.serverPublish(channel, { text: `to ${channel}`, from: 'e2e' })
    await expect(playground.field(channel, 'last-event-id')).toHaveText(id)
  }

  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([1, 1])
  const stats = await server.stats()
  expect(Object.keys(stats.channels).sort()).toEqual([...RECEIVE, ...SEND].sort())
  for (const count of Object.values(stats.channels)) expect(count).toBe(1)
  // Since the test began, exactly one SSE stream and one WebSocket were accepted (no reconnects, no extras).
  expect(stats.sse.accepted - before.sse.accepted).toBe(1)
  expect(stats.ws.accepted - before.ws.accepted).toBe(1)
})
