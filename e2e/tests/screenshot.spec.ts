import { fileURLToPath } from 'node:url'
import { expect, test } from '../fixtures'

const ARTIFACT = fileURLToPath(new URL('../artifacts/playground.png', import.meta.url))

test.use({ viewport: { width: 1440, height: 1000 }, colorScheme: 'dark' })

test('a scripted session, saved as e2e/artifacts/playground.png', async ({ playground, server }) => {
  await playground.open({ initialDelayMs: 250, maxDelayMs: 2000, resetAfterMs: 60_000 })
  for (const channel of ['ticker', 'clock', 'chat']) await expect(playground.field(channel, 'state')).toHaveText('open')

  // A few reconnects so the timelines have bars (each waits until every channel is open again).
  for (let i = 1; i <= 4; i++) {
    await playground.page.getByTestId('fault-drop').click()
    await expect(playground.field('ticker', 'reconnect')).toHaveCount(i)
    for (const channel of ['ticker', 'clock', 'chat'])
      await expect(playground.field(channel, 'state')).toHaveText('open')
  }
  for (const [from, text] of [
    ['ada', 'is the ticker still on SSE?'],
    ['lin', 'yes — chat is on the WebSocket'],
  ] as const) {
    await server.publish('chat', { text, from })
  }
  await playground.field('chat', 'send-input').fill('hello from the playground')
  await playground.field('chat', 'send-button').click()
  await expect(playground.field('chat', 'send-status')).toHaveText(/^delivered as/)
  // Let the sparklines fill: wait for the clock card to count a few more events.
  await expect
    .poll(async () => Number(await playground.field('clock', 'event-count').textContent()), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(8)
  await playground.page.screenshot({ path: ARTIFACT, fullPage: true })
})
