import { describe, expect, it } from 'vitest'
import { CLOSE_CODES, parseRetryAfterReason } from '@switchline/client/protocol'
import { createFaultInjector } from '../src/testing/index'
import {
  helloWs,
  installCleanup,
  openRawSse,
  openWs,
  postPublish,
  publishEach,
  startServer,
  subscribeWs,
} from './helpers'

installCleanup()

describe('R22: POST B/publish', () => {
  it('publishes and answers 200 {"eventId"}; subscribers get the event', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    const sub = await subscribeWs(wsUrl, 'chat:room')
    const res = await postPublish(baseUrl, { channel: 'chat:room', data: { text: 'yo' }, event: 'msg' })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ eventId: expect.stringMatching(new RegExp(`^${server.epoch}-\\d+$`)) })
    const [event] = await sub.waitFor((f) => f.type === 'event')
    expect(event).toEqual({
      type: 'event',
      channel: 'chat:room',
      id: res.json.eventId,
      data: { text: 'yo' },
      event: 'msg',
    })
  })

  it('one publish reaches every subscriber of both transports with the same text; a full log keeps delivering', async () => {
    const { baseUrl, wsUrl, server } = await startServer({ retention: { maxEvents: 3 } })
    const wss = await Promise.all([1, 2, 3].map(() => subscribeWs(wsUrl, 'ticker')))
    const sses = await Promise.all([1, 2].map(() => openRawSse(`${baseUrl}/sse?channels=ticker`)))
    for (const sse of sses) await sse.waitForEvents((e) => e.event === 'sl-ready')
    const ids = await publishEach(
      Array.from({ length: 10 }, (_, i) => i),
      (i) => server.publish('ticker', { i }, i === 9 ? { event: 'last' } : {}),
    )
    for (const ws of wss) await ws.waitFor((f) => f.type === 'event', 10)
    for (const sse of sses) await sse.waitForEvents((e) => e.event === 'message', 10)
    const texts = wss.map((ws) => ws.texts.filter((t) => t.includes('"type":"event"')))
    expect(texts[1]).toEqual(texts[0])
    expect(texts[2]).toEqual(texts[0])
    expect(texts[0]?.map((t) => (JSON.parse(t) as { id: string }).id)).toEqual(ids)
    expect(JSON.parse(texts[0]?.[9] ?? '')).toEqual({
      type: 'event',
      channel: 'ticker',
      id: ids[9],
      data: { i: 9 },
      event: 'last',
    })
    expect(sses[1]?.events.filter((e) => e.event === 'message')).toEqual(
      sses[0]?.events.filter((e) => e.event === 'message'),
    )
    expect(server.stats().eventsDelivered).toBe(50)
  })

  it('accepts application/json with parameters; refuses other content types with 415', async () => {
    const { baseUrl } = await startServer()
    expect(
      (await postPublish(baseUrl, { channel: 'chat', data: 1 }, { 'Content-Type': 'application/json; charset=utf-8' }))
        .status,
    ).toBe(200)
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp']) {
      const res = await postPublish(baseUrl, { channel: 'chat', data: 1 }, { 'Content-Type': type })
      expect(res.status, type).toBe(415)
      expect(res.json).toMatchObject({ code: 'unsupported_media_type', fatal: true })
    }
  })

  it('refuses a body over maxFrameBytes with 413', async () => {
    const { baseUrl, server } = await startServer({ maxFrameBytes: 256 })
    const res = await postPublish(baseUrl, { channel: 'chat', data: 'x'.repeat(300) })
    expect(res.status).toBe(413)
    expect(res.json).toMatchObject({ code: 'payload_too_large' })
    expect(server.stats().publishes).toBe(0)
    expect((await postPublish(baseUrl, { channel: 'chat', data: 'x'.repeat(100) })).status).toBe(200)
  })

  it('refuses a body that is not JSON or lacks fields with 400 bad_request', async () => {
    const { baseUrl } = await startServer()
    for (const body of [
      '{',
      '[]',
      '{"channel":"chat"}',
      '{"data":1}',
      '{"channel":1,"data":1}',
      '{"channel":"chat","data":1,"mid":5}',
    ]) {
      const res = await postPublish(baseUrl, body)
      expect(res.status, body).toBe(400)
      expect(res.json).toMatchObject({ code: 'bad_request', fatal: true })
    }
  })

  it('R3: an unknown channel answers 404 unknown_channel with the channel', async () => {
    const { baseUrl } = await startServer()
    const res = await postPublish(baseUrl, { channel: 'nope', data: 1 })
    expect(res.status).toBe(404)
    expect(res.json).toEqual({ code: 'unknown_channel', message: expect.any(String), channel: 'nope', fatal: true })
  })

  it('R4: a receive-only channel answers 405 send_not_allowed', async () => {
    const { baseUrl } = await startServer()
    const res = await postPublish(baseUrl, { channel: 'ticker', data: 1 })
    expect(res.status).toBe(405)
    expect(res.json).toMatchObject({ code: 'send_not_allowed', channel: 'ticker', fatal: true })
  })

  it('R22: a repeated mid on the same channel answers the original eventId without publishing again', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    const sub = await subscribeWs(wsUrl, 'chat')
    const first = await postPublish(baseUrl, { channel: 'chat', data: 'once', mid: 'm-1' })
    const again = await postPublish(baseUrl, { channel: 'chat', data: 'once', mid: 'm-1' })
    expect(again.json.eventId).toBe(first.json.eventId)
    const other = await postPublish(baseUrl, { channel: 'chat:b', data: 'same mid, other channel', mid: 'm-1' })
    expect(other.json.eventId).not.toBe(first.json.eventId)
    expect(server.stats().publishes).toBe(2)
    sub.send({ type: 'ping', id: 1 })
    await sub.waitFor((f) => f.type === 'pong')
    expect(sub.frames.filter((f) => f.type === 'event')).toHaveLength(1)
  })

  it('R22: the mid window is the last 1000 publishes of the channel', async () => {
    const { baseUrl, server } = await startServer()
    const first = await postPublish(baseUrl, { channel: 'chat', data: 0, mid: 'old' })
    for (let i = 0; i < 999; i++) await server.publish('chat', i)
    expect((await postPublish(baseUrl, { channel: 'chat', data: 0, mid: 'old' })).json.eventId).toBe(first.json.eventId)
    await server.publish('chat', 'one more')
    expect((await postPublish(baseUrl, { channel: 'chat', data: 0, mid: 'old' })).json.eventId).not.toBe(
      first.json.eventId,
    )
  })

  it('R22: WebSocket publish honours mid on the same path as HTTP (a send retried after a transport switch is delivered once)', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    const ws = await helloWs(wsUrl)
    ws.send({ type: 'publish', id: 1, channel: 'chat', data: 'x', mid: 'switch-1' })
    const [ack] = await ws.waitFor((f) => f.type === 'ack')
    const viaHttp = await postPublish(baseUrl, { channel: 'chat', data: 'x', mid: 'switch-1' })
    expect(viaHttp.json.eventId).toBe(ack?.eventId)
    const viaHttpFirst = await postPublish(baseUrl, { channel: 'chat', data: 'y', mid: 'switch-2' })
    ws.send({ type: 'publish', id: 2, channel: 'chat', data: 'y', mid: 'switch-2' })
    const acks = await ws.waitFor((f) => f.type === 'ack', 2)
    expect(acks[1]).toEqual({ type: 'ack', id: 2, eventId: viaHttpFirst.json.eventId })
    expect(server.stats().publishes).toBe(2)
  })

  it('server.publish throws UnknownChannelError for an unknown channel', async () => {
    const { server } = await startServer()
    await expect(async () => server.publish('nope', 1)).rejects.toThrowError(
      expect.objectContaining({ name: 'UnknownChannelError', code: 'unknown_channel' }),
    )
    await expect(async () => server.publish('chat:bad key!', 1)).rejects.toThrowError(
      expect.objectContaining({ code: 'unknown_channel' }),
    )
  })
})

describe('R24: Retry-After', () => {
  it('503 answers carry Retry-After in seconds (restart with downMs)', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    let now = 1_000
    const faults = createFaultInjector(server, { now: () => now })
    faults.restart({ keepLog: true, downMs: 2500 })
    const sse = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(sse.status).toBe(503)
    expect(sse.headers.get('retry-after')).toBe('3')
    expect(await sse.json()).toMatchObject({ code: 'unavailable', fatal: false })
    const pub = await postPublish(baseUrl, { channel: 'chat', data: 1 })
    expect(pub.status).toBe(503)
    expect(pub.headers.get('retry-after')).toBe('3')
    // WebSocket: a browser cannot read an upgrade's status, so the upgrade is accepted and closed 1013 with the
    // remaining ms in the reason, in the format the client parses (§7)
    const ws = openWs(wsUrl)
    await ws.opened
    const closed = await ws.closed
    expect(closed.code).toBe(CLOSE_CODES.try_again_later)
    expect(parseRetryAfterReason(closed.reason)).toBe(2500)
    now += 2500
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(200)
  })
})
