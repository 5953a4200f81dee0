/**
 * Issue 9 item 10, second half: one WebSocket carries at most 64 channels (R26, like SSE's R10), and channel-instance
 * logs are bounded server-wide (created by publishes only, forgotten once aged out, at most `maxChannelInstances`).
 * Both limits answer typed protocol errors.
 */
import { describe, expect, it } from 'vitest'
import { PROTOCOL_DEFAULTS } from '@switchline/client/protocol'
import { ChannelCapacityError } from '../src/index'
import { helloWs, installCleanup, openRawSse, postPublish, publishNow, startServer, waitFor } from './helpers'
import { createManualTimers } from './manual-timers'

installCleanup()

const MAX = PROTOCOL_DEFAULTS.maxChannelsPerStream

describe('R26: a WebSocket carries at most 64 channels', () => {
  it('10,000 subscribe frames on one unauthenticated socket: 64 subscribed, the rest refused, no log created', async () => {
    // a buffer large enough for 10,000 answers written in one burst: this test is about the channel limit
    const { wsUrl, server } = await startServer({ maxBufferedBytes: 16 * 1024 * 1024 })
    const client = await helloWs(wsUrl)
    const total = 10_000
    for (let i = 0; i < total; i++) client.send({ type: 'subscribe', id: i, channel: `chat:room-${i}` })
    await client.waitFor((f) => f.type === 'subscribed' || f.type === 'error', total, 20_000)
    const subscribed = client.frames.filter((f) => f.type === 'subscribed')
    const refused = client.frames.filter((f) => f.type === 'error')
    expect(subscribed.map((f) => f.id)).toEqual([...Array(MAX).keys()])
    expect(refused).toHaveLength(total - MAX)
    expect(refused[0]).toEqual({
      type: 'error',
      id: MAX,
      code: 'bad_request',
      channel: `chat:room-${MAX}`,
      fatal: true,
      message: `a WebSocket carries at most ${MAX} channels; unsubscribe one first`,
    })
    expect(Object.keys(server.stats().channels)).toHaveLength(MAX)
    expect(server.stats().channelInstances).toBe(0)

    // the socket is fine: a re-subscribe to a channel it has takes no new slot; an unsubscribe frees one
    client.send({ type: 'subscribe', id: 20_000, channel: 'chat:room-0' })
    await client.waitFor((f) => f.type === 'subscribed' && f.id === 20_000)
    client.send({ type: 'unsubscribe', id: 20_001, channel: 'chat:room-1' })
    client.send({ type: 'subscribe', id: 20_002, channel: 'chat:new' })
    await client.waitFor((f) => f.type === 'subscribed' && f.id === 20_002)
    publishNow(server, 'chat:new', 'hello')
    const [event] = await client.waitFor((f) => f.type === 'event')
    expect(event).toMatchObject({ channel: 'chat:new', data: 'hello' })
    client.ws.close()
    await waitFor(() => Object.keys(server.stats().channels).length === 0)
  })
})

describe('maxChannelInstances: channel-instance logs are bounded server-wide', () => {
  it('subscriptions create no log (SSE and WebSocket); only publishes do', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    const channels = Array.from({ length: MAX }, (_, i) => `chat:s${i}`)
    const sse = await openRawSse(`${baseUrl}/sse?channels=${channels.join(',')}`, {
      'Last-Event-ID': `${server.epoch}-0`,
    })
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const ws = await helloWs(wsUrl)
    channels.forEach((channel, id) => ws.send({ type: 'subscribe', id, channel, cursor: `${server.epoch}-0` }))
    await ws.waitFor((f) => f.type === 'subscribed', MAX)
    expect(server.stats().channelInstances).toBe(0)
    publishNow(server, 'chat:s1', 1)
    expect(server.stats().channelInstances).toBe(1)
  })

  it('over the cap a new instance is refused (publish() throws, HTTP 503 + Retry-After, WebSocket error) until one ages out', async () => {
    const clock = createManualTimers()
    const { baseUrl, wsUrl, server } = await startServer({
      maxChannelInstances: 2,
      retention: { maxAgeMs: 60_000 },
      timers: clock,
      now: clock.now,
    })
    publishNow(server, 'chat:a', 1)
    clock.advance(30_000)
    publishNow(server, 'chat:b', 1)
    expect(() => publishNow(server, 'chat:c', 1)).toThrow(ChannelCapacityError)

    const http = await postPublish(baseUrl, { channel: 'chat:c', data: 1 })
    expect(http.status).toBe(503)
    expect(http.json).toMatchObject({ code: 'unavailable', channel: 'chat:c', fatal: false })
    expect(http.headers.get('retry-after')).toBe('31') // chat:a ages out 30,001 ms from now

    const ws = await helloWs(wsUrl)
    ws.send({ type: 'publish', id: 1, channel: 'chat:c', data: 1 })
    const [error] = await ws.waitFor((f) => f.type === 'error')
    expect(error).toMatchObject({ id: 1, code: 'unavailable', channel: 'chat:c', fatal: false })

    // existing instances are not affected
    expect((await postPublish(baseUrl, { channel: 'chat:b', data: 2 })).status).toBe(200)
    clock.advance(30_001)
    expect((await postPublish(baseUrl, { channel: 'chat:c', data: 1 })).status).toBe(200)
    expect(server.stats().channelInstances).toBe(2)
  })

  it('without cap pressure, aged-out instances are forgotten; their old cursors still get a gap (R7)', async () => {
    const clock = createManualTimers()
    const { baseUrl, server } = await startServer({ retention: { maxAgeMs: 60_000 }, timers: clock, now: clock.now })
    const cursor = publishNow(server, 'chat:0', 0)
    for (let i = 0; i < 1000; i++) publishNow(server, `chat:${i}`, i)
    expect(server.stats().channelInstances).toBe(1000)
    clock.advance(60_001)
    publishNow(server, 'ticker', 'tick')
    expect(server.stats().channelInstances).toBe(1)
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat:0`, { 'Last-Event-ID': cursor })
    const [gap] = await sse.waitForEvents((e) => e.event === 'sl-gap')
    expect(JSON.parse(gap?.data ?? '')).toEqual({ channel: 'chat:0', from: cursor, to: null, reason: 'retention' })
  })

  it('rejects a bad maxChannelInstances; Infinity turns the cap off', async () => {
    await expect(startServer({ maxChannelInstances: 0 })).rejects.toThrow(/maxChannelInstances/)
    await expect(startServer({ maxChannelInstances: 1.5 })).rejects.toThrow(/maxChannelInstances/)
    const { server } = await startServer({ maxChannelInstances: Infinity })
    for (let i = 0; i < 20_000; i++) publishNow(server, `chat:${i}`, i)
    expect(server.stats().channelInstances).toBe(20_000)
  })
})
