/**
 * Fixtures: `server` (this worker's playground server: faults, stats, publish over HTTP) and `playground`
 * (the page under test, opened with a URL query of short timers). Every test starts with the faults reset.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test'
import type { TestSurface } from '../playground/src/surface'
import {
  ANSWERED_REQUESTS_PATH,
  BASE_PATH,
  SERVER_PUBLISH_PATH,
  type AnsweredRequest,
} from '../playground/switchline-plugin'
import type { ServerStats } from '@switchline/server'
import type { FaultStats } from '@switchline/server/testing'

export type { AnsweredRequest }

/** What `GET <base>/_faults/stats` answers: `{ ...server.stats(), faults: faults.stats() }`. */
export type Stats = ServerStats & { faults: FaultStats }

export interface ServerHandle {
  /** The page URL (`http://127.0.0.1:<port>/`). */
  url: string
  /** The Switchline base URL. */
  baseUrl: string
  fault(action: string, body?: object): Promise<void>
  stats(): Promise<Stats>
  /** Publishes as a client would (`POST <base>/publish`; sending channels only) and returns the event id. */
  publish(channel: string, data: unknown): Promise<string>
  /** Publishes from the server side (any channel, receive-only ones too) and returns the event id. */
  serverPublish(channel: string, data: unknown): Promise<string>
  /**
   * Every HTTP request to `/rt/*` (fault routes excepted) the server answered, with its bearer token and status,
   * oldest first (`GET /__playground/requests`). Cumulative over the run: pass `fromSeq` (a `length` taken
   * earlier) to get only the later ones.
   */
  requests(fromSeq?: number): Promise<AnsweredRequest[]>
}

function serverHandle(url: string): ServerHandle {
  const baseUrl = new URL(BASE_PATH, url).href
  const json = async <T>(res: Response): Promise<T> => {
    if (!res.ok) throw new Error(`${res.url}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
  const post = (path: string, body: object): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  return {
    url,
    baseUrl,
    fault: async (action, body = {}) => void (await json(await post(`/_faults/${action}`, body))),
    stats: async () => json<Stats>(await fetch(`${baseUrl}/_faults/stats`)),
    publish: async (channel, data) =>
      (await json<{ eventId: string }>(await post('/publish', { channel, data }))).eventId,
    serverPublish: async (channel, data) => {
      const res = await fetch(new URL(SERVER_PUBLISH_PATH, url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, data }),
      })
      return (await json<{ eventId: string }>(res)).eventId
    },
    requests: async (fromSeq = 0) =>
      (await json<{ requests: AnsweredRequest[] }>(await fetch(new URL(ANSWERED_REQUESTS_PATH, url)))).requests.filter(
        (r) => r.seq >= fromSeq,
      ),
  }
}

/** The URL query of the page (see playground/README.md). */
export type PageQuery = Record<string, string | number | boolean | string[]>

export interface Playground {
  page: Page
  open(query?: PageQuery): Promise<void>
  card(channel: string): Locator
  field(channel: string, testid: string): Locator
  /** The event ids in a card's log, oldest first. */
  loggedIds(channel: string): Promise<string[]>
  /** The reconnect delays shown in a card's timeline, oldest first. */
  shownDelays(channel: string): Promise<number[]>
  /** Evaluates against `window.__switchline`. */
  surface<T>(fn: (s: TestSurface) => T): Promise<T>
}

/** Fast defaults for tests: short backoff. */
const DEFAULT_QUERY: PageQuery = { initialDelayMs: 100, maxDelayMs: 500 }

function playgroundFor(page: Page, url: string): Playground {
  const pg: Playground = {
    page,
    async open(query = {}) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries({ ...DEFAULT_QUERY, ...query }))
        params.set(k, Array.isArray(v) ? v.join(',') : String(v))
      await page.goto(`${url}?${params}`)
      await expect(page.locator('body')).toHaveAttribute('data-ready', 'true')
    },
    card: (channel) => page.getByTestId(`card-${channel}`),
    field: (channel, testid) => pg.card(channel).getByTestId(testid),
    loggedIds: async (channel) =>
      (
        await pg
          .card(channel)
          .locator('[data-testid="event-log"] li[data-id]')
          .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id') ?? ''))
      ).reverse(),
    shownDelays: (channel) =>
      pg
        .card(channel)
        .getByTestId('reconnect')
        .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-delay-ms')))),
    surface: (fn) => page.evaluate(`(${fn.toString()})(window.__switchline)`),
  }
  return pg
}

export const test = base.extend<{ playground: Playground }, { server: ServerHandle }>({
  server: [
    async ({}, use, workerInfo) => {
      const urls = (process.env.SWITCHLINE_E2E_URLS ?? '').split(' ').filter(Boolean)
      const url = urls[workerInfo.parallelIndex]
      if (!url) throw new Error('SWITCHLINE_E2E_URLS has no playground for this worker (is global-setup running?)')
      await use(serverHandle(url))
    },
    { scope: 'worker' },
  ],
  playground: async ({ page, server }, use) => {
    await server.fault('reset')
    // The previous test's page is gone; wait until the server has seen its connections close.
    await expect
      .poll(async () => {
        const s = await server.stats()
        return s.sse.open + s.ws.open
      })
      .toBe(0)
    await use(playgroundFor(page, server.url))
  },
})

export { expect }
