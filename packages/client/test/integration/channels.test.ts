/**
 * Channel-level behaviour against the real server: multiplexing (10 channels → 1 SSE stream + 1 WebSocket), a
 * typed error on an unknown channel that leaves the others running, gaps after retention, malformed frames.
 */
import { describe, expect, it } from 'vitest'
import type { SwitchlineError } from '../../src/core/errors'
import type { GapInfo } from '../../src/types'
import { createWaiter, range, useServerAndClient } from './harness'

type Schema = {
  ticker: { receive: { n: number } }
  feed: { receive: { n: number } }
  chat: { receive: { n?: number; text?: string }; send: { text: string } }
  nope: { receive: unknown }
}

const setup = useServerAndClient<Schema>()

describe('channels over one client', { timeout: 20_000 }, () => {
  it('10 channels ride 1 SSE stream + 1 WebSocket; closing them all leaves no connection', async () => {
    const h = await setup.startServer()
    const waiter = createWaiter()
    const rt = setup.createClient({ sendChannels: ['chat'] })
    const received = new Map<string, number[]>()
    const subs = range(10).map((i) => {
      const name = i % 2 === 0 ? 'ticker' : 'chat'
      return rt.subscribe(name, {
        key: `k${i}`,
        onState: () => waiter.notify(),
        onEvent: (data, meta) => {
          received.set(meta.channel ?? '', [...(received.get(meta.channel ?? '') ?? []), data.n ?? -1])
          waiter.notify()
        },
      })
    })
    await waiter.until(() => subs.every((s) => s.state === 'open'), 'all 10 open')
    expect(subs.map((s) => s.transport)).toEqual(range(10).map((i) => (i % 2 === 0 ? 'sse' : 'websocket')))
    const stats = h.server.stats()
    expect(stats.sse.open).toBe(1)
    expect(stats.ws.open).toBe(1)
    expect(stats.sse.accepted).toBe(1) // 5 subscribes in one tick → one connect
    for (let i = 0; i < 10; i++) h.server.publish(`${i % 2 === 0 ? 'ticker' : 'chat'}:k${i}`, { n: i })
    await waiter.until(() => received.size === 10, 'one event on each channel')
    for (let i = 0; i < 10; i++) expect(received.get(`${i % 2 === 0 ? 'ticker' : 'chat'}:k${i}`)).toEqual([i])

    for (const sub of subs) sub.close()
    await waiter.until(() => {
      const now = h.server.stats()
      return now.sse.open === 0 && now.ws.open === 0
    }, 'the server to see both connections closed')
  })

  it('an unknown channel gets a typed error on that channel only, over SSE and over WebSocket', async () => {
    const h = await setup.startServer()
    const waiter = createWaiter()
    const rt = setup.createClient()
    const errors: SwitchlineError[] = []
    const wsErrors: SwitchlineError[] = []
    const ticks: number[] = []
    const ticker = rt.subscribe('ticker', {
      onEvent: (d) => {
        ticks.push(d.n)
        waiter.notify()
      },
      onState: () => waiter.notify(),
    })
    const nope = rt.subscribe('nope', { onError: (e) => errors.push(e), onState: () => waiter.notify() })
    const nopeWs = rt.subscribe('nope', {
      key: 'ws',
      transport: 'websocket',
      onError: (e) => wsErrors.push(e),
      onState: () => waiter.notify(),
    })
    await waiter.until(() => nope.state === 'closed' && nopeWs.state === 'closed', 'both unknown channels closed')
    expect(errors.at(-1)).toMatchObject({
      name: 'SwitchlineError',
      code: 'protocol',
      protocolCode: 'unknown_channel',
      fatal: true,
    })
    expect(wsErrors.at(-1)).toMatchObject({ code: 'protocol', protocolCode: 'unknown_channel', fatal: true })
    await waiter.until(() => ticker.state === 'open', 'ticker open')
    h.server.publish('ticker', { n: 1 })
    h.server.publish('ticker', { n: 2 })
    await waiter.until(() => ticks.length === 2, 'ticker events')
    expect(ticks).toEqual([1, 2])
    expect(ticker.state).toBe('open')
  })

  it('resuming after the retention window reports a gap, then delivers what is retained', async () => {
    const h = await setup.startServer({ retention: { maxEvents: 5 } })
    const waiter = createWaiter()
    const first = h.server.publish('feed', { n: 0 })
    for (let n = 1; n <= 20; n++) h.server.publish('feed', { n })
    h.server.publish('chat:g', { n: 0 })
    const firstChat = h.server.publish('chat:g', { n: 0 })
    for (let n = 1; n <= 20; n++) h.server.publish('chat:g', { n })

    const rt = setup.createClient({ sendChannels: ['chat'] })
    const gaps: GapInfo[] = []
    const feed: number[] = []
    const chat: number[] = []
    rt.subscribe('feed', {
      lastEventId: first,
      onGap: (gap) => gaps.push(gap),
      onEvent: (d) => {
        feed.push(d.n)
        waiter.notify()
      },
    })
    rt.subscribe('chat', {
      key: 'g',
      lastEventId: firstChat,
      onGap: (gap) => gaps.push(gap),
      onEvent: (d) => {
        chat.push(d.n ?? -1)
        waiter.notify()
      },
    })
    await waiter.until(() => feed.length === 5 && chat.length === 5, 'the retained events')
    expect(feed).toEqual([16, 17, 18, 19, 20])
    expect(chat).toEqual([16, 17, 18, 19, 20])
    expect(gaps).toHaveLength(2)
    expect(gaps.find((g) => g.channel === 'feed')).toMatchObject({ from: first, reason: 'retention' })
    expect(gaps.find((g) => g.channel === 'chat:g')).toMatchObject({ from: firstChat, reason: 'retention' })
  })

  it('401 on SSE and close 4001 on WebSocket ask the token provider again, then connect', async () => {
    const h = await setup.startServer()
    const waiter = createWaiter()
    let calls = 0
    const token = (): string => `token-${++calls}`
    const rt = setup.createClient({ sendChannels: ['chat'], token })
    h.faults.unauthorizeNext(2) // the first SSE connect and the first hello
    const ticker = rt.subscribe('ticker', { onState: () => waiter.notify() })
    const chat = rt.subscribe('chat', { onState: () => waiter.notify() })
    await waiter.until(() => ticker.state === 'open' && chat.state === 'open', 'both open after re-asking for a token')
    expect(h.faults.stats().unauthorizedSent).toBe(2)
    expect(calls).toBeGreaterThanOrEqual(4)
  })

  it('a malformed SSE event or WebSocket frame is reported, and the channels go on', async () => {
    const h = await setup.startServer()
    const waiter = createWaiter()
    const rt = setup.createClient({ sendChannels: ['chat'] })
    const errors: string[] = []
    const got: number[] = []
    const opts = {
      onError: (e: SwitchlineError) => {
        errors.push(`${e.code}`)
        waiter.notify()
      },
      onEvent: (d: { n?: number }) => {
        got.push(d.n ?? -1)
        waiter.notify()
      },
      onState: () => waiter.notify(),
    }
    const ticker = rt.subscribe('ticker', opts)
    const chat = rt.subscribe('chat', opts)
    await waiter.until(() => ticker.state === 'open' && chat.state === 'open', 'both open')
    h.faults.injectMalformed('sse')
    h.faults.injectMalformed('ws')
    await waiter.until(() => errors.length >= 2, 'two malformed_frame errors')
    expect(errors).toEqual(['malformed_frame', 'malformed_frame'])
    h.server.publish('ticker', { n: 1 })
    h.server.publish('chat', { n: 2 })
    await waiter.until(() => got.length === 2, 'events after the malformed ones')
    expect(got.sort()).toEqual([1, 2])
  })

  it('the 65th channel on the SSE stream fails alone with too_many_channels; the 64 others stream', async () => {
    const h = await setup.startServer()
    const waiter = createWaiter()
    const rt = setup.createClient()
    const errors = new Map<number, SwitchlineError>()
    const subs = range(66).map((i) =>
      rt.subscribe('ticker', {
        key: `k${i}`,
        onState: () => waiter.notify(),
        onError: (error) => {
          errors.set(i, error)
          waiter.notify()
        },
      }),
    )
    await waiter.until(() => subs.every((s) => s.state === 'open' || s.state === 'closed'), 'every channel settled')
    expect(subs.filter((s) => s.state === 'open')).toHaveLength(64)
    expect([...errors.keys()]).toEqual([64, 65])
    expect(errors.get(64)).toMatchObject({ code: 'too_many_channels', fatal: true, channel: 'ticker:k64' })
    expect(subs[64]?.state).toBe('closed')
    expect(h.server.stats().sse.open).toBe(1)
    // a freed slot takes a new channel
    subs[0]?.close()
    const late = rt.subscribe('ticker', { key: 'late', onState: () => waiter.notify() })
    await waiter.until(() => late.state === 'open', 'the late channel open')
  })
})
