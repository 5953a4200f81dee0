/**
 * The React page (`/react.html`, `@switchline/react` in StrictMode on React's development build): live events in
 * every panel, a send that comes back once, and — although StrictMode mounts every effect twice — one connection
 * per stream, counted by the server. Unmounting the ticker closes the client's SSE stream (its last channel).
 */
import { expect, test } from '../fixtures'

test('the React page streams live, sends, and opens one connection per stream under StrictMode', async ({
  playground,
  server,
  page,
}) => {
  void playground // its fixture reset the faults and waited for the previous page's connections to close
  const before = await server.stats()
  await page.goto(`${server.url}react.html?room=e2e`)
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true')

  const ticker = page.getByTestId('react-ticker')
  const clock = page.getByTestId('react-clock')
  const chat = page.getByTestId('react-chat')
  for (const panel of [ticker, clock, chat]) await expect(panel).toHaveAttribute('data-state', 'open')
  await expect(ticker).toHaveAttribute('data-transport', 'sse')
  await expect(clock).toHaveAttribute('data-transport', 'sse')
  await expect(chat).toHaveAttribute('data-transport', 'websocket')

  // Live: the demo ticker (~10/s) and clock (1/s) keep arriving.
  const ticks = Number(await page.getByTestId('ticker-count').textContent())
  await expect.poll(async () => Number(await page.getByTestId('ticker-count').textContent())).toBeGreaterThan(ticks + 3)
  await expect(page.getByTestId('clock-time')).toHaveText(/^\d{4}-\d\d-\d\dT/)
  const lastTick = await ticker.getAttribute('data-last-event-id')
  await expect(ticker).not.toHaveAttribute('data-last-event-id', lastTick ?? '')

  // A send is acknowledged with an id and comes back through the hook's reducer, once.
  await page.getByTestId('chat-input').fill('hello from e2e')
  await page.getByTestId('chat-send').click()
  await expect(page.getByTestId('chat-status')).toHaveText(/^delivered as \S+$/)
  const sentId = (await page.getByTestId('chat-status').textContent())?.replace('delivered as ', '') ?? ''
  await expect(page.getByTestId('chat-log').locator(`li[data-id="${sentId}"]`)).toHaveText('hello from e2e')
  await expect(page.getByTestId('chat-log').locator('li')).toHaveCount(1)

  // StrictMode mounted each hook twice; the server saw one client SSE stream (ticker), one raw SSE stream (clock)
  // and one WebSocket (chat), each accepted once.
  const during = await server.stats()
  expect([during.sse.open, during.ws.open]).toEqual([2, 1])
  expect(during.sse.accepted - before.sse.accepted).toBe(2)
  expect(during.ws.accepted - before.ws.accepted).toBe(1)
  expect(during.channels).toMatchObject({ ticker: 1, clock: 1, 'chat:e2e': 1 })

  // Unmounting the ticker leaves its channel, and the client's SSE stream closes with its last channel.
  await page.getByTestId('toggle-ticker').click()
  await expect(ticker).toHaveCount(0)
  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open, s.channels.ticker ?? 0]
    })
    .toEqual([1, 1, 0])
  await page.getByTestId('toggle-ticker').click()
  await expect(page.getByTestId('react-ticker')).toHaveAttribute('data-state', 'open')
  await expect.poll(async () => (await server.stats()).channels.ticker).toBe(1)
})
