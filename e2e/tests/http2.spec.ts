/**
 * Issue 11 item 6: over HTTP/2 the browser's limit of six HTTP/1.1 connections per origin is gone without any client
 * trick. Ten pages of one origin, each with its own client and its own SSE stream, are all live at once: every SSE
 * request rides HTTP/2, and they share connections instead of needing one each.
 *
 * Its own playground, served over HTTPS (Vite on `node:http2`, HTTP/1.1 fallback) with a throw-away certificate
 * made with openssl; the pages accept it through `ignoreHTTPSErrors`. Kept apart from the HTTP/1.1 playground of
 * global-setup.ts, so the other specs are untouched. The pages are the playground's `bare.html` (one client, no UI):
 * ten full playground pages at once are more than a 2-core machine renders in time, and browsers do not cache
 * anything from a certificate they were told to ignore, so every page loads every module again.
 */
import { fileURLToPath } from 'node:url'
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test'
import { testCertificate } from '../../packages/server/test/tls-cert'
import { startPlayground, type RunningPlayground } from '../../playground/serve'
import { ANSWERED_REQUESTS_PATH, SERVER_PUBLISH_PATH, type AnsweredRequest } from '../../playground/switchline-plugin'
import { E2E_SERVER } from '../server-timings'

const test = base.extend<object, { https: RunningPlayground }>({
  https: [
    async ({}, use, workerInfo) => {
      const { cert, key } = testCertificate()
      const running = await startPlayground({
        server: { ...E2E_SERVER },
        testRoutes: true,
        https: { cert, key },
        cacheDir: fileURLToPath(
          new URL(`../node_modules/.vite-e2e-https-${workerInfo.parallelIndex}`, import.meta.url),
        ),
      })
      await use(running)
      await running.close()
    },
    { scope: 'worker' },
  ],
})

test.use({ ignoreHTTPSErrors: true })

const PAGES = 10
/** A receive-only instance nothing else publishes to: each page subscribes to it over SSE. */
const CHANNEL = 'ticker:h2'

async function json<T>(request: APIRequestContext, url: string, body?: object): Promise<T> {
  const res = body === undefined ? await request.get(url) : await request.post(url, { data: body })
  expect(res.ok(), `${url}: HTTP ${res.status()}`).toBe(true)
  return (await res.json()) as T
}

test('ten pages of one origin, each with its own client, all live at once over HTTP/2', async ({ context, https }) => {
  test.setTimeout(90_000) // ten page loads at once, each fetching every module (nothing is cached)
  const { request } = context
  const requestsUrl = new URL(ANSWERED_REQUESTS_PATH, https.url).href
  const from = (await json<{ requests: AnsweredRequest[] }>(request, requestsUrl)).requests.length

  // Opened all at once, the way ten tabs restored together would be.
  const pages = await Promise.all(Array.from({ length: PAGES }, () => context.newPage()))
  await Promise.all(
    pages.map(async (page) => {
      await page.goto(`${https.url}bare.html?channels=${CHANNEL}`)
      await expect(page.locator('body')).toHaveAttribute('data-ready', 'true')
    }),
  )
  const item = (page: Page) => page.locator(`li[data-channel="${CHANNEL}"]`)
  await Promise.all(pages.map((page) => expect(item(page)).toHaveAttribute('data-state', 'open')))
  await expect
    .poll(async () => (await json<{ sse: { open: number } }>(request, `${https.baseUrl}/_faults/stats`)).sse.open)
    .toBe(PAGES)

  // All ten live at once: one event reaches every page, and then one more.
  for (const n of [1, 2]) {
    const { eventId } = await json<{ eventId: string }>(request, new URL(SERVER_PUBLISH_PATH, https.url).href, {
      channel: CHANNEL,
      data: { n },
    })
    await Promise.all(pages.map((page) => expect(item(page)).toHaveAttribute('data-last-event-id', eventId)))
  }

  // Every page was served over HTTP/2, and so was every SSE stream, on shared connections.
  const protocols = await Promise.all(
    pages.map((page) =>
      page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceResourceTiming).nextHopProtocol),
    ),
  )
  expect(protocols).toEqual(pages.map(() => 'h2'))
  const answered = (await json<{ requests: AnsweredRequest[] }>(request, requestsUrl)).requests.slice(from)
  const streams = answered.filter((r) => r.method === 'GET' && r.path === '/sse')
  expect(streams).toHaveLength(PAGES)
  for (const stream of streams) expect(stream).toMatchObject({ httpVersion: '2.0', status: 200 })
  // HTTP/1.1 would need one connection per stream, and stall streams seven to ten behind the limit of six
  const connections = new Set(streams.map((s) => s.remotePort))
  expect(connections.size, `ten SSE streams over ${connections.size} connection(s)`).toBe(1)
})
