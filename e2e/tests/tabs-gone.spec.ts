/**
 * A follower tab that vanishes without `bye` (`@switchline/client/tabs`, playground `tabs.html`,
 * docs/decisions/0029-forgetting-vanished-tabs.md): the leader learns it from the tab's own Web Lock, which the
 * browser releases, and stops the channel only that tab wanted — the server's subscriber count for it drops to 0 —
 * while the shared channel keeps flowing to the tabs that are left. Chromium: the follower's renderer is crashed
 * (CDP `Page.crash`: no pagehide, no unload). Firefox (WebDriver BiDi has no crash command): the page's `bye` is
 * dropped before it leaves, then the page is closed. The time from the crash (or close) to the drop is printed and
 * attached as an annotation.
 */
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures'
import type {} from '../../playground/src/tabs' // window.__tabs

const TICKER = 'ticker:gone'
const OWN = 'chat:gone'
/** The bound the decision record states for a vanished tab (the browser releases a dead tab's lock at once). */
const BOUND_MS = 5_000

const role = (page: Page): Promise<string> => page.evaluate(() => window.__tabs.role)
const idsOf = (page: Page, channel: string): Promise<string[]> =>
  page.evaluate((ch) => [...(window.__tabs.ids[ch] ?? [])], channel)

test('a follower that vanishes without bye is forgotten: its own channel stops on the server, the shared one flows on', async ({
  context,
  server,
  playground,
  browserName,
}, testInfo) => {
  test.setTimeout(90_000)
  await playground.page.close()
  const open = async (channels: string[]): Promise<Page> => {
    const page = await context.newPage()
    await page.goto(`${server.url}tabs.html?channels=${channels.join(',')}`)
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true')
    for (const ch of channels)
      await expect(page.locator(`li[data-channel="${ch}"]`)).toHaveAttribute('data-state', 'open')
    return page
  }
  const leader = await open([TICKER])
  // A listener on the tabs' channel in the leader page: who says hello, and whom the leader asks to re-send.
  await leader.evaluate((group) => {
    const heard: { t: string; from?: string; to?: string }[] = []
    Object.assign(window, { __heard: heard })
    new BroadcastChannel(`switchline-tabs/1:${group}`).onmessage = (event) => void heard.push(event.data)
  }, new URL('/rt', server.url).href)
  const stays = await open([TICKER])
  const doomed = await open([TICKER, OWN])
  expect(await Promise.all([leader, stays, doomed].map(role))).toEqual(['leader', 'follower', 'follower'])
  /** Per follower (by its hello), how many times the leader asked it to re-send its channels. */
  const asked = () =>
    leader.evaluate(() => {
      const heard = (window as unknown as { __heard: { t: string; from?: string; to?: string }[] }).__heard
      const tabs = heard.filter((m) => m.t === 'hello').map((m) => m.from)
      return tabs.map((tab) => heard.filter((m) => m.t === 'leader' && m.to === tab).length)
    })
  // Once each, the answer to its hello: no follower's own lock was found free at start (a tab speaks to the leader
  // only once it holds its lock; before that rule, Chromium's leader found each new tab's lock free: decision 0029).
  expect(await asked()).toEqual([1, 1])
  const counts = async () => {
    const { channels } = await server.stats()
    return { ticker: channels[TICKER] ?? 0, own: channels[OWN] ?? 0 }
  }
  await expect.poll(counts).toEqual({ ticker: 1, own: 1 })
  const first = await server.serverPublish(TICKER, { n: 0 })
  for (const page of [leader, stays, doomed]) await expect.poll(() => idsOf(page, TICKER)).toEqual([first])

  let how: string
  const started = Date.now()
  if (browserName === 'chromium') {
    how = 'CDP Page.crash'
    const cdp = await context.newCDPSession(doomed)
    const crashed = doomed.waitForEvent('crash')
    void cdp.send('Page.crash').catch(() => undefined) // never answers: the renderer is gone
    await crashed
  } else {
    how = 'bye dropped, page closed'
    await doomed.evaluate(() => {
      const post = BroadcastChannel.prototype.postMessage
      BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, message: unknown) {
        if ((message as { t?: string } | null)?.t !== 'bye') post.call(this, message)
      }
    })
    await doomed.close({ runBeforeUnload: false })
  }
  let forgottenMs = -1
  await expect
    .poll(
      async () => {
        const now = await counts()
        if (now.own === 0 && forgottenMs < 0) forgottenMs = Date.now() - started
        return now
      },
      { timeout: BOUND_MS, intervals: [50] },
    )
    .toEqual({ ticker: 1, own: 0 })
  expect(await asked()).toEqual([1, 2]) // the vanished tab was asked once more; nobody answered

  // The shared channel flows on to the tabs that are left, once each, in order.
  const published = [first]
  for (let n = 1; n <= 5; n++) published.push(await server.serverPublish(TICKER, { n }))
  for (const page of [leader, stays]) await expect.poll(() => idsOf(page, TICKER)).toEqual(published)
  expect(await Promise.all([leader, stays].map(role))).toEqual(['leader', 'follower'])

  const figures = { browser: testInfo.project.name, how, forgottenMs, boundMs: BOUND_MS }
  console.log(`tabs-gone figures: ${JSON.stringify(figures)}`)
  testInfo.annotations.push({ type: 'figures', description: JSON.stringify(figures) })
})
