import { expect, test } from '../fixtures'

const ROUNDS = 6
const PER_ROUND = 5

test('connections dropped repeatedly while events flow → every published id shown exactly once, in order', async ({
  playground,
  server,
}) => {
  const channel = 'chat:order'
  await playground.open({ channels: ['ticker', channel], logSize: 200 })
  await expect(playground.field(channel, 'state')).toHaveText('open')
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  const before = await server.stats()

  const published: string[] = []
  for (let round = 0; round < ROUNDS; round++) {
    // Both connections up again before the next drop, so each drop cuts one SSE stream and one WebSocket.
    await expect
      .poll(async () => {
        const s = await server.stats()
        return [s.sse.open, s.ws.open]
      })
      .toEqual([1, 1])
    for (let i = 0; i < PER_ROUND; i++) {
      published.push(await server.publish(channel, { text: `r${round} m${i}`, from: 'e2e' }))
      // Drop mid-batch: some events are in flight, the rest arrive while the client reconnects (replay).
      if (i === 1) await server.fault('dropAll')
    }
    await expect(playground.field(channel, 'last-event-id')).toHaveText(published.at(-1)!)
  }

  expect(await playground.loggedIds(channel)).toEqual(published)
  expect(await playground.surface((s) => s.channels['chat:order']!.gaps)).toBe(0)
  await expect(playground.field(channel, 'event-count')).toHaveText(String(published.length))
  const tickerIds = await playground.surface((s) => s.channels.ticker!.ids)
  expect(new Set(tickerIds).size).toBe(tickerIds.length)
  // Every drop was bridged by replay: no channel reported lost events.
  expect(await playground.surface((s) => s.channels.ticker!.gaps)).toBe(0)

  // The last drop's reconnects have landed: one SSE stream and one WebSocket again.
  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([1, 1])
  const after = await server.stats()
  expect(after.faults.dropped - before.faults.dropped).toBe(2 * ROUNDS)
  expect(after.ws.accepted - before.ws.accepted).toBe(ROUNDS)
  expect(after.sse.accepted - before.sse.accepted).toBe(ROUNDS)
})
