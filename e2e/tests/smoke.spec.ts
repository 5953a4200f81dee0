import { expect, test } from '@playwright/test'

test('the browser launches and runs a page', async ({ page, browserName }) => {
  await page.setContent('<h1 data-testid="title">Switchline</h1>')
  await expect(page.getByTestId('title')).toHaveText('Switchline')
  const ua = await page.evaluate(() => navigator.userAgent)
  expect(ua).toContain(browserName === 'firefox' ? 'Firefox' : 'Chrome')
})
