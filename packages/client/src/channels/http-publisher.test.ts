import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { settle, tick } from '../../test/support'
import type { SwitchlineError } from '../core/errors'
import { createHttpPublisher, DEFAULT_PUBLISH_TIMEOUT_MS, httpSendPath } from './http-publisher'
import { resolvePlatform } from '../platform/platform'

function publisherWith(answers: Array<() => Response>, token?: () => string) {
  const requests: Array<{ url: string; init: RequestInit }> = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init: init ?? {} })
    const next = answers.shift()
    if (!next) throw new TypeError('fetch failed')
    return next()
  }) as unknown as typeof globalThis.fetch
  const publisher = createHttpPublisher({
    baseUrl: 'http://example.test/rt',
    platform: resolvePlatform({ fetch }),
    headers: { 'x-app': '1' },
    ...(token ? { token } : {}),
  })
  return { publisher, requests }
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

const message = { channel: 'chat:a', data: { text: 'hi' }, mid: 'm1' }

describe('http publisher', () => {
  it('POSTs JSON with mid, headers and the bearer token; resolves the event id', async () => {
    const { publisher, requests } = publisherWith([json(200, { eventId: 'e1-7' })], () => 'tok')
    expect(await publisher.publish(message)).toEqual({ eventId: 'e1-7' })
    expect(requests[0]?.url).toBe('http://example.test/rt/publish')
    expect(requests[0]?.init.method).toBe('POST')
    expect(requests[0]?.init.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer tok',
      'x-app': '1',
    })
    expect(JSON.parse(String(requests[0]?.init.body))).toEqual(message)
  })

  it('401 → asks the token provider once more and retries', async () => {
    const token = vi.fn().mockReturnValueOnce('old').mockReturnValueOnce('new')
    const { publisher, requests } = publisherWith(
      [json(401, { code: 'unauthorized', message: 'x' }), json(200, { eventId: 'e1-8' })],
      token,
    )
    expect(await publisher.publish(message)).toEqual({ eventId: 'e1-8' })
    expect(token).toHaveBeenCalledTimes(2)
    expect(requests[1]?.init.headers).toMatchObject({ authorization: 'Bearer new' })
  })

  it.each([
    [413, 'payload_too_large', true],
    [405, 'send_unsupported', true],
    [404, 'protocol', true],
    [500, 'http_status', false],
  ] as const)('HTTP %i → %s (fatal: %s)', async (status, code, fatal) => {
    const { publisher } = publisherWith([json(status, { code: 'x', message: 'y' })])
    const result = await settle(publisher.publish(message))
    expect((result as { reason: SwitchlineError }).reason).toMatchObject({ code, fatal, status })
  })

  it('429 / 503 carry Retry-After as retryAfterMs; a network failure is retryable', async () => {
    const { publisher } = publisherWith([json(429, { code: 'rate_limited', message: 'slow' }, { 'retry-after': '2' })])
    const limited = await settle(publisher.publish(message))
    expect((limited as { reason: SwitchlineError }).reason).toMatchObject({
      fatal: false,
      retryAfterMs: 2000,
      protocolCode: 'rate_limited',
    })
    const down = await settle(publisherWith([]).publisher.publish(message))
    expect((down as { reason: SwitchlineError }).reason).toMatchObject({ code: 'network', fatal: false })
  })

  it('retry-after-ms (milliseconds, as LLM APIs send it) wins over Retry-After; an HTTP-date Retry-After is read too', async () => {
    const { publisher } = publisherWith([
      json(429, { code: 'rate_limited', message: 'slow' }, { 'retry-after-ms': '1500', 'retry-after': '60' }),
      json(503, {}, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() }),
    ])
    const ms = await settle(publisher.publish(message))
    expect((ms as { reason: SwitchlineError }).reason).toMatchObject({
      code: 'http_status',
      fatal: false,
      retryAfterMs: 1500,
    })
    const date = (await settle(publisher.publish(message))) as { reason: SwitchlineError }
    expect(date.reason.retryAfterMs).toBeGreaterThan(110_000)
    expect(date.reason.retryAfterMs).toBeLessThanOrEqual(120_000)
  })

  it("nested error bodies are read as the SSE connect's are: message, serverCode, url and the body's start", async () => {
    const openai = {
      error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' },
    }
    const { publisher } = publisherWith([
      json(403, openai),
      json(400, { error: 'missing field: channel' }),
      () => new Response('upstream overloaded', { status: 502, headers: { 'content-type': 'text/plain' } }),
    ])
    const forbidden = ((await settle(publisher.publish(message))) as { reason: SwitchlineError }).reason
    expect(forbidden).toMatchObject({
      code: 'protocol',
      fatal: true,
      status: 403,
      serverCode: 'invalid_api_key',
      url: 'http://example.test/rt/publish',
      body: JSON.stringify(openai),
      channel: 'chat:a',
    })
    expect(forbidden.protocolCode).toBeUndefined() // not our { code, message } body
    expect(forbidden.message).toBe(
      'publish failed: HTTP 403 invalid_api_key: Incorrect API key provided (http://example.test/rt/publish)',
    )
    const bad = ((await settle(publisher.publish(message))) as { reason: SwitchlineError }).reason
    expect(bad.message).toContain(': missing field: channel')
    const gateway = ((await settle(publisher.publish(message))) as { reason: SwitchlineError }).reason
    expect(gateway).toMatchObject({ code: 'http_status', fatal: false, status: 502, body: 'upstream overloaded' })
    expect(gateway.message).toContain('upstream overloaded')
  })

  it('our own { code, message } body still gives protocolCode and the message', async () => {
    const { publisher } = publisherWith([json(405, { code: 'send_not_allowed', message: 'receive-only channel' })])
    const reason = ((await settle(publisher.publish(message))) as { reason: SwitchlineError }).reason
    expect(reason).toMatchObject({
      code: 'send_unsupported',
      fatal: true,
      protocolCode: 'send_not_allowed',
      serverCode: 'send_not_allowed',
    })
    expect(reason.message).toContain('receive-only channel')
  })
})

