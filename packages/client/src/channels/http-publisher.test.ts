import { describe, expect, it, vi } from 'vitest'
import { settle } from '../../test/support'
import type { SwitchlineError } from '../core/errors'
import { createHttpPublisher } from './http-publisher'
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

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
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
    const { publisher, requests } = publisherWith([json(401, { code: 'unauthorized', message: 'x' }), json(200, { eventId: 'e1-8' })], token)
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
    expect((limited as { reason: SwitchlineError }).reason).toMatchObject({ fatal: false, retryAfterMs: 2000, protocolCode: 'rate_limited' })
    const down = await settle(publisherWith([]).publisher.publish(message))
    expect((down as { reason: SwitchlineError }).reason).toMatchObject({ code: 'network', fatal: false })
  })
})
