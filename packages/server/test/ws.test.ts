import { describe, expect, it } from 'vitest'
import { CLOSE_CODES, PROTOCOL_DEFAULTS, decodeServerFrame } from '@switchline/client/protocol'
import { UnauthorizedError } from '../src/index'
import { helloWs, installCleanup, openWs, startServer, subscribeWs, waitFor } from './helpers'
import { createManualTimers } from './manual-timers'

installCleanup()

const isEvent = (f: Record<string, unknown>): boolean => f.type === 'event'

describe('WebSocket endpoint', () => {
  it('R2: an upgrade without subprotocol switchline.v1 is refused with 400 unsupported_protocol', async () => {
    const { wsUrl, server } = await startServer()
    for (const protocols of [[], ['graphql-ws']]) {
      const client = openWs(wsUrl, { protocols })
      const refused = await client.refused
      expect(refused.status).toBe(400)
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'unsupported_protocol', fatal: true })
    }
    expect(server.stats().ws).toMatchObject({ accepted: 0, upgradesRefused: 2 })
    const ok = openWs(wsUrl, { protocols: ['other', 'switchline.v1'] })
    await ok.opened
    expect(ok.ws.protocol).toBe('switchline.v1')
  })

  it('§6: hello is answered with welcome {epoch, idleTimeoutMs, maxFrameBytes}', async () => {
    const { wsUrl, server } = await startServer()
    const client = await helloWs(wsUrl)
    const welcome = client.frames[0] ?? {}
    expect(welcome).toEqual({
      type: 'welcome',
      epoch: server.epoch,
      idleTimeoutMs: PROTOCOL_DEFAULTS.idleTimeoutMs,
      maxFrameBytes: PROTOCOL_DEFAULTS.maxFrameBytes,
    })
    expect(decodeServerFrame(client.texts[0] ?? '').ok).toBe(true)
  })

  it('R16: no hello within helloTimeoutMs closes with 4008', async () => {
    const clock = createManualTimers()
    const { wsUrl, server } = await startServer({ helloTimeoutMs: 60, timers: clock, now: clock.now })
    const client = openWs(wsUrl)
    await client.opened
    await waitFor(() => server.stats().ws.open === 1)
    clock.advance(59)
    expect(server.stats().ws.open).toBe(1)
    clock.advance(1)
    expect(server.stats().ws.open).toBe(0)
    expect((await client.closed).code).toBe(CLOSE_CODES.hello_timeout)
  })

  it('R16: a first frame that is not hello is a protocol violation: fatal close 4000', async () => {
    const { wsUrl } = await startServer()
    const client = openWs(wsUrl)
    await client.opened
    client.send({ type: 'ping', id: 1 })
    expect((await client.closed).code).toBe(CLOSE_CODES.bad_frame)
    expect(client.frames).toEqual([])
  })

  it('R16: the token travels in hello, not in the URL', async () => {
    const seen: (string | undefined)[] = []
    const { wsUrl } = await startServer({
      authorize: ({ token, op }) => {
        if (op === 'connect') seen.push(token)
        if (token !== 'secret') throw new UnauthorizedError()
        return true
      },
    })
    await helloWs(wsUrl, 'secret')
    const anon = openWs(wsUrl)
    await anon.opened
    anon.send({ type: 'hello' })
    expect((await anon.closed).code).toBe(CLOSE_CODES.unauthorized)
    expect(seen).toEqual(['secret', undefined])
  })

  it('R17: a frame that is not JSON, of unknown type, lacking a field, or binary closes with 4000', async () => {
    const { wsUrl } = await startServer()
    const bad: (string | Buffer)[] = [
      'not json',
      '[]',
      JSON.stringify({ type: 'nope' }),
      JSON.stringify({ type: 'subscribe', id: 1 }),
      JSON.stringify({ type: 'publish', id: 'x', channel: 'chat', data: 1 }),
      Buffer.from([1, 2, 3]),
    ]
    for (const frame of bad) {
      const client = await helloWs(wsUrl)
      client.ws.send(frame)
      const closed = await client.closed
      expect(closed.code, String(frame)).toBe(CLOSE_CODES.bad_frame)
    }
  })

  it('R17: malformed frames close with 4000 even before hello', async () => {
    const { wsUrl } = await startServer()
    const client = openWs(wsUrl)
    await client.opened
    client.ws.send('{')
    expect((await client.closed).code).toBe(CLOSE_CODES.bad_frame)
  })

  it('R18: a frame larger than maxFrameBytes closes with 1009', async () => {
    const { wsUrl } = await startServer({ maxFrameBytes: 1024 })
    const client = await helloWs(wsUrl)
    expect(client.frames[0]).toMatchObject({ maxFrameBytes: 1024 })
    client.send({ type: 'publish', id: 1, channel: 'chat', data: 'x'.repeat(2000) })
    expect((await client.closed).code).toBe(CLOSE_CODES.too_big)
  })

  it('R19: ping is answered with pong carrying the same id (or none)', async () => {
    const { wsUrl } = await startServer()
    const client = await helloWs(wsUrl)
    client.send({ type: 'ping', id: 7 })
    client.send({ type: 'ping' })
    await client.waitFor((f) => f.type === 'pong', 2)
    expect(client.frames.filter((f) => f.type === 'pong')).toEqual([{ type: 'pong', id: 7 }, { type: 'pong' }])
  })

  it('R19: a socket silent for idleTimeoutMs is closed with 4010; pinging keeps it open', async () => {
    const clock = createManualTimers()
    const { wsUrl, server } = await startServer({ idleTimeoutMs: 120, timers: clock, now: clock.now })
    const silent = await helloWs(wsUrl)
    const chatty = await helloWs(wsUrl)
    // every 100 ms (of the manual clock) chatty pings; the server has seen the ping once the pong is back
    for (let i = 1; i <= 3; i++) {
      clock.advance(100)
      chatty.send({ type: 'ping', id: i })
      await chatty.waitFor((f) => f.type === 'pong', i)
    }
    // 300 ms have passed: silent is long gone, chatty (last heard at 300) is still open
    expect((await silent.closed).code).toBe(CLOSE_CODES.idle_timeout)
    expect(server.stats().ws.open).toBe(1)
    clock.advance(119)
    expect(server.stats().ws.open).toBe(1)
    clock.advance(1)
    expect((await chatty.closed).code).toBe(CLOSE_CODES.idle_timeout)
  })

  it('R20: a socket whose outgoing buffer exceeds maxBufferedBytes is closed with 4009', async () => {
    const { wsUrl, server } = await startServer({ maxBufferedBytes: 64 * 1024, retention: { maxEvents: 10 } })
    const client = await subscribeWs(wsUrl, 'ticker')
    client.ws.pause() // stop reading
    const blob = 'x'.repeat(32 * 1024)
    for (let i = 0; i < 2000 && server.stats().ws.open > 0; i++) await server.publish('ticker', { i, blob })
    expect(server.stats().ws.open).toBe(0)
    client.ws.resume()
    expect((await client.closed).code).toBe(CLOSE_CODES.slow_consumer)
  })
})

