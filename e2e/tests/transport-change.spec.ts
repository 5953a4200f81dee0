/**
 * Issue 9, items 12 and 15: the page follows the SDK's transport changes (`onTransport`) as they happen — a
 * channel that moves between transports with no event arriving still shows the right badge — and shows the
 * countdown to the next WebSocket re-probe while the channel rides SSE + POST.
 */
import { expect, test } from '../fixtures'

const REPROBE_MS = 5000

test('the badge follows blocked → SSE + POST → re-probed → WebSocket without an event, with a re-probe countdown', async ({
  playground,
  server,
}) => {
  // Re-probes run on real time: on a loaded machine one may come (and fail, WebSocket still blocked) mid-test.
  test.setTimeout(60_000)
  await playground.open({ channels: ['chat'], reprobeWebSocketMs: REPROBE_MS })
  const badge = playground.field('chat', 'transport')
  const countdown = playground.field('chat', 'reprobe-countdown')
  await expect(badge).toHaveText('WebSocket')
  await expect(playground.field('chat', 'state')).toHaveText('open')
  await expect(countdown).toBeHidden()

  await playground.page.getByTestId('fault-block-ws').click()
  await expect.poll(async () => (await server.stats()).faults.state.refusingWebSockets).toBe(403)
  await playground.page.getByTestId('fault-drop').click()

  await expect(badge).toHaveText('SSE')
  await expect(badge).toHaveAttribute('data-transport', 'sse')
  await expect(playground.field('chat', 'transport-reason')).toHaveText('WebSocket blocked → SSE + POST')
  await expect(playground.field('chat', 'state')).toHaveText('open')

  // The countdown shows, and counts down to the re-probe the client scheduled.
  await expect(countdown).toBeVisible()
  await expect(countdown).toHaveText(/^WebSocket re-probe in \d+\.\d s$/)
  const seconds = async (): Promise<number> =>
    Number(/in ([\d.]+) s/.exec((await countdown.textContent()) ?? '')?.[1] ?? NaN)
  const first = await seconds()
  expect(first).toBeGreaterThan(0)
  expect(first).toBeLessThanOrEqual(REPROBE_MS / 1000)
  await expect.poll(seconds).toBeLessThan(first)
  // The countdown shows the client's reprobeAt (read together, in one turn of the page's event loop).
  const shown = await playground.page.evaluate(() => ({
    attribute: document
      .querySelector('[data-testid="card-chat"] [data-testid="reprobe-countdown"]')
      ?.getAttribute('data-reprobe-at'),
    reprobeAt: window.__switchline.reprobeAt,
  }))
  expect(shown.attribute).toBe(shown.reprobeAt === undefined ? '' : String(shown.reprobeAt))
  const moved = await playground.surface((s) => s.channels.chat!.transports.at(-1))
  expect(moved).toMatchObject({
    from: 'websocket',
    to: 'sse',
    reason: 'WebSocket blocked → SSE + POST',
    reprobeAt: expect.any(Number),
  })
  // The move announced the first re-probe; the client's is that one, or a later one after a failed re-probe.
  if (shown.reprobeAt !== undefined) expect(shown.reprobeAt).toBeGreaterThanOrEqual(moved!.reprobeAt!)

  // Let WebSocket through again. Nothing is published on chat: the move back has no event to ride on.
  const eventsBefore = await playground.surface((s) => s.channels.chat!.ids.length)
  const statesBefore = await playground.surface((s) => s.channels.chat!.states.length)
  await playground.page.getByTestId('fault-block-ws').click()
  await expect.poll(async () => (await server.stats()).faults.state.refusingWebSockets).toBe(false)

  await expect(badge).toHaveText('WebSocket', { timeout: 2 * REPROBE_MS + 10_000 })
  await expect(badge).toHaveAttribute('data-transport', 'websocket')
  await expect(playground.field('chat', 'transport-reason')).toHaveText('sends → WebSocket')
  await expect(countdown).toBeHidden()
  expect(await playground.surface((s) => s.channels.chat!.ids.length)).toBe(eventsBefore)
  expect(await playground.surface((s) => s.channels.chat!.states.length)).toBe(statesBefore) // open all along
  expect(await playground.surface((s) => s.channels.chat!.transports.map((t) => `${t.from}→${t.to}`))).toEqual([
    'undefined→websocket',
    'websocket→sse',
    'sse→websocket',
  ])
  await expect.poll(async () => (await server.stats()).ws.open).toBe(1)
})
