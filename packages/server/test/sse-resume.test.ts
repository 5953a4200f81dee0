import { describe, expect, it } from 'vitest'
import { parseEventId } from '@switchline/client/protocol'
import { createFaultInjector } from '../src/testing/index'
import {
  channelEvents,
  installCleanup,
  openEventSource,
  openRawSse,
  publishEach,
  startServer,
  waitFor,
} from './helpers'

installCleanup()

const isChannelEvent = (e: { event: string }): boolean => e.event === 'message'

describe('SSE resume (§5 cursors, R6–R9)', () => {
  it('R9: subscribing without a cursor delivers live events only', async () => {
    const { baseUrl, server } = await startServer()
    await server.publish('ticker', 'old')
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    await server.publish('ticker', 'new')
    await sse.waitForEvents(isChannelEvent)
    expect(channelEvents(sse.events).map((e) => e.data)).toEqual(['new'])
  })

  it('R6: Last-Event-ID replays exactly the missed events, in order, with original ids, before live events', async () => {
    const { baseUrl, server } = await startServer()
    const ids = await publishEach([1, 2, 3, 4], (n) => server.publish('ticker', n))
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`, { 'Last-Event-ID': ids[1] as string })
    await sse.waitForEvents(isChannelEvent, 2)
    const live = await server.publish('ticker', 5)
    await sse.waitForEvents(isChannelEvent, 3)
    expect(channelEvents(sse.events).map((e) => [e.id, e.data])).toEqual([
      [ids[2], 3],
      [ids[3], 4],
      [live, 5],
    ])
    expect(sse.events.some((e) => e.event === 'sl-gap')).toBe(false)
  })

  it('R6: one Last-Event-ID resumes many channels; replay is merged in seq order', async () => {
    const { baseUrl, server } = await startServer()
    const cursor = await server.publish('ticker', 0)
    const a = await server.publish('chat:x', 'a')
    const b = await server.publish('ticker', 'b')
    const c = await server.publish('chat:x', 'c')
    await server.publish('clock', 'not subscribed')
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,chat:x`, { 'Last-Event-ID': cursor })
    await sse.waitForEvents(isChannelEvent, 3)
    expect(channelEvents(sse.events).map((e) => e.id)).toEqual([a, b, c])
  })

  it('§5: lastEventId query works like the header; the header wins over it; since.<ch> wins over both', async () => {
    const { baseUrl, server } = await startServer()
    const ids = await publishEach([1, 2, 3, 4, 5], (n) => server.publish('ticker', n))
    const chat = await publishEach([1, 2, 3], (n) => server.publish('chat', `c${n}`))
    const byQuery = await openRawSse(`${baseUrl}/sse?channels=ticker&lastEventId=${ids[2]}`)
    await byQuery.waitForEvents(isChannelEvent, 2)
    expect(channelEvents(byQuery.events).map((e) => e.data)).toEqual([4, 5])

    const headerWins = await openRawSse(`${baseUrl}/sse?channels=ticker&lastEventId=${ids[0]}`, {
      'Last-Event-ID': ids[3] as string,
    })
    await headerWins.waitForEvents(isChannelEvent, 1)
    const sinceWins = await openRawSse(
      `${baseUrl}/sse?channels=ticker,chat&since.chat=${chat[1]}&lastEventId=${ids[0]}`,
      { 'Last-Event-ID': ids[3] as string },
    )
    await sinceWins.waitForEvents(isChannelEvent, 2)
    expect(channelEvents(headerWins.events).map((e) => e.data)).toEqual([5])
    expect(channelEvents(sinceWins.events).map((e) => e.data)).toEqual([5, 'c3'])
  })

  it('R7: a cursor older than retention gets sl-gap then the retained events', async () => {
    const { baseUrl, server } = await startServer({ retention: { maxEvents: 2 } })
    const ids = await publishEach([1, 2, 3, 4], (n) => server.publish('ticker', n))
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`, { 'Last-Event-ID': ids[0] as string })
    await sse.waitForEvents(isChannelEvent, 2)
    const order = sse.events.filter((e) => e.event !== 'sl-ready').map((e) => e.event)
    expect(order).toEqual(['sl-gap', 'message', 'message'])
    expect(JSON.parse(sse.events.find((e) => e.event === 'sl-gap')?.data ?? '')).toEqual({
      channel: 'ticker',
      from: ids[0],
      to: ids[2],
      reason: 'retention',
    })
    expect(channelEvents(sse.events).map((e) => e.id)).toEqual([ids[2], ids[3]])
  })

  it('R7: a cursor of another epoch gets an epoch gap, then everything retained; to is null when empty', async () => {
    const { baseUrl, server } = await startServer({ epoch: 'now1' })
    const id = await server.publish('ticker', 1)
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,chat`, { 'Last-Event-ID': 'old9-77' })
    await sse.waitForEvents(isChannelEvent)
    const gaps = sse.events.filter((e) => e.event === 'sl-gap').map((e) => JSON.parse(e.data))
    expect(gaps).toEqual([
      { channel: 'ticker', from: 'old9-77', to: id, reason: 'epoch' },
      { channel: 'chat', from: 'old9-77', to: null, reason: 'epoch' },
    ])
  })

  it('R8: a malformed cursor is treated as an unknown epoch', async () => {
    const { baseUrl, server } = await startServer()
    const id = await server.publish('ticker', 1)
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker&lastEventId=not-a-cursor`)
    await sse.waitForEvents(isChannelEvent)
    expect(JSON.parse(sse.events.find((e) => e.event === 'sl-gap')?.data ?? '')).toEqual({
      channel: 'ticker',
      from: 'not-a-cursor',
      to: id,
      reason: 'epoch',
    })
  })

  it('R8: a cursor of the current epoch with a seq beyond the counter gets an epoch gap (eventsource client)', async () => {
    const { baseUrl, server } = await startServer()
    const first = await server.publish('ticker', 1)
    const second = await server.publish('ticker', 2)
    const future = `${server.epoch}-999`
    const { received } = openEventSource(`${baseUrl}/sse?channels=ticker&lastEventId=${future}`)
    await waitFor(() => received.filter((e) => e.type === 'message').length === 2)
    expect(received.filter((e) => e.type !== 'sl-ready').map((e) => [e.type, JSON.parse(e.data)])).toEqual([
      ['sl-gap', { channel: 'ticker', from: future, to: first, reason: 'epoch' }],
      ['message', { channel: 'ticker', data: 1 }],
      ['message', { channel: 'ticker', data: 2 }],
    ])
    expect(received.filter((e) => e.type === 'message').map((e) => e.lastEventId)).toEqual([first, second])
  })

  it('R9: sl-ready.cursor is the head: the newest id in the log (any channel)', async () => {
    const { baseUrl, server } = await startServer()
    await server.publish('ticker', 1)
    const head = await server.publish('clock', 'other channel')
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`)
    const [ready] = await sse.waitForEvents((e) => e.event === 'sl-ready')
    expect(JSON.parse(ready?.data ?? '').cursor).toBe(head)
  })

  it('R9: an eventsource client resuming from the head cursor of a cursor-less stream gets exactly the missed events', async () => {
    const { baseUrl, server } = await startServer()
    await server.publish('ticker', 'before')
    const first = openEventSource(`${baseUrl}/sse?channels=ticker`)
    await waitFor(() => first.received.some((e) => e.type === 'sl-ready'))
    const ready = first.received.find((e) => e.type === 'sl-ready')
    const cursor = (JSON.parse(ready?.data ?? '') as { cursor: string }).cursor
    first.es.close()
    await waitFor(() => server.stats().sse.open === 0, { what: 'the server to see the disconnect' })
    const missed = await publishEach([1, 2], (n) => server.publish('ticker', n))
    await server.publish('clock', 'not subscribed')
    const again = openEventSource(`${baseUrl}/sse?channels=ticker&lastEventId=${cursor}`)
    await waitFor(() => again.received.filter((e) => e.type === 'message').length === 2)
    const live = await server.publish('ticker', 'live')
    await waitFor(() => again.received.filter((e) => e.type === 'message').length === 3)
    expect(again.received.filter((e) => e.type === 'message').map((e) => e.lastEventId)).toEqual([...missed, live])
    expect(again.received.some((e) => e.type === 'sl-gap')).toBe(false)
  })

  it('R5: ids on a stream share the epoch and strictly increase in seq', async () => {
    const { baseUrl, server } = await startServer()
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,chat,clock`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    for (let i = 0; i < 30; i++) await server.publish(['ticker', 'chat', 'clock'][i % 3] as string, i)
    await sse.waitForEvents(isChannelEvent, 30)
    const parsed = channelEvents(sse.events).map((e) => parseEventId(e.id))
    for (let i = 1; i < parsed.length; i++) {
      expect(parsed[i]?.epoch).toBe(server.epoch)
      expect(parsed[i]?.seq).toBeGreaterThan(parsed[i - 1]?.seq ?? Infinity)
    }
  })

  it('eventsource reconnects with Last-Event-ID by itself and gets exactly the missed events', async () => {
    const { baseUrl, server } = await startServer({ retryMs: 20 })
    const { received } = openEventSource(`${baseUrl}/sse?channels=chat`)
    await waitFor(() => received.some((e) => e.type === 'sl-ready'))
    const before = await publishEach([1, 2], (n) => server.publish('chat', n))
    await waitFor(() => received.filter((e) => e.type === 'message').length === 2)
    // drop the stream; eventsource reconnects after retry: 20 with Last-Event-ID
    createFaultInjector(server).drop('sse')
    const missed = await publishEach([3, 4], (n) => server.publish('chat', n))
    await waitFor(() => received.filter((e) => e.type === 'message').length === 4, { timeoutMs: 3000 })
    expect(received.filter((e) => e.type === 'message').map((e) => e.lastEventId)).toEqual([...before, ...missed])
  })
})
