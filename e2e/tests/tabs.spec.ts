/**
 * One connection shared across tabs (`@switchline/client/tabs`, playground `tabs.html`): eight pages of one browser
 * context share one SSE stream and one WebSocket; the leader page is closed while events flow and every other page
 * still shows every published id exactly once, in order; a send from a follower page is published once. The
 * figures (connections the server counted, events per page) are printed and attached as annotations.
 */
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures'
import type {} from '../../playground/src/tabs' // window.__tabs

const PAGES = 8
const TICKER = 'ticker:tabs'
const CHAT = 'chat:tabs'

const role = (page: Page): Promise<string> => page.evaluate(() => window.__tabs.role)
const idsOf = (page: Page, channel: string): Promise<string[]> =>
  page.evaluate((ch) => [...(window.__tabs.ids[ch] ?? [])], channel)

test('eight tabs share one SSE stream and one WebSocket; the leader closes mid-stream and no tab loses or repeats an id', async ({
  context,
  server,
  playground,
}, testInfo) => {
  test.setTimeout(120_000) // eight page loads from the Vite dev server
  await playground.page.close() // the fixture's page is not one of the tabs
  const start = await server.stats()
  const pages = await Promise.all(Array.from({ length: PAGES }, () => context.newPage()))
  for (const page of pages) {
    await page.goto(`${server.url}tabs.html?channels=${TICKER},${CHAT}`)
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true')
  }
  for (const page of pages)
    for (const ch of [TICKER, CHAT])
      await expect(page.locator(`li[data-channel="${ch}"]`)).toHaveAttribute('data-state', 'open')
  const roles = await Promise.all(pages.map(role))
  expect(roles.filter((r) => r === 'leader')).toHaveLength(1)
  expect(roles.filter((r) => r === 'follower')).toHaveLength(PAGES - 1)
  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([1, 1])
  const before = await server.stats()

  // Events flow; the leader page is closed after the first third.
  const published: string[] = []
  const leader = pages[roles.indexOf('leader')]!
  for (let n = 0; n < 60; n++) {
    published.push(await server.serverPublish(TICKER, { n }))
    if (n === 19) {
      await expect.poll(() => idsOf(leader, TICKER)).toHaveLength(20)
      await leader.close()
    }
  }
  const rest = pages.filter((page) => page !== leader)
  await expect.poll(async () => (await Promise.all(rest.map(role))).filter((r) => r === 'leader').length).toBe(1)
  for (const page of rest) await expect.poll(() => idsOf(page, TICKER), { timeout: 20_000 }).toEqual(published)
  await expect
    .poll(async () => {
      const s = await server.stats()
      return [s.sse.open, s.ws.open]
    })
    .toEqual([1, 1])
  const after = await server.stats()

  // A send from a follower is published once, and reaches every tab once.
  const followers = await Promise.all(rest.map(async (page) => ((await role(page)) === 'follower' ? page : undefined)))
  const sender = followers.find((page) => page !== undefined)!
  const eventId = await sender.evaluate((ch) => window.__tabs.send(ch, { text: 'once' }), CHAT)
  for (const page of rest) await expect.poll(() => idsOf(page, CHAT)).toEqual([eventId])

  const perTab = await Promise.all(rest.map((page) => idsOf(page, TICKER).then((ids) => ids.length)))
  const figures = {
    browser: testInfo.project.name,
    tabs: PAGES,
    connectionsWithEightTabs: { sse: before.sse.open, ws: before.ws.open },
    connectionsAfterTakeover: { sse: after.sse.open, ws: after.ws.open },
    acceptedDuringTest: { sse: after.sse.accepted - start.sse.accepted, ws: after.ws.accepted - start.ws.accepted },
    published: published.length,
    eventsPerRemainingTab: perTab,
    followerSendDeliveredPerTab: rest.length,
  }
  console.log(`tabs figures: ${JSON.stringify(figures)}`)
  testInfo.annotations.push({ type: 'figures', description: JSON.stringify(figures) })
})
