/**
 * What an app sees when a server we did not write fails (issue 9 item 11, issue 13 item 3): raw `subscribe()`
 * against a plain `node:http` server on 127.0.0.1 port 0, over `node:http` (Node's default) and over `fetch`.
 * Retried failures reach `onError` with `attempt` and `nextDelayMs`; HTTP errors carry status, URL, the body's start
 * and the server's own message and code; `ready()` settles; an abort ends a `for await` with `aborted`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { isSwitchlineError, type SwitchlineError } from '../../src/core/errors'
import { subscribe } from '../../src/raw/subscribe'
import type { StateChange, SubscribeOptions } from '../../src/types'

let servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections())))
  servers = []
})

/** A plain node:http server on 127.0.0.1:0; resolves with its base URL. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A loopback URL nothing listens on: a port the OS gave us, closed again. */
async function refusedUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}/x`
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
}

const CLIENTS: Array<[string, Pick<SubscribeOptions<unknown>, 'sse'>]> = [
  ['node:http', {}],
  ['fetch', { sse: 'fetch' }],
]

describe.each(CLIENTS)('raw subscribe() over %s against a plain node:http server', (_name, client) => {
  it('an unreachable server: each retried failure reaches onError with attempt and nextDelayMs; ready() and the iterator reject with max_attempts', async () => {
    const url = await refusedUrl()
    const errors: SwitchlineError[] = []
    const sub = subscribe(url, {
      ...client,
      reconnect: { backoff: () => 20, maxAttempts: 3 },
      onError: (e) => errors.push(e),
    })
    const ready = sub.ready()
    const iterated = (async () => {
      for await (const _ of sub) expect.unreachable()
    })()
    await expect(ready).rejects.toMatchObject({ code: 'max_attempts', fatal: true })
    await expect(iterated).rejects.toMatchObject({ code: 'max_attempts' })
    expect(errors.map((e) => [e.code, e.attempt, e.nextDelayMs])).toEqual([
      ['network', 1, 20],
      ['network', 2, 20],
      ['max_attempts', undefined, undefined],
    ])
    expect(errors[0]?.message).toMatch(/SSE request failed/)
    expect(sub.state).toBe('closed')
  })

  it("an OpenAI-style 401 body: status, URL, the body's start, the server's message and code", async () => {
    const body = JSON.stringify({
      error: {
        message: 'Incorrect API key provided: sk-te**t.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    })
    const base = await listen((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(body)
    })
    const errors: SwitchlineError[] = []
    const sub = subscribe(`${base}/v1/chat/completions`, {
      ...client,
      method: 'POST',
      body: { model: 'm', stream: true },
      token: () => 'sk-test',
      reconnect: { backoff: () => 10, maxAttempts: 2 },
      onError: (e) => errors.push(e),
    })
    const error = await sub.ready().then(
      () => expect.unreachable(),
      (e: unknown) => e,
    )
    // The token provider gives the same key again, so raw SSE stops with a fatal unauthorized (issue 13 item 3)
    // that keeps the 401's details; its cause is the 401 itself.
    expect(isSwitchlineError(error, 'unauthorized')).toBe(true)
    const details = {
      code: 'unauthorized',
      status: 401,
      url: `${base}/v1/chat/completions`,
      serverCode: 'invalid_api_key',
      body,
    }
    expect(error).toMatchObject({ ...details, fatal: true })
    const cause = (error as SwitchlineError).cause as SwitchlineError
    expect(cause).toMatchObject(details)
    for (const e of [error as SwitchlineError, cause]) {
      expect(e.message).toContain('Incorrect API key provided')
      expect(e.message).toContain(`${base}/v1/chat/completions`)
    }
    expect(errors[0]).toMatchObject({ code: 'unauthorized', attempt: 1, nextDelayMs: 0 }) // the token is asked again at once
    expect(errors[0]).toBe(cause)
  })

  it('a 400 with a text body is fatal at once: ready() rejects with it', async () => {
    const base = await listen((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('missing field: model')
    })
    const states: StateChange[] = []
    const sub = subscribe(`${base}/stream`, { ...client, onState: (c) => states.push(c) })
    await expect(sub.ready()).rejects.toMatchObject({
      code: 'http_status',
      status: 400,
      fatal: true,
      url: `${base}/stream`,
      body: 'missing field: model',
      message: `HTTP 400: missing field: model (${base}/stream)`,
    })
    expect(states.at(-1)).toMatchObject({ to: 'closed', error: { status: 400 } })
  })

  it('429 with retry-after-ms is honoured as the floor of the next delay; ready() resolves at the open', async () => {
    let requests = 0
    const base = await listen((_req, res) => {
      requests++
      if (requests === 1) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '150', 'retry-after': '60' })
        res.end('{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}')
        return
      }
      sseHead(res)
      res.write('data: 1\n\n')
    })
    const errors: SwitchlineError[] = []
    const sub = subscribe<number>(`${base}/stream`, {
      ...client,
      reconnect: { backoff: () => 5 },
      onError: (e) => errors.push(e),
    })
    await sub.ready()
    expect(sub.state).toBe('open')
    expect(errors).toHaveLength(1)
    const [limited] = errors
    expect(limited).toMatchObject({
      code: 'http_status',
      status: 429,
      retryAfterMs: 150,
      serverCode: 'rate_limit_exceeded',
      attempt: 1,
    })
    // hint 150 (retry-after-ms wins over Retry-After: 60) + backoff 5 + r × 150
    expect(limited?.nextDelayMs).toBeGreaterThanOrEqual(155)
    expect(limited?.nextDelayMs).toBeLessThanOrEqual(305)
    await expect(sub.ready()).resolves.toBeUndefined() // settled for good
    sub.close()
  })

  it('aborting the signal ends a for-await with an aborted error, after what was delivered', async () => {
    const base = await listen((_req, res) => {
      sseHead(res)
      res.write('data: 1\n\ndata: 2\n\n')
    })
    const controller = new AbortController()
    const states: StateChange[] = []
    const got: number[] = []
    const sub = subscribe<number>(`${base}/stream`, {
      ...client,
      signal: controller.signal,
      onState: (c) => states.push(c),
    })
    const error = await (async () => {
      for await (const n of sub) {
        got.push(n)
        if (n === 2) controller.abort(new Error('user left'))
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(got).toEqual([1, 2])
    expect(error).toMatchObject({ code: 'aborted' })
    expect((error as SwitchlineError).cause).toMatchObject({ message: 'user left' })
    expect(states.at(-1)).toEqual({ from: 'open', to: 'closed', reason: 'aborted' }) // no error: the app asked for it
  })
})
