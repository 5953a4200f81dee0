/**
 * Raw `subscribe()` against an OpenAI-style chat-completions endpoint written in the test (issue 13 items 1, 3):
 * POST + JSON body + `Authorization`, `data: {…}` chunks, `data: [DONE]`. A reasoning model's late first token, a
 * static bad key, an answer broken mid-way, an answer that ends without `[DONE]`. The client runs on a manual
 * clock; the server is a plain `node:http` one on 127.0.0.1.
 */
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import type { SwitchlineError } from '../src/core/errors'
import { subscribe } from '../src/raw/subscribe'
import type { StateChange, SubscribeOptions } from '../src/types'
import { manualTimers } from './fakes/manual-timers'
import { listenSse, type SeenRequest, STREAM_HEAD, until } from './support/foreign-servers'

type Chunk = { choices: Array<{ delta: { content?: string } }> }
const chunk = (content: string): string => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`
const KEY = 'sk-test'

/** Answers a completion like the OpenAI API: 401 with its nested error body unless the key is right. */
function completions(answer: (res: ServerResponse, request: SeenRequest, index: number) => void) {
  return listenSse((res, request, index) => {
    if (request.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' },
        }),
      )
      return
    }
    res.writeHead(200, STREAM_HEAD)
    res.flushHeaders()
    answer(res, request, index)
  })
}

describe.each([
  ['node:http', {}],
  ['fetch', { sse: 'fetch' as const }],
])('an LLM token stream over %s', (_client, client: Partial<SubscribeOptions<Chunk>>) => {
  function ask(url: string, options: SubscribeOptions<Chunk> = {}) {
    const timers = manualTimers()
    const text: string[] = []
    const errors: SwitchlineError[] = []
    const states: StateChange[] = []
    const sub = subscribe<Chunk>(url, {
      method: 'POST',
      body: { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      token: () => KEY,
      done: '[DONE]',
      onEvent: (data) => text.push(data.choices[0]?.delta.content ?? ''),
      onError: (error) => errors.push(error),
      onState: (change) => states.push(change),
      reconnect: { backoff: () => 0 },
      ...client,
      ...options,
      platform: { timers },
    })
    return { sub, timers, text, errors, states, advance: () => timers.advance(0) }
  }

  it('item 1: a first token after 11 s (a reasoning model) arrives on the one POST; no timeout, no second POST', async () => {
    const writers: ServerResponse[] = []
    const server = await completions((res) => writers.push(res))
    const q = ask(server.url)
    await until(() => q.sub.state === 'open')
    q.timers.advance(11_000)
    q.timers.advance(60_000) // and a minute more: the first-byte timeout of a POST is 5 minutes by default
    writers[0]!.end(chunk('Hello') + chunk(' world') + 'data: [DONE]\n\n')
    await until(() => q.sub.state === 'closed')
    expect(q.text.join('')).toBe('Hello world')
    expect(server.requests).toHaveLength(1)
    expect(q.errors).toEqual([])
    expect(q.states.at(-1)).toMatchObject({ to: 'closed', reason: 'done' })
  })

  it('item 3: a static bad key is sent once; the 401 closes the stream with a fatal unauthorized in onError', async () => {
    const server = await completions(() => {})
    const q = ask(server.url, { token: () => 'sk-wrong' })
    await until(() => q.sub.state === 'closed', q.advance)
    expect(server.requests).toHaveLength(1)
    // The 401 is reported as retried (the token provider is asked again at once), then the same key stops it.
    expect(q.errors).toEqual([
      expect.objectContaining({ code: 'unauthorized', fatal: false, status: 401, attempt: 1, nextDelayMs: 0 }),
      expect.objectContaining({
        code: 'unauthorized',
        fatal: true,
        status: 401,
        url: server.url,
        serverCode: 'invalid_api_key',
      }),
    ])
    expect(q.errors[1]!.cause).toBe(q.errors[0])
  })

  it('item 3: a 401 is retried when the token provider gives a new token', async () => {
    const server = await completions((res) => res.end(chunk('ok') + 'data: [DONE]\n\n'))
    const tokens = ['sk-expired', KEY]
    const q = ask(server.url, { token: () => tokens.shift() })
    await until(() => q.sub.state === 'closed', q.advance)
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-expired', `Bearer ${KEY}`])
    expect(q.text).toEqual(['ok'])
    // Only the retried 401 (with its attempt and delay), nothing fatal.
    expect(q.errors).toEqual([expect.objectContaining({ code: 'unauthorized', fatal: false, status: 401, attempt: 1 })])
  })

  it('item 3: an answer broken mid-way is not POSTed again; the app gets its beginning once and the stop in onError', async () => {
    const server = await completions((res) => {
      res.write(chunk('Hello, ') + chunk('interop'))
      setImmediate(() => res.socket?.destroy()) // the connection breaks mid-answer
    })
    const q = ask(server.url)
    await until(() => q.sub.state === 'closed', q.advance)
    expect(q.text.join('')).toBe('Hello, interop')
    expect(server.requests).toHaveLength(1)
    expect(q.errors).toHaveLength(1)
    expect(q.errors[0]).toMatchObject({
      code: 'network',
      fatal: true,
      message: expect.stringMatching(/not sent again/),
    })
    expect(q.errors[0]!.cause).toMatchObject({ code: 'network', fatal: false })
  })

  it('item 3: a stall after the first tokens is not POSTed again either', async () => {
    const server = await completions((res) => res.write(chunk('Hel')))
    const q = ask(server.url, { stallTimeoutMs: 5000 })
    await until(() => q.text.length === 1)
    q.timers.advance(5000)
    await until(() => q.sub.state === 'closed', q.advance)
    expect(server.requests).toHaveLength(1)
    expect(q.errors).toEqual([expect.objectContaining({ code: 'timeout', fatal: true })])
  })

  it('item 3: resend: true re-sends a broken POST, resuming with Last-Event-ID', async () => {
    const server = await completions((res, request) => {
      if (request.lastEventId === null) {
        res.write(`id: 1\n${chunk('Hello, ')}`)
        setImmediate(() => res.socket?.destroy())
      } else res.end(`id: 2\n${chunk('world')}data: [DONE]\n\n`)
    })
    const q = ask(server.url, { resend: true })
    await until(() => q.sub.state === 'closed', q.advance)
    expect(q.text.join('')).toBe('Hello, world')
    expect(server.requests.map((r) => r.lastEventId)).toEqual([null, '1'])
    expect(JSON.parse(server.requests[1]!.body)).toMatchObject({ model: 'm' })
  })

  it('item 3: an answer that ends cleanly without [DONE] is complete: closed, no error, one POST', async () => {
    const server = await completions((res) => res.end(chunk('Hi')))
    const q = ask(server.url, { done: () => false }) // an API without a [DONE] sentinel
    await until(() => q.sub.state === 'closed', q.advance)
    expect(q.text).toEqual(['Hi'])
    expect(server.requests).toHaveLength(1)
    expect(q.errors).toEqual([])
    expect(q.states.at(-1)).toMatchObject({ to: 'closed', reason: 'ended' })
  })

  it('item 3: with resend: true too, a clean end is the whole answer — not POSTed again', async () => {
    const server = await completions((res) => res.end(chunk('Hi')))
    const q = ask(server.url, { done: () => false, resend: true })
    await until(() => q.sub.state === 'closed', q.advance)
    expect(server.requests).toHaveLength(1)
    expect(q.states.at(-1)).toMatchObject({ to: 'closed', reason: 'ended' })
  })

  it('item 3: a POST that failed before producing anything is retried as before (503, then the answer)', async () => {
    const server = await listenSse((res, _request, index) => {
      if (index === 0) {
        res.writeHead(503, { 'content-type': 'application/json' })
        res.end('{}')
        return
      }
      res.writeHead(200, STREAM_HEAD)
      res.end(chunk('ok') + 'data: [DONE]\n\n')
    })
    const q = ask(server.url)
    await until(() => q.sub.state === 'closed', q.advance)
    expect(server.requests).toHaveLength(2)
    expect(q.text).toEqual(['ok'])
  })
})
