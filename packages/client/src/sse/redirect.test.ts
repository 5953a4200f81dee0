import { describe, expect, it } from 'vitest'
import { isSwitchlineError, SwitchlineError } from '../core/errors'
import { MAX_REDIRECTS, redirectHop, type HttpHop } from './redirect'

const hop = (over: Partial<HttpHop> = {}): HttpHop => ({
  url: new URL('http://a.test/sse?x=1'),
  method: 'GET',
  headers: { accept: 'text/event-stream', authorization: 'Bearer t', cookie: 'c=1', 'last-event-id': 'e-9' },
  body: undefined,
  ...over,
})

const next = (result: ReturnType<typeof redirectHop>): HttpHop => {
  if (result === undefined || result instanceof SwitchlineError) throw new Error(`not a hop: ${String(result)}`)
  return result
}

describe('redirectHop (what fetch does)', () => {
  it.each([301, 302, 303, 307, 308])('%i with a Location is followed, resolved against the current URL', (status) => {
    const out = next(redirectHop(hop(), status, '/v2/sse?x=1', 0))
    expect(out.url.href).toBe('http://a.test/v2/sse?x=1')
    expect(out.method).toBe('GET')
    expect(out.headers).toEqual(hop().headers) // same origin: every header stays
  })

  it.each([[300], [304], [305], [200], [404]])('%i is not a redirect; neither is a 3xx without Location', (status) => {
    expect(redirectHop(hop(), status, '/elsewhere', 0)).toBeUndefined()
    expect(redirectHop(hop(), 302, undefined, 0)).toBeUndefined()
  })

  it.each([
    [303, 'POST', 'GET'],
    [303, 'PUT', 'GET'],
    [303, 'HEAD', 'HEAD'],
    [301, 'POST', 'GET'],
    [302, 'POST', 'GET'],
    [301, 'PUT', 'PUT'],
    [307, 'POST', 'POST'],
    [308, 'POST', 'POST'],
  ])('%i of a %s → %s; a request turned into GET loses its body and body headers', (status, method, expected) => {
    const headers = { 'content-type': 'application/json', 'content-length': '7', 'x-app': '1' }
    const out = next(redirectHop(hop({ method, body: '{"q":1}', headers }), status, '/next', 0))
    expect(out.method).toBe(expected)
    if (expected === method) {
      expect(out.body).toBe('{"q":1}')
      expect(out.headers).toEqual(headers)
    } else {
      expect(out.body).toBeUndefined()
      expect(out.headers).toEqual({ 'x-app': '1' })
    }
  })

  it('another origin (host, port or scheme) loses authorization, proxy-authorization, cookie and host; the cursor stays', () => {
    for (const target of ['http://b.test/sse', 'http://a.test:8080/sse', 'https://a.test/sse']) {
      const out = next(
        redirectHop(hop({ headers: { ...hop().headers, 'proxy-authorization': 'p', host: 'a.test' } }), 307, target, 0),
      )
      expect(out.headers).toEqual({ accept: 'text/event-stream', 'last-event-id': 'e-9' })
    }
    // …and does not get them back by returning to the first origin
    const away = next(redirectHop(hop(), 302, 'http://b.test/sse', 0))
    expect(next(redirectHop(away, 302, 'http://a.test/sse', 1)).headers).not.toHaveProperty('authorization')
  })

  it(`refuses, fatally: more than ${MAX_REDIRECTS} redirects, https → http, a non-http(s) or unparsable Location`, () => {
    expect(next(redirectHop(hop(), 302, '/again', MAX_REDIRECTS - 1)).url.pathname).toBe('/again')
    const refused = [
      redirectHop(hop(), 302, '/again', MAX_REDIRECTS),
      redirectHop(hop({ url: new URL('https://a.test/sse') }), 301, 'http://a.test/sse', 0),
      redirectHop(hop(), 302, 'ftp://a.test/sse', 0),
      redirectHop(hop(), 302, 'http://[::1', 0),
    ]
    for (const error of refused) {
      expect(isSwitchlineError(error, 'http_status')).toBe(true)
      expect(error).toMatchObject({ fatal: true, message: expect.stringContaining('http://a.test/sse') })
    }
    expect(refused.map((e) => (e as SwitchlineError).status)).toEqual([302, 301, 302, 302])
    // http → https is an upgrade, and fine
    expect(next(redirectHop(hop(), 301, 'https://a.test/sse', 0)).url.protocol).toBe('https:')
  })

  it('does not change the hop it was given', () => {
    const first = hop({ method: 'POST', body: 'b', headers: { authorization: 'x', 'content-type': 'text/plain' } })
    redirectHop(first, 303, 'http://b.test/', 0)
    expect(first).toEqual(
      hop({ method: 'POST', body: 'b', headers: { authorization: 'x', 'content-type': 'text/plain' } }),
    )
  })
})
