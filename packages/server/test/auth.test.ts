import { describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '@switchline/client/protocol'
import { ForbiddenError, UnauthorizedError, type AuthorizeRequest } from '../src/index'
import {
  helloWs,
  installCleanup,
  openEventSource,
  openRawSse,
  openWs,
  postPublish,
  recordingLogger,
  startServer,
  waitFor,
} from './helpers'

installCleanup()

describe('R25: authorize', () => {
  const policy =
    (calls: Omit<AuthorizeRequest, 'request'>[]) =>
    ({ token, channel, op }: AuthorizeRequest): boolean => {
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
      { token: 't1', channel: undefined, op: 'connect' },
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
    // A token refused at `connect` cannot publish either, whatever the channel check would say.
    const bannedPublish = await postPublish(baseUrl, { channel: 'chat', data: 1 }, { Authorization: 'Bearer banned' })
    expect(bannedPublish.status).toBe(403)
    expect(bannedPublish.json).toMatchObject({ code: 'forbidden' })
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

  it('a throwing authorize (not UnauthorizedError) answers 500 internal, and the error is logged, not leaked', async () => {
    const { logger, lines } = recordingLogger()
    const cause = new Error('db down')
    const { baseUrl } = await startServer({
      logger,
      authorize: () => {
        throw cause
      },
    })
    const res = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(res.status).toBe(500)
    const body = await res.json()
    expect(body).toMatchObject({ code: 'internal', fatal: false })
    expect(JSON.stringify(body)).not.toContain('db down')
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'switchline: authorize threw (connect); answered internal',
        details: { channel: undefined, op: 'connect', error: cause },
      },
    ])
  })

  it('an onPublish listener that throws is logged (warn); the publish stands', async () => {
    const { logger, lines } = recordingLogger()
    const cause = new Error('listener bug')
    const { server } = await startServer({
      logger,
      onPublish: () => {
        throw cause
      },
    })
    const id = await server.publish('chat', 1)
    expect(server.stats().publishes).toBe(1)
    expect(lines).toEqual([
      {
        level: 'warn',
        message: `switchline: onPublish threw for ${id}`,
        details: { channel: 'chat', eventId: id, error: cause },
      },
    ])
  })

  it('on SSE, unauthorized for any one requested channel answers the whole request 401', async () => {
    const { baseUrl } = await startServer({
      authorize: ({ channel, op }) => {
        if (op === 'subscribe' && channel === 'chat:vip') throw new UnauthorizedError('token expired')
        return channel !== 'chat:private'
      },
    })
    const res = await fetch(`${baseUrl}/sse?channels=chat:a,chat:private,chat:vip`)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ code: 'unauthorized', message: 'token expired', fatal: false })
    const es = openEventSource(`${baseUrl}/sse?channels=chat:a,chat:vip`)
    await waitFor(() => es.errors.length > 0)
    expect(es.errors[0]?.code).toBe(401)
    // forbidden alone only leaves that channel out (R12)
    const sse = await openRawSse(`${baseUrl}/sse?channels=chat:a,chat:private`)
    expect(sse.response.status).toBe(200)
    const [ready] = await sse.waitForEvents((e) => e.event === 'sl-ready')
    expect(JSON.parse(ready?.data ?? '').channels).toEqual(['chat:a'])
  })

  it('authenticate throwing UnauthorizedError answers 401 on SSE and publish, and closes 4001 at hello', async () => {
    const authenticate = (req: { headers: { cookie?: string | undefined } }): string => {
      if (req.headers.cookie !== 'session=ok') throw new UnauthorizedError('no session')
      return 'user-1'
    }
    const { baseUrl, wsUrl } = await startServer({ authenticate })
    const sse = await fetch(`${baseUrl}/sse?channels=chat`)
    expect(sse.status).toBe(401)
    expect(await sse.json()).toMatchObject({ code: 'unauthorized', message: 'no session', fatal: false })
    const pub = await postPublish(baseUrl, { channel: 'chat', data: 1 })
    expect(pub.status).toBe(401)
    expect(pub.json).toMatchObject({ code: 'unauthorized', fatal: false })
    expect((await postPublish(baseUrl, { channel: 'chat', data: 1 }, { Cookie: 'session=ok' })).status).toBe(200)
    const ws = openWs(wsUrl)
    await ws.opened
    ws.send({ type: 'hello' })
    expect((await ws.closed).code).toBe(CLOSE_CODES.unauthorized)
  })

  it('over WebSocket: unauthorized at subscribe (not only at hello) closes 4001', async () => {
    const { wsUrl } = await startServer({
      authorize: ({ op, channel }) => {
        if (op === 'subscribe' && channel === 'chat:vip') throw new UnauthorizedError('token expired')
        return true
      },
    })
    const client = await helloWs(wsUrl, 'tok')
    client.send({ type: 'subscribe', id: 1, channel: 'chat:a' })
    await client.waitFor((f) => f.type === 'subscribed')
    client.send({ type: 'subscribe', id: 2, channel: 'chat:vip' })
    expect(await client.closed).toEqual({ code: CLOSE_CODES.unauthorized, reason: 'token expired' })
    expect(client.frames.some((f) => f.type === 'error')).toBe(false)
  })
})
