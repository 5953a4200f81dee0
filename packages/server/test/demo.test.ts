import { describe, expect, it } from 'vitest'
import { createDemo, DEMO_CHANNELS, type PublishedEvent } from '../src/index'
import {
  channelEvents,
  helloWs,
  installCleanup,
  onCleanup,
  openRawSse,
  postPublish,
  publishEach,
  startServer,
  waitFor,
} from './helpers'
import { createManualTimers } from './manual-timers'

installCleanup()

/** The demo on a manual clock: it publishes only when the test advances time. */
async function startDemo() {
  const published: PublishedEvent[] = []
  const clock = createManualTimers()
  const started = await startServer({
    channels: { ...DEMO_CHANNELS },
    timers: clock,
    now: clock.now,
    onPublish: (e) => void published.push(e),
  })
  const demo = createDemo(started.server, { tickerIntervalMs: 10, clockIntervalMs: 30, timers: clock, now: clock.now })
  onCleanup(() => demo.stop())
  return { ...started, published, clock }
}

describe('demo acceptance', () => {
  it('serves ticker, clock and chat over SSE and WebSocket', async () => {
    const { baseUrl, wsUrl, clock } = await startDemo()
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,clock,chat`)
    const ws = await helloWs(wsUrl)
    for (const [id, channel] of ['ticker', 'clock', 'chat'].entries()) ws.send({ type: 'subscribe', id, channel })
    await ws.waitFor((f) => f.type === 'subscribed', 3)

    ws.send({ type: 'publish', id: 10, channel: 'chat', data: { text: 'from ws' } })
    await ws.waitFor((f) => f.type === 'ack')
    expect((await postPublish(baseUrl, { channel: 'chat', data: { text: 'from http' } })).status).toBe(200)
    expect((await postPublish(baseUrl, { channel: 'ticker', data: 1 })).status).toBe(405)
    clock.advance(60) // 6 ticks, 2 clock events

    const seen = <T extends { channel?: unknown }>(events: T[], channel: string) =>
      events.filter((e) => e.channel === channel)
    await waitFor(
      () =>
        ['ticker', 'clock'].every((c) => seen(channelEvents(sse.events), c).length >= 2) &&
        seen(channelEvents(sse.events), 'chat').length >= 2,
    )
    await waitFor(() =>
      ['ticker', 'clock'].every(
        (c) =>
          seen(
            ws.frames.filter((f) => f.type === 'event'),
            c,
          ).length >= 2,
      ),
    )
    const sseEvents = channelEvents(sse.events)
    const tick = seen(sseEvents, 'ticker')[0]?.data as { symbol: string; price: number; ts: number }
    expect(tick).toEqual({ symbol: expect.any(String), price: expect.any(Number), ts: expect.any(Number) })
    const time = seen(sseEvents, 'clock')[0]?.data as { iso: string; ts: number }
    expect(new Date(time.iso).getTime()).toBe(time.ts)
    expect(seen(sseEvents, 'chat').map((e) => e.data)).toEqual([{ text: 'from ws' }, { text: 'from http' }])
    await ws.waitFor((f) => f.type === 'event' && f.channel === 'chat', 2)
  })

  it('a client that reconnects with the last id it saw receives exactly the events it missed (SSE)', async () => {
    const { baseUrl, server, published, clock } = await startDemo()
    const channels = ['ticker', 'clock', 'chat']
    const first = await openRawSse(`${baseUrl}/sse?channels=${channels.join(',')}`)
    await first.waitForEvents((e) => e.event === 'sl-ready')
    await server.publish('chat', { text: 'before' })
    await first.waitForEvents((e) => e.event === 'message' && e.data.includes('"before"'))
    clock.advance(50)
    await first.waitForEvents((e) => e.event === 'message', 5)
    first.close()
    await waitFor(() => server.stats().sse.open === 0)
    const seenBefore = channelEvents(first.events)
    const lastId = seenBefore.at(-1)?.id as string

    await server.publish('chat', { text: 'while away' })
    const countAtDisconnect = published.length
    clock.advance(50) // the demo keeps publishing meanwhile
    expect(published.length).toBeGreaterThanOrEqual(countAtDisconnect + 5)
    await server.publish('chat', { text: 'just before reconnect' })

    const second = await openRawSse(`${baseUrl}/sse?channels=${channels.join(',')}`, { 'Last-Event-ID': lastId })
    const marker = await server.publish('chat', { text: 'after reconnect' })
    await second.waitForEvents((e) => e.event === 'message' && e.id === marker)
    const seenAfter = channelEvents(second.events)

    expect(second.events.some((e) => e.event === 'sl-gap')).toBe(false)
    const afterIds = seenAfter.map((e) => e.id)
    const beforeIds = new Set(seenBefore.map((e) => e.id))
    expect(afterIds.filter((id) => beforeIds.has(id))).toEqual([]) // nothing duplicated
    // exactly the events published after lastId, in order, none missing, up to the marker
    const expected = published.map((e) => e.eventId)
    expect(expected.indexOf(seenBefore[0]?.id as string)).toBeGreaterThanOrEqual(0)
    const all = [...seenBefore.map((e) => e.id), ...afterIds.slice(0, afterIds.indexOf(marker) + 1)]
    expect(all).toEqual(expected.slice(expected.indexOf(seenBefore[0]?.id as string), expected.indexOf(marker) + 1))
    expect(seenAfter.map((e) => e.data)).toContainEqual({ text: 'while away' })
  })

  it('a client that reconnects with the last id it saw receives exactly the events it missed (WebSocket)', async () => {
    const { wsUrl, server, published } = await startDemo()
    const first = await helloWs(wsUrl)
    first.send({ type: 'subscribe', id: 1, channel: 'chat' })
    await first.waitFor((f) => f.type === 'subscribed')
    const before = await publishEach([1, 2], (n) => server.publish('chat', { n }))
    await first.waitFor((f) => f.type === 'event', 2)
    first.ws.close()
    await waitFor(() => server.stats().ws.open === 0)
    const missed = await publishEach([3, 4, 5], (n) => server.publish('chat', { n }))
    const second = await helloWs(wsUrl)
    second.send({ type: 'subscribe', id: 1, channel: 'chat', cursor: before.at(-1) })
    await second.waitFor((f) => f.type === 'event', 3)
    const live = await server.publish('chat', { n: 6 })
    await second.waitFor((f) => f.type === 'event', 4)
    expect(second.frames.filter((f) => f.type === 'event').map((f) => f.id)).toEqual([...missed, live])
    expect(second.frames.some((f) => f.type === 'gap')).toBe(false)
    expect(published.filter((e) => e.channel === 'chat').map((e) => e.eventId)).toEqual([...before, ...missed, live])
  })
})