/** A fetch whose requests hang until the test answers them or their signal aborts. */
function hangingFetch() {
  const requests: Array<{
    body: { mid?: string }
    signal: AbortSignal | undefined
    aborted: boolean
    answer(res: Response): void
  }> = []
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const request = {
        body: JSON.parse(String(init?.body)) as { mid?: string },
        signal: init?.signal ?? undefined,
        aborted: false,
        answer: resolve,
      }
      requests.push(request)
      init?.signal?.addEventListener('abort', () => {
        request.aborted = true
        reject(new DOMException('The operation was aborted.', 'AbortError'))
      })
    })) as typeof globalThis.fetch
  return { fetch, requests }
}

describe('http publisher deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a request with no answer within timeoutMs is aborted: a retryable timeout, no timer left', async () => {
    const { fetch, requests } = hangingFetch()
    const publisher = createHttpPublisher({
      baseUrl: 'http://example.test/rt',
      platform: resolvePlatform({ fetch }),
      timeoutMs: 2000,
    })
    const result = settle(publisher.publish(message))
    await tick()
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1999)
    expect(requests[0]?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(requests[0]?.aborted).toBe(true)
    expect(((await result) as { reason: SwitchlineError }).reason).toMatchObject({
      code: 'timeout',
      fatal: false,
      channel: 'chat:a',
    })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('defaults to DEFAULT_PUBLISH_TIMEOUT_MS; 0 disables the deadline', async () => {
    const { fetch, requests } = hangingFetch()
    const platform = resolvePlatform({ fetch })
    const byDefault = settle(createHttpPublisher({ baseUrl: 'http://example.test/rt', platform }).publish(message))
    const never = createHttpPublisher({ baseUrl: 'http://example.test/rt', platform, timeoutMs: 0 }).publish(message)
    await vi.advanceTimersByTimeAsync(DEFAULT_PUBLISH_TIMEOUT_MS)
    expect(((await byDefault) as { reason: SwitchlineError }).reason.code).toBe('timeout')
    expect(requests.map((r) => r.aborted)).toEqual([true, false])
    expect(vi.getTimerCount()).toBe(0)
    requests[1]?.answer(new Response(JSON.stringify({ eventId: 'e1-4' }), { status: 200 }))
    await expect(never).resolves.toEqual({ eventId: 'e1-4' })
  })

  it('a body cut off by the deadline is a timeout, not a malformed answer', async () => {
    let push!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) })
    const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      init?.signal?.addEventListener('abort', () => push.error(new DOMException('aborted', 'AbortError')))
      return new Response(body, { status: 200 })
    }) as typeof globalThis.fetch
    const publisher = createHttpPublisher({
      baseUrl: 'http://example.test/rt',
      platform: resolvePlatform({ fetch }),
      timeoutMs: 500,
    })
    const result = settle(publisher.publish(message))
    push.enqueue(new TextEncoder().encode('{"eventId":'))
    await vi.advanceTimersByTimeAsync(500)
    expect(((await result) as { reason: SwitchlineError }).reason).toMatchObject({ code: 'timeout', fatal: false })
  })

  it('the send path returns an abort: the request is aborted and done gets a non-fatal error', async () => {
    const { fetch, requests } = hangingFetch()
    const path = httpSendPath(
      createHttpPublisher({ baseUrl: 'http://example.test/rt', platform: resolvePlatform({ fetch }) }),
    )
    const answers: unknown[] = []
    const abandon = path.publish(message, (result) => answers.push(result))
    await tick()
    expect(typeof abandon).toBe('function')
    ;(abandon as () => void)()
    await tick()
    expect(requests[0]?.aborted).toBe(true)
    expect(answers).toEqual([expect.objectContaining({ code: 'closed', fatal: false })])
    expect(vi.getTimerCount()).toBe(0)
  })
})
