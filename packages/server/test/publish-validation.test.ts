/**
 * Issue 9 item 9: a publish that cannot be sent is refused before it gets an id (thrown from `publish()`, `400` /
 * `413` over HTTP, an `error` frame over WebSocket) and never stored; a replay that still meets an unencodable event
 * (one that never went through a publish check) skips and reports it instead of ending the stream.
 */
import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { SUBPROTOCOL, parseEventId, type Json } from '@switchline/client/protocol'
import { InvalidEventError, SwitchlineServerError } from '../src/index'
import { resolveOptions } from '../src/options'
import { createServerCore } from '../src/server-core'
import { handleSse } from '../src/sse-handler'
import { startWsConnection } from '../src/ws-connection'
import {
  channelEvents,
  helloWs,
  installCleanup,
  listenHttp,
  openEventSource,
  openRawSse,
  postPublish,
  recordingLogger,
  publishNow,
  startServer,
  subscribeWs,
  waitFor,
} from './helpers'

installCleanup()

const isChannelEvent = (e: { event: string }): boolean => e.event === 'message'
const seqOf = (id: string): number => parseEventId(id)?.seq ?? Number.NaN

/** Values JSON.stringify cannot turn into text: each would reach clients as a malformed frame, or kill a replay. */
const cyclic: Record<string, unknown> = {}
cyclic.self = cyclic
const UNSENDABLE: [string, unknown][] = [
  ['a BigInt inside an object', { n: 10n }],
  ['undefined', undefined],
  ['a function', () => 1],
  ['a symbol', Symbol('s')],
  ['a cycle', cyclic],
  [
    'a toJSON that throws',
    {
      toJSON: () => {
        throw new Error('nope')
      },
    },
  ],
]

