import { expect, test } from '../fixtures'

const CAP_MS = 300
const CHANNEL = 'chat:outage'

// The playground's "Go offline" button simulates an outage (playground/README.md): the page's online source says
// offline and the server drops every connection. The browser itself stays online, so any attempt the SDK made
// would reach the server: the server's counts are the witness that it made none.
test('"Go offline" drops both connections and the page waits offline; "Back online" reconnects at once, nothing lost or duplicated', async ({
  playground,
  server,
}) => {
  const { page } = playground
  await playground.open({ channels: ['ticker', CHANNEL], initialDelayMs: 100, maxDelayMs: CAP_MS, logSize: 200 })
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect(playground.field(CHANNEL, 'state')).toHaveText('open')
  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([1, 1])
  const before = await server.stats()
  const published = [await server.publish(CHANNEL, { text: 'before', from: 'e2e' })]
  await expect(playground.field(CHANNEL, 'last-event-id')).toHaveText(published[0]!)

  const button = page.getByTestId('fault-offline')
  await expect(button).toHaveText('Go offline')
  await expect(button).toHaveAttribute('aria-pressed', 'false')
  await button.click()
  await expect(button).toHaveText('Back online')
  await expect(button).toHaveAttribute('aria-pressed', 'true')
  await expect(page.locator('body')).toHaveAttribute('data-online', 'false')
  for (const channel of ['ticker', CHANNEL]) {
    await expect(playground.field(channel, 'state')).toHaveText('reconnecting')
    await expect(playground.field(channel, 'state-reason')).toContainText('offline')
  }
  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([0, 0])
  const whileOffline = await server.stats()
  expect(whileOffline.faults.dropped - before.faults.dropped).toBe(2)
  await expect(page.getByTestId('stat-dropped')).toHaveText(String(whileOffline.faults.dropped))
  // Published during the outage: to be replayed on return.
  for (let i = 0; i < 3; i++) published.push(await server.publish(CHANNEL, { text: `offline ${i}`, from: 'e2e' }))
  const reconnects = () =>
    playground.surface((s) => s.channels.ticker!.reconnects.length + s.channels['chat:outage']!.reconnects.length)
  const reconnectsOffline = await reconnects()

  // Offline for many times the backoff cap: no attempt reached the server, none is scheduled.
  await expect.poll(() => playground.surface((s) => s.offlineForMs()), { timeout: 5000 }).toBeGreaterThan(6 * CAP_MS)
  const stillOffline = await server.stats()
  expect(stillOffline.sse.accepted).toBe(whileOffline.sse.accepted)
  expect(stillOffline.ws.accepted).toBe(whileOffline.ws.accepted)
  expect(await reconnects()).toBe(reconnectsOffline)
  await expect(playground.field(CHANNEL, 'last-event-id')).toHaveText(published[0]!)

  const marks = await playground.surface((s) => ({
    ticker: s.channels.ticker!.states.length,
    chat: s.channels['chat:outage']!.states.length,
  }))
  await button.click()
  await expect(button).toHaveText('Go offline')
  await expect(button).toHaveAttribute('aria-pressed', 'false')
  await expect(page.locator('body')).toHaveAttribute('data-online', 'true')
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect(playground.field(CHANNEL, 'state')).toHaveText('open')
  // "At once": the first change after "Back online" is `connecting` (reason `online`), then `open`, with no
  // backoff wait (a `reconnecting` with a `delayMs`) in between.
  const channels = await playground.surface((s) => s.channels)
  for (const [id, mark] of [
    ['ticker', marks.ticker],
    [CHANNEL, marks.chat],
  ] as const) {
    const changes = channels[id]!.states.slice(mark).map(({ to, reason, delayMs }) => ({ to, reason, delayMs }))
    expect(changes[0], id).toEqual({ to: 'connecting', reason: 'online', delayMs: undefined })
    expect(changes.at(-1)?.to, id).toBe('open')
    expect(
      changes.filter((c) => c.to === 'reconnecting' && c.delayMs !== undefined),
      id,
    ).toEqual([])
  }

  // Replay bridged the outage: every event shown exactly once, in order, no gap; then live events flow again.
  await expect(playground.field(CHANNEL, 'last-event-id')).toHaveText(published.at(-1)!)
  published.push(await server.publish(CHANNEL, { text: 'after', from: 'e2e' }))
  await expect(playground.field(CHANNEL, 'last-event-id')).toHaveText(published.at(-1)!)
  expect(await playground.loggedIds(CHANNEL)).toEqual(published)
  expect(await playground.surface((s) => s.channels['chat:outage']!.ids)).toEqual(published)
  await expect(playground.field(CHANNEL, 'event-count')).toHaveText(String(published.length))
  const ticker = await playground.surface((s) => ({ ids: s.channels.ticker!.ids, gaps: s.channels.ticker!.gaps }))
  expect(new Set(ticker.ids).size).toBe(ticker.ids.length)
  expect(ticker.gaps).toBe(0)
  expect(await playground.surface((s) => s.channels['chat:outage']!.gaps)).toBe(0)

  // One new SSE stream and one new WebSocket, nothing else dropped.
  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([1, 1])
  const after = await server.stats()
  expect(after.sse.accepted - before.sse.accepted).toBe(1)
  expect(after.ws.accepted - before.ws.accepted).toBe(1)
  expect(after.faults.dropped - before.faults.dropped).toBe(2)
})