describe('WebSocket channels', () => {
  it('R3: an unknown or malformed channel is an error frame with id, not fatal for the connection', async () => {
    const { wsUrl, server } = await startServer()
    const client = await helloWs(wsUrl)
    client.send({ type: 'subscribe', id: 1, channel: 'nope' })
    client.send({ type: 'subscribe', id: 2, channel: 'bad channel!' })
    client.send({ type: 'subscribe', id: 3, channel: 'ticker' })
    await client.waitFor((f) => f.type === 'subscribed')
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([
      { type: 'error', id: 1, code: 'unknown_channel', message: expect.any(String), channel: 'nope', fatal: true },
      {
        type: 'error',
        id: 2,
        code: 'unknown_channel',
        message: expect.any(String),
        channel: 'bad channel!',
        fatal: true,
      },
    ])
    await server.publish('ticker', 1)
    await client.waitFor(isEvent)
  })

  it('R4: publishing to a receive-only channel is send_not_allowed; the socket stays open', async () => {
    const { wsUrl } = await startServer()
    const client = await helloWs(wsUrl)
    client.send({ type: 'publish', id: 5, channel: 'ticker', data: 1 })
    client.send({ type: 'publish', id: 6, channel: 'nope:x', data: 1 })
    client.send({ type: 'publish', id: 7, channel: 'chat:a', data: 1 })
    await client.waitFor((f) => f.type === 'ack')
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([
      { type: 'error', id: 5, code: 'send_not_allowed', message: expect.any(String), channel: 'ticker', fatal: true },
      { type: 'error', id: 6, code: 'unknown_channel', message: expect.any(String), channel: 'nope:x', fatal: true },
    ])
    expect(client.frames.find((f) => f.type === 'ack')).toEqual({
      type: 'ack',
      id: 7,
      eventId: expect.stringMatching(/-\d+$/),
    })
  })

  it('§6: subscribe → subscribed, events as {type:"event", channel, id, data, event?}; unsubscribe stops them', async () => {
    const { wsUrl, server } = await startServer()
    const client = await subscribeWs(wsUrl, 'chat:a')
    const id1 = await server.publish('chat:a', { t: 1 }, { event: 'msg' })
    await client.waitFor(isEvent)
    expect(client.frames.find(isEvent)).toEqual({
      type: 'event',
      channel: 'chat:a',
      id: id1,
      data: { t: 1 },
      event: 'msg',
    })
    client.send({ type: 'unsubscribe', id: 9, channel: 'chat:a' })
    await client.waitFor((f) => f.type === 'unsubscribed')
    expect(client.frames.find((f) => f.type === 'unsubscribed')).toEqual({
      type: 'unsubscribed',
      id: 9,
      channel: 'chat:a',
    })
    expect(server.stats().channels['chat:a']).toBeUndefined()
    await server.publish('chat:a', { t: 2 })
    client.send({ type: 'ping', id: 1 })
    await client.waitFor((f) => f.type === 'pong')
    expect(client.frames.filter(isEvent)).toHaveLength(1)
  })

  it('§6: a publisher subscribed to its channel gets the event and the ack', async () => {
    const { wsUrl } = await startServer()
    const client = await subscribeWs(wsUrl, 'chat')
    client.send({ type: 'publish', id: 3, channel: 'chat', data: 'hi', event: 'say' })
    await client.waitFor((f) => f.type === 'ack')
    await client.waitFor(isEvent)
    const ack = client.frames.find((f) => f.type === 'ack')
    expect(client.frames.find(isEvent)).toMatchObject({ id: ack?.eventId, data: 'hi', event: 'say' })
  })

  it('frames are handled in order even when authorize is async', async () => {
    const { wsUrl, server } = await startServer({
      authorize: async ({ op }) => {
        await new Promise((resolve) => setTimeout(resolve, op === 'subscribe' ? 20 : 0))
        return true
      },
    })
    const client = await helloWs(wsUrl)
    client.send({ type: 'subscribe', id: 1, channel: 'chat' })
    client.send({ type: 'unsubscribe', id: 2, channel: 'chat' })
    client.send({ type: 'ping', id: 3 })
    await client.waitFor((f) => f.type === 'pong')
    expect(client.frames.slice(1).map((f) => f.type)).toEqual(['subscribed', 'unsubscribed', 'pong'])
    expect(server.stats().channels.chat).toBeUndefined()
  })

  it('close() closes open sockets with 1001', async () => {
    const { wsUrl, server } = await startServer()
    const client = await helloWs(wsUrl)
    await server.close()
    expect((await client.closed).code).toBe(CLOSE_CODES.going_away)
  })
})

describe('R21: origin allow-list at the upgrade', () => {
  it('refuses a foreign Origin with 403, allows none, same-host and listed origins', async () => {
    const { wsUrl, url, server } = await startServer({ allowedOrigins: ['http://app.example'] })
    const evil = openWs(wsUrl, { origin: 'http://evil.example' })
    expect((await evil.refused).status).toBe(403)
    for (const origin of [undefined, url, 'http://app.example']) {
      const client = openWs(wsUrl, origin === undefined ? {} : { origin })
      await client.opened
    }
    expect(server.stats().ws.upgradesRefused).toBe(1)
  })

  it("allowedOrigins: '*' allows any origin", async () => {
    const { wsUrl } = await startServer({ allowedOrigins: '*' })
    await openWs(wsUrl, { origin: 'http://anything.example' }).opened
  })
})
