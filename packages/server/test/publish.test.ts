import { describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '@switchline/client/protocol'
import { ForbiddenError, UnauthorizedError, type AuthorizeRequest } from '../src/index'
import { createFaultInjector } from '../src/testing/index'
import { helloWs, installCleanup, openRawSse, openWs, postPublish, startServer, subscribeWs } from './helpers'

installCleanup()

describe('R22: POST B/publish', () => {
  it('publishes and answers 200 {"eventId"}; subscribers get the event', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    const sub = await subscribeWs(wsUrl, 'chat:room')
    const res = await postPublish(baseUrl, { channel: 'chat:room', data: { text: 'yo' }, event: 'msg' })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ eventId: expect.stringMatching(new RegExp(`^${server.epoch}-\\d+$`)) })
    const [event] = await sub.waitFor((f) => f.type === 'event')
    expect(event).toEqual({ type: 'event', channel: 'chat:room', id: res.json.eventId, data: { text: 'yo' }, event: 'msg' })
  })

  it('accepts application/json with parameters; refuses other content types with 415', async () => {
    const { baseUrl } = await startServer()
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 }, { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200)
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
    for (const body of ['{', '[]', '{"channel":"chat"}', '{"data":1}', '{"channel":1,"data":1}', '{"channel":"chat","data":1,"mid":5}']) {
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
    for (let i = 0; i < 999; i++) server.publish('chat', i)
    expect((await postPublish(baseUrl, { channel: 'chat', data: 0, mid: 'old' })).json.eventId).toBe(first.json.eventId)
    server.publish('chat', 'one more')
    expect((await postPublish(baseUrl, { channel: 'chat', data: 0, mid: 'old' })).json.eventId).not.toBe(first.json.eventId)
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
    expect(() => server.publish('nope', 1)).toThrowError(expect.objectContaining({ name: 'UnknownChannelError', code: 'unknown_channel' }))
    expect(() => server.publish('chat:bad key!', 1)).toThrowError(expect.objectContaining({ code: 'unknown_channel' }))
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
    const ws = openWs(wsUrl)
    const refused = await ws.refused
    expect(refused.status).toBe(503)
    now += 2500
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(200)
  })
})

describe('R25: authorize', () => {
  const policy = (calls: Omit<AuthorizeRequest, 'request'>[]) => ({ token, channel, op }: AuthorizeRequest): boolean => {
    calls.push({ token, channel, op })
    if (token === undefined) throw new UnauthorizedError()
    if (token === 'throw-forbidden') throw new ForbiddenError()
    if (op === 'connect') return token !== 'banned'
    return channel !== 'chat:private'
  }

  it('is asked connect, subscribe and publish with the token (SSE via Authorization: Bearer)', async () => {
    const calls: Omit<AuthorizeRequest, 'request'>[] = []
    const { baseUrl } = await startServer({ authorize: policy(calls) })
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat:a,chat:private`, { Authorization: 'Bearer t1' })
    const [err] = await sse.waitForEvents((e) => e.event === 'sl-error')
    expect(JSON.parse(err?.data ?? '')).toMatchObject({ code: 'forbidden', channel: 'chat:private', fatal: true })
    await postPublish(baseUrl, { channel: 'chat:a', data: 1 }, { Authorization: 'Bearer t1' })
    expect(calls).toEqual([
      { token: 't1', channel: undefined, op: 'connect' },
      { token: 't1', channel: 'chat:a', op: 'subscribe' },
      { token: 't1', channel: 'chat:private', op: 'subscribe' },
      { token: 't1', channel: 'chat:a', op: 'publish' },
    ])
  })

  it('false gives forbidden (403), UnauthorizedError gives 401, over SSE and publish', async () => {
    const { baseUrl } = await startServer({ authorize: policy([]) })
    const anon = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(anon.status).toBe(401)
    expect(await anon.json()).toMatchObject({ code: 'unauthorized', fatal: false })
    const banned = await fetch(`${baseUrl}/sse?channels=chat`, { headers: { Authorization: 'Bearer banned' } })
    expect(banned.status).toBe(403)
    expect(await banned.json()).toMatchObject({ code: 'forbidden', fatal: true })
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 })).status).toBe(401)
    const denied = await postPublish(baseUrl, { channel: 'chat:private', data: 1 }, { Authorization: 'Bearer t' })
    expect(denied.status).toBe(403)
    expect(denied.json).toMatchObject({ code: 'forbidden', channel: 'chat:private' })
    const thrown = await postPublish(baseUrl, { channel: 'chat', data: 1 }, { Authorization: 'Bearer throw-forbidden' })
    expect(thrown.status).toBe(403)
  })

  it('over WebSocket: missing token closes 4001, connect denied closes 4003, channel denied is an error frame', async () => {
    const { wsUrl } = await startServer({ authorize: policy([]) })
    const anon = openWs(wsUrl)
    await anon.opened
    anon.send({ type: 'hello' })
    expect((await anon.closed).code).toBe(CLOSE_CODES.unauthorized)
    const banned = openWs(wsUrl)
    await banned.opened
    banned.send({ type: 'hello', token: 'banned' })
    expect((await banned.closed).code).toBe(CLOSE_CODES.forbidden)
    const ok = await helloWs(wsUrl, 'tok')
    ok.send({ type: 'subscribe', id: 1, channel: 'chat:private' })
    ok.send({ type: 'publish', id: 2, channel: 'chat:private', data: 1 })
    const errors = await ok.waitFor((f) => f.type === 'error', 2)
    expect(errors).toEqual([
      { type: 'error', id: 1, code: 'forbidden', message: expect.any(String), channel: 'chat:private', fatal: true },
      { type: 'error', id: 2, code: 'forbidden', message: expect.any(String), channel: 'chat:private', fatal: true },
    ])
  })

  it('over WebSocket: hello without token falls back to authenticate(upgrade request)', async () => {
    const { wsUrl } = await startServer({
      authenticate: (req) => (req.headers.cookie === 'session=abc' ? 'from-cookie' : undefined),
      authorize: ({ token }) => token === 'from-cookie',
    })
    const { WebSocket } = await import('ws')
    const ws = new WebSocket(wsUrl, ['switchline.v1'], { headers: { Cookie: 'session=abc' } })
    const welcome = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })))
      ws.on('message', (data) => resolve(data.toString()))
      ws.on('close', (code) => reject(new Error(`closed ${code}`)))
    })
    expect(JSON.parse(welcome)).toMatchObject({ type: 'welcome' })
    ws.terminate()
  })

  it('a throwing authorize (not UnauthorizedError) answers 500 internal', async () => {
    const { baseUrl } = await startServer({
      authorize: () => {
        throw new Error('db down')
      },
    })
    const res = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({ code: 'internal', fatal: false })
  })
})
