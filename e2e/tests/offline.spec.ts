import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures'

const CAP_MS = 300
const CHANNELS = ['ticker', 'chat'] as const

interface AttemptCounts {
  eventSource: number
  webSocket: number
  fetchSse: number
}

/**
 * Counts, in the page, every connection attempt to the Switchline endpoints: `EventSource` and `WebSocket`
 * constructions and `fetch` calls for `/rt/sse` (the SDK's fetch-based SSE). While offline the browser fails
 * such requests itself, so the server never sees them: only the page can tell whether the SDK tried.
 */
async function countAttempts(page: Page): Promise<() => Promise<AttemptCounts>> {
  await page.addInitScript(() => {
    const counts = { eventSource: 0, webSocket: 0, fetchSse: 0 }
    ;(window as unknown as { __attempts: typeof counts }).__attempts = counts
    const pathOf = (url: unknown): string => {
      try {
        return new URL(url instanceof Request ? url.url : String(url), location.href).pathname
      } catch {
        return ''
      }
    }
    const NativeEventSource = window.EventSource
    window.EventSource = class extends NativeEventSource {
      constructor(url: string | URL, init?: EventSourceInit) {
        if (pathOf(url) === '/rt/sse') counts.eventSource += 1
        super(url, init)
      }
    }
    const NativeWebSocket = window.WebSocket
    window.WebSocket = class extends NativeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        if (pathOf(url) === '/rt/ws') counts.webSocket += 1 // not Vite's HMR socket
        super(url, protocols)
      }
    }
    const nativeFetch = window.fetch
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      if (pathOf(input) === '/rt/sse') counts.fetchSse += 1
      return nativeFetch.call(this, input, init)
    }
  })
  return () => page.evaluate(() => ({ ...(window as unknown as { __attempts: AttemptCounts }).__attempts }))
}

const total = (c: AttemptCounts): number => c.eventSource + c.webSocket + c.fetchSse

test('offline → no attempts while offline; back online → reconnects at once and resumes', async ({
  playground,
  server,
  context,
}) => {
  const attempts = await countAttempts(playground.page)
  await playground.open({ channels: [...CHANNELS], initialDelayMs: 100, maxDelayMs: CAP_MS })
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect(playground.field('chat', 'state')).toHaveText('open')
  // The counter sees the SDK's attempts: at least the SSE stream and the WebSocket.
  const atOpen = await attempts()
  expect(atOpen.webSocket).toBeGreaterThanOrEqual(1)
  expect(atOpen.eventSource + atOpen.fetchSse).toBeGreaterThanOrEqual(1)

  await context.setOffline(true)
  await expect.poll(() => playground.surface((s) => s.online)).toBe(false)
  await server.fault('dropAll') // the network is gone: so are the connections
  await expect(playground.field('ticker', 'state')).toHaveText('reconnecting')
  await expect(playground.field('chat', 'state')).toHaveText('reconnecting')
  await expect(playground.field('ticker', 'state-reason')).toContainText('offline')
  await expect(playground.field('chat', 'state-reason')).toContainText('offline')
  const whileOffline = await server.stats()
  const attemptsOffline = await attempts()
  const reconnectsOffline = await playground.surface(
    (s) => s.channels.ticker!.reconnects.length + s.channels.chat!.reconnects.length,
  )

  // Offline for many times the backoff cap: the page made no connection attempt, none is scheduled.
  await expect.poll(() => playground.surface((s) => s.offlineForMs()), { timeout: 5000 }).toBeGreaterThan(6 * CAP_MS)
  expect(await attempts()).toEqual(attemptsOffline)
  expect(
    await playground.surface((s) => s.channels.ticker!.reconnects.length + s.channels.chat!.reconnects.length),
  ).toBe(reconnectsOffline)
  // Secondary (the browser would fail attempts before they reach the server anyway): nothing accepted.
  const stillOffline = await server.stats()
  expect(stillOffline.sse.accepted).toBe(whileOffline.sse.accepted)
  expect(stillOffline.ws.accepted).toBe(whileOffline.ws.accepted)

  const marks = await playground.surface((s) => ({
    ticker: s.channels.ticker!.states.length,
    chat: s.channels.chat!.states.length,
  }))
  await context.setOffline(false)
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  await expect(playground.field('chat', 'state')).toHaveText('open')
  // "At once": the online event itself starts the attempt — the next change is `connecting` (reason `online`),
  // then `open`, with no backoff wait (`reconnecting` with a `delayMs`) in between.
  for (const channel of CHANNELS) {
    const since = await playground.surface((s) => s.channels)
    const changes = since[channel]!.states.slice(marks[channel]).map(({ to, reason, delayMs }) => ({
      to,
      reason,
      delayMs,
    }))
    expect(changes[0], channel).toEqual({ to: 'connecting', reason: 'online', delayMs: undefined })
    expect(changes.at(-1)?.to, channel).toBe('open')
    expect(
      changes.filter((c) => c.to === 'reconnecting' && c.delayMs !== undefined),
      channel,
    ).toEqual([])
  }
  expect(total(await attempts())).toBeGreaterThan(total(attemptsOffline))

  const id = await server.publish('chat', { text: 'back', from: 'e2e' })
  await expect(playground.field('chat', 'last-event-id')).toHaveText(id)
  const after = await server.stats()
  expect(after.sse.accepted).toBeGreaterThan(whileOffline.sse.accepted)
  expect(after.ws.accepted).toBeGreaterThan(whileOffline.ws.accepted)
})
