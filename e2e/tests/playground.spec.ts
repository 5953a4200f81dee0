import { expect, test } from '../fixtures'

test('the playground loads with a card per channel and Vite HMR still connects', async ({ playground, page }) => {
  const viteConnected = page.waitForEvent('console', (msg) => msg.text().includes('[vite] connected'))
  await playground.open()
  for (const channel of ['ticker', 'clock', 'chat']) await expect(playground.card(channel)).toBeVisible()
  await viteConnected
  await expect(playground.field('ticker', 'state')).toHaveText('open')
})
