import { request as httpRequest, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { PROTOCOL_DEFAULTS } from '@switchline/client/protocol'
import { UnauthorizedError } from '../src/index'
import { createFaultInjector } from '../src/testing/index'
import { channelEvents, installCleanup, onCleanup, openEventSource, openRawSse, startServer, waitFor } from './helpers'
import { createManualTimers } from './manual-timers'

installCleanup()

const isChannelEvent = (e: { event: string }): boolean => e.event === 'message'

describe('SSE endpoint', () => {
  it('R10: missing, empty or over-long channels list answers 400 bad_request', async () => {
    const { baseUrl } = await startServer()
    const tooMany = Array.from({ length: PROTOCOL_DEFAULTS.maxChannelsPerStream + 1 }, (_, i) => `chat:r${i}`).join(',')
    for (const query of ['', '?channels=', '?channels=,,', `?channels=${tooMany}`]) {
      const res = await fetch(`${baseUrl}/sse${query}`)
      expect(res.status, query).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'bad_request', fatal: true })
    }
    const ok = await fetch(`${baseUrl}/sse?channels=${tooMany.split(',').slice(1).join(',')}`)
    expect(ok.status).toBe(200)
    await ok.body?.cancel()
  })

  it('R11: 200 with SSE headers, then retry: and sl-ready first', async () => {
    const { baseUrl, server } = await startServer({ retryMs: 1234, heartbeatMs: 60_000 })
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,chat:room-a`)
    expect(sse.response.status).toBe(200)
    expect(sse.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(sse.response.headers.get('cache-control')).toBe('no-cache')
    expect(sse.response.headers.get('x-accel-buffering')).toBe('no')
    const [ready] = await sse.waitForEvents(() => true)
    expect(sse.raw().startsWith('retry: 1234\n\n')).toBe(true)
    expect(ready?.event).toBe('sl-ready')
    expect(JSON.parse(ready?.data ?? '')).toEqual({
      epoch: server.epoch,
      heartbeatMs: 60_000,
      channels: ['ticker', 'chat:room-a'],
      cursor: `${server.epoch}-0`,
    })
  })

  it('R11: default retry is 1000 ms', async () => {
    const { baseUrl } = await startServer()
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    expect(sse.raw().startsWith(`retry: ${PROTOCOL_DEFAULTS.retryMs}\n\n`)).toBe(true)
  })

  it('R12: unknown and forbidden channels get one fatal sl-error each and are left out; the stream lives', async () => {
    const { baseUrl, server } = await startServer({
      authorize: ({ channel, op }) => !(op === 'subscribe' && channel === 'chat:secret'),
    })
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,nope,bad%20id,chat:secret`)
    const errors = await sse.waitForEvents((e) => e.event === 'sl-error', 3)
    expect(errors.map((e) => JSON.parse(e.data))).toEqual([
      { code: 'unknown_channel', message: expect.any(String), channel: 'nope', fatal: true },
      { code: 'unknown_channel', message: expect.any(String), channel: 'bad id', fatal: true },
      { code: 'forbidden', message: expect.any(String), channel: 'chat:secret', fatal: true },
    ])
    const ready = sse.events.find((e) => e.event === 'sl-ready')
    expect(JSON.parse(ready?.data ?? '').channels).toEqual(['ticker'])
    await server.publish('ticker', { p: 1 })
    await server.publish('chat:secret', 'hidden')
    await server.publish('ticker', { p: 2 })
    await sse.waitForEvents(isChannelEvent, 2)
    expect(channelEvents(sse.events).map((e) => e.data)).toEqual([{ p: 1 }, { p: 2 }])
  })

  it('R12: the start of one stream is retry:, sl-ready, sl-error per refused channel, sl-gap, replay, live', async () => {
    const { baseUrl, server } = await startServer({
      retention: { maxEvents: 2 },
      authorize: ({ channel, op }) => !(op === 'subscribe' && channel === 'chat:secret'),
    })
    const cursor = await server.publish('ticker', 0)
    await server.publish('ticker', 1) // evicted below: the cursor gets a retention gap
    const t2 = await server.publish('ticker', 2)
    const x = await server.publish('chat:x', 'x')
    const t3 = await server.publish('ticker', 3)
    const head = await server.publish('clock', 'not subscribed')
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,nope,chat:secret,chat:x`, { 'Last-Event-ID': cursor })
    await sse.waitForEvents(isChannelEvent, 3)
    const live = await server.publish('chat:x', 'live')
    await sse.waitForEvents(isChannelEvent, 4)
    expect(sse.raw().startsWith('retry: 1000\n\n')).toBe(true)
    expect(sse.events.map((e) => [e.event, e.id, JSON.parse(e.data)])).toEqual([
      [
        'sl-ready',
        undefined,
        { epoch: server.epoch, heartbeatMs: 15_000, channels: ['ticker', 'chat:x'], cursor: head },
      ],
      ['sl-error', undefined, { code: 'unknown_channel', message: expect.any(String), channel: 'nope', fatal: true }],
      ['sl-error', undefined, { code: 'forbidden', message: expect.any(String), channel: 'chat:secret', fatal: true }],
      ['sl-gap', undefined, { channel: 'ticker', from: cursor, to: t2, reason: 'retention' }],
      ['message', t2, { channel: 'ticker', data: 2 }],
      ['message', x, { channel: 'chat:x', data: 'x' }],
      ['message', t3, { channel: 'ticker', data: 3 }],
      ['message', live, { channel: 'chat:x', data: 'live' }],
    ])
  })

  it('§5: channel events are default message events with id and {"channel","data","event"?} envelope', async () => {
    const { baseUrl, server } = await startServer()
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat:a`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const id1 = await server.publish('chat:a', { text: 'hi' })
    const id2 = await server.publish('chat:a', [1, 'two'], { event: 'typing' })
    await sse.waitForEvents(isChannelEvent, 2)
    expect(sse.raw()).toContain(`id: ${id1}\ndata: {"channel":"chat:a","data":{"text":"hi"}}\n\n`)
    expect(sse.raw()).toContain(`id: ${id2}\ndata: {"channel":"chat:a","data":[1,"two"],"event":"typing"}\n\n`)
  })

  it('R13: sl-heartbeat events every heartbeatMs, observable by an eventsource client', async () => {
    const clock = createManualTimers()
    const { baseUrl } = await startServer({ heartbeatMs: 40, timers: clock, now: clock.now })
    const { received } = openEventSource(`${baseUrl}/sse?channels=ticker`)
    await waitFor(() => received.some((e) => e.type === 'sl-ready'))
    const beats = () => received.filter((e) => e.type === 'sl-heartbeat')
    const start = clock.now()
    clock.advance(39)
    for (let n = 1; n <= 3; n++) {
      clock.advance(n === 1 ? 1 : 40)
      await waitFor(() => beats().length === n, { what: `heartbeat ${n}` })
    }
    expect(beats().map((e) => JSON.parse(e.data))).toEqual([{ t: start + 40 }, { t: start + 80 }, { t: start + 120 }])
  })

  it('R13: heartbeat t comes from the injected clock', async () => {
    const clock = createManualTimers()
    const { baseUrl } = await startServer({ heartbeatMs: 30, timers: clock, now: () => 42_000 })
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    clock.advance(30)
    const [beat] = await sse.waitForEvents((e) => e.event === 'sl-heartbeat')
    expect(JSON.parse(beat?.data ?? '')).toEqual({ t: 42_000 })
  })

  it('R14: control events never carry an id, so they never move the cursor', async () => {
    const requests: (string | undefined)[] = []
    const clock = createManualTimers()
    const { baseUrl, server } = await startServer({
      heartbeatMs: 30,
      timers: clock,
      now: clock.now,
      retryMs: 10,
      authenticate: (req) => {
        requests.push(req.headers['last-event-id'] as string | undefined)
        return undefined
      },
    })
    const { received } = openEventSource(`${baseUrl}/sse?channels=ticker,nope&lastEventId=zzz-1`)
    await waitFor(() => received.some((e) => e.type === 'sl-ready'))
    const id = await server.publish('ticker', 1)
    clock.advance(60) // two heartbeats after the channel event
    await waitFor(
      () =>
        received.filter((e) => e.type === 'sl-heartbeat').length === 2 && received.some((e) => e.type === 'message'),
    )
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker,nope&lastEventId=zzz-1`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    clock.advance(30)
    await sse.waitForEvents((e) => e.event === 'sl-heartbeat')
    for (const e of sse.events.filter((x) => x.event.startsWith('sl-'))) expect(e.id).toBeUndefined()
    expect(sse.events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['sl-ready', 'sl-error', 'sl-gap', 'sl-heartbeat']),
    )
    // after heartbeats, the eventsource client reconnects with the channel event's id as Last-Event-ID
    createFaultInjector(server).drop('sse')
    // requests: eventsource, the raw stream above, then eventsource's reconnect
    await waitFor(() => requests.length >= 3, { timeoutMs: 3000 })
    expect(requests).toEqual([undefined, undefined, id])
  })

  it('R15: a consumer whose buffer exceeds maxBufferedBytes gets sl-error slow_consumer (fatal: false) and is closed', async () => {
    const { baseUrl, server } = await startServer({
      maxBufferedBytes: 64 * 1024,
      retention: { maxEvents: 10 },
      heartbeatMs: 60_000,
    })
    const req = httpRequest(`${baseUrl}/sse?channels=ticker`)
    req.end()
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    onCleanup(() => res.destroy())
    res.pause() // a consumer that stops reading
    await waitFor(() => server.stats().channels.ticker === 1)
    const blob = 'x'.repeat(32 * 1024)
    for (let i = 0; i < 2000 && server.stats().sse.open > 0; i++) await server.publish('ticker', { i, blob })
    expect(server.stats().sse.open).toBe(0)
    expect(server.stats().channels.ticker).toBeUndefined()
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => (text += chunk))
    res.resume()
    await once(res, 'end')
    const tail = text.trimEnd().split('\n\n').at(-1) ?? ''
    expect(tail.split('\n')[0]).toBe('event: sl-error')
    expect(JSON.parse(tail.split('\n')[1]?.slice('data: '.length) ?? '')).toMatchObject({
      code: 'slow_consumer',
      fatal: false,
    })
  })

  // R23 itself — stopStreams() answers 204 and an `eventsource` client stops for good — is tested in
  // faults.test.ts ('R23: stopStreams(): …'), where the fault that makes the server want the client to stop lives.
  it('R23: a normal stream never answers 204 (only the stopStreams fault does)', async () => {
    const { baseUrl } = await startServer()
    const res = await fetch(`${baseUrl}/sse?channels=ticker`)
    expect(res.status).toBe(200)
    await res.body?.cancel()
  })

  it('§8: an eventsource client sends Authorization through its fetch option; a missing token answers 401', async () => {
    const { baseUrl, server } = await startServer({
      authorize: ({ token }) => {
        if (token !== 'good') throw new UnauthorizedError()
        return true
      },
    })
    const authed = openEventSource(`${baseUrl}/sse?channels=chat:a`, { headers: { Authorization: 'Bearer good' } })
    await waitFor(() => authed.received.some((e) => e.type === 'sl-ready'))
    await server.publish('chat:a', 'hello')
    await waitFor(() => authed.received.some((e) => e.type === 'message'))
    const anon = openEventSource(`${baseUrl}/sse?channels=chat:a`)
    await waitFor(() => anon.errors.length > 0)
    expect(anon.errors[0]?.code).toBe(401)
    const res = await fetch(`${baseUrl}/sse?channels=chat:a`)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'unauthorized', fatal: false })
  })
})