describe('publish() refuses what cannot be sent, before an id is assigned', () => {
  it.each(UNSENDABLE)('%s: throws InvalidEventError (bad_request), stores nothing, uses up no id', async (_, data) => {
    const { server } = await startServer()
    const before = publishNow(server, 'ticker', 1)
    let thrown: unknown
    try {
      publishNow(server, 'ticker', data as Json)
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(InvalidEventError)
    expect(thrown).toBeInstanceOf(SwitchlineServerError)
    expect(thrown).toMatchObject({
      name: 'InvalidEventError',
      code: 'bad_request',
      channel: 'ticker',
      fatal: true,
      status: 400,
    })
    const after = publishNow(server, 'ticker', 2)
    expect(seqOf(after)).toBe(seqOf(before) + 1)
    expect(server.stats().publishes).toBe(2)
  })

  it('a non-string event name or mid is refused with bad_request', async () => {
    const { server } = await startServer()
    expect(() => publishNow(server, 'ticker', 1, { event: 5 as never })).toThrow(/event must be a string/)
    expect(() => publishNow(server, 'ticker', 1, { mid: {} as never })).toThrow(/mid must be a string/)
    expect(server.stats().publishes).toBe(0)
  })

  it('an event too large for a connection buffer is refused with payload_too_large (it could never be delivered)', async () => {
    const { server } = await startServer({ maxBufferedBytes: 4096 })
    expect(() => publishNow(server, 'ticker', 'x'.repeat(5000))).toThrow(
      expect.objectContaining({ code: 'payload_too_large', status: 413 }),
    )
    expect(() => publishNow(server, 'ticker', 'x'.repeat(3000))).not.toThrow()
    expect(server.stats().publishes).toBe(1)
  })

  it('NaN and nested undefined follow JSON.stringify (null / left out), as every JSON API does', async () => {
    const { server, baseUrl } = await startServer()
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    publishNow(server, 'ticker', { a: Number.NaN, b: undefined, c: [undefined] } as unknown as Json)
    await sse.waitForEvents(isChannelEvent)
    expect(channelEvents(sse.events)[0]?.data).toEqual({ a: null, c: [null] })
  })

  it('what is sent is the data as published: changing the object afterwards changes nothing, even on replay', async () => {
    const { server, baseUrl } = await startServer()
    const cursor = publishNow(server, 'ticker', 0)
    const data: Record<string, unknown> = { n: 1 }
    publishNow(server, 'ticker', data as Json)
    data.n = 10n // would throw at encode time if the event were encoded lazily, on replay
    const sse = await openRawSse(`${baseUrl}/sse?channels=ticker`, { 'Last-Event-ID': cursor })
    await sse.waitForEvents(isChannelEvent)
    expect(channelEvents(sse.events).map((e) => e.data)).toEqual([{ n: 1 }])
  })
})

describe('the issue scenario: a bad publish while a client is away, then its resume', () => {
  it('SSE (eventsource): the resume replays the good events and stays live', async () => {
    const { server, baseUrl } = await startServer()
    const first = openEventSource(`${baseUrl}/sse?channels=ticker`)
    await waitFor(() => first.received.some((e) => e.type === 'sl-ready'))
    const seen = publishNow(server, 'ticker', { n: 1 })
    await waitFor(() => first.received.some((e) => e.type === 'message'))
    first.es.close()
    await waitFor(() => server.stats().sse.open === 0)

    expect(() => publishNow(server, 'ticker', { n: 10n } as unknown as Json)).toThrow(InvalidEventError)
    expect(() => publishNow(server, 'ticker', undefined as unknown as Json)).toThrow(InvalidEventError)
    const missed = publishNow(server, 'ticker', { n: 2 })

    const again = openEventSource(`${baseUrl}/sse?channels=ticker`, { headers: { 'Last-Event-ID': seen } })
    await waitFor(() => again.received.some((e) => e.type === 'message'))
    const live = publishNow(server, 'ticker', { n: 3 })
    await waitFor(() => again.received.filter((e) => e.type === 'message').length === 2)
    expect(
      again.received.filter((e) => e.type === 'message').map((e) => [e.lastEventId, JSON.parse(e.data).data]),
    ).toEqual([
      [missed, { n: 2 }],
      [live, { n: 3 }],
    ])
    expect(again.received.some((e) => e.type === 'sl-gap' || e.type === 'sl-error')).toBe(false)
    expect(server.stats().sse.open).toBe(1)
  })

  it('WebSocket (ws): the resume replays the good events and stays live', async () => {
    const { server, wsUrl } = await startServer()
    const cursor = publishNow(server, 'chat', 'seen')
    expect(() => publishNow(server, 'chat', { n: 10n } as unknown as Json)).toThrow(InvalidEventError)
    const missed = publishNow(server, 'chat', 'missed')
    const client = await subscribeWs(wsUrl, 'chat', cursor)
    await client.waitFor((f) => f.type === 'event')
    const live = publishNow(server, 'chat', 'live')
    const events = await client.waitFor((f) => f.type === 'event', 2)
    expect(events.map((f) => [f.id, f.data])).toEqual([
      [missed, 'missed'],
      [live, 'live'],
    ])
  })
})

describe('client publishes: refused with a typed protocol error, nothing stored', () => {
  it('HTTP: no data → 400 bad_request; too large for a connection buffer → 413 payload_too_large; no id used', async () => {
    const { server, baseUrl } = await startServer({ maxBufferedBytes: 4096 })
    const before = publishNow(server, 'chat', 0)
    const missing = await postPublish(baseUrl, { channel: 'chat' })
    expect(missing.status).toBe(400)
    expect(missing.json).toMatchObject({ code: 'bad_request' })
    const big = await postPublish(baseUrl, { channel: 'chat', data: 'x'.repeat(5000) })
    expect(big.status).toBe(413)
    expect(big.json).toMatchObject({ code: 'payload_too_large', channel: 'chat' })
    const ok = await postPublish(baseUrl, { channel: 'chat', data: 1 })
    expect(ok.status).toBe(200)
    expect(seqOf(ok.json.eventId as string)).toBe(seqOf(before) + 1)
  })

  it('WebSocket: an error frame with the publish id; the socket stays open', async () => {
    const { server, wsUrl } = await startServer({ maxBufferedBytes: 4096 })
    const client = await helloWs(wsUrl)
    client.send({ type: 'publish', id: 7, channel: 'chat', data: 'x'.repeat(5000) })
    const [error] = await client.waitFor((f) => f.type === 'error')
    expect(error).toMatchObject({ type: 'error', id: 7, code: 'payload_too_large', channel: 'chat', fatal: true })
    client.send({ type: 'publish', id: 8, channel: 'chat', data: 'small' })
    const [ack] = await client.waitFor((f) => f.type === 'ack')
    expect(ack).toMatchObject({ id: 8 })
    expect(server.stats().publishes).toBe(1)
  })
})

describe('a replay that meets an event that cannot be encoded skips and reports it', () => {
  /** A server core whose log holds an event that never went through the publish check (as another engine might). */
  function coreWithBadEntry() {
    const { logger, lines } = recordingLogger()
    const core = createServerCore(resolveOptions({ channels: { ticker: { send: false } }, logger }))
    // The engine's own append skips the server's publish check: the bad entry gets in as from a foreign writer.
    const raw = (data: Json): string => {
      const result = core.engine.append({ channel: 'ticker', data, event: undefined, mid: undefined })
      if (result instanceof Promise) throw new Error('this test runs on the in-memory engine')
      return result.id
    }
    const cursor = raw(0)
    const bad = raw({ n: 10n } as unknown as Json)
    const good = core.append('ticker', 2, { source: 'server' }) as string
    return { core, lines, cursor, bad, good }
  }

  it('SSE: the client gets a non-fatal sl-error for that event and the rest; the operator gets one log line', async () => {
    const { core, lines, cursor, bad, good } = coreWithBadEntry()
    const origin = await listenHttp(createServer((req, res) => void handleSse(core, req, res)))
    const sse = await openRawSse(`${origin}/sse?channels=ticker`, { 'Last-Event-ID': cursor })
    await sse.waitForEvents(isChannelEvent)
    const live = core.append('ticker', 3, { source: 'server' }) as string
    await sse.waitForEvents(isChannelEvent, 2)
    expect(sse.isEnded()).toBe(false)
    expect(channelEvents(sse.events).map((e) => e.id)).toEqual([good, live])
    const errors = sse.events.filter((e) => e.event === 'sl-error').map((e) => JSON.parse(e.data))
    expect(errors).toEqual([
      {
        code: 'internal',
        message: `event ${bad} could not be encoded and was skipped`,
        channel: 'ticker',
        fatal: false,
      },
    ])
    // A second stream meets it too; it is logged once.
    const second = await openRawSse(`${origin}/sse?channels=ticker`, { 'Last-Event-ID': cursor })
    await second.waitForEvents(isChannelEvent)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'error', details: { channel: 'ticker', eventId: bad } })
  })

  it('WebSocket: a non-fatal error frame for that event, then the rest', async () => {
    const { core, cursor, bad, good } = coreWithBadEntry()
    const wss = new WebSocketServer({ noServer: true, handleProtocols: () => SUBPROTOCOL })
    const http = createServer()
    http.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => startWsConnection(core, ws, req)),
    )
    const origin = await listenHttp(http)
    const client = await subscribeWs(`${origin.replace('http', 'ws')}/ws`, 'ticker', cursor)
    await client.waitFor((f) => f.type === 'event')
    expect(client.frames.filter((f) => f.type === 'error' || f.type === 'event')).toEqual([
      {
        type: 'error',
        code: 'internal',
        message: `event ${bad} could not be encoded and was skipped`,
        channel: 'ticker',
        fatal: false,
      },
      { type: 'event', channel: 'ticker', id: good, data: 2 },
    ])
    client.ws.close()
    await client.closed
    wss.close()
  })
})
