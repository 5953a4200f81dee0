/**
 * Issue 9 item 10, first half (docs/protocol.md R21): "same host" is trusted only for a host the server knows it is
 * served as, so a DNS-rebinding page — `Host: attacker.example:PORT` resolving to this server, with a matching
 * `Origin` (or, on a same-origin GET, no `Origin` but `Sec-Fetch-Site: same-origin`) — is refused on every endpoint.
 */
import { describe, expect, it } from 'vitest'
import { isKnownHost } from '../src/http-util'
import { installCleanup, openWs, rawRequest, startServer } from './helpers'

installCleanup()

const publishBody = JSON.stringify({ channel: 'chat', data: 1 })

/** What each endpoint answers a request naming `host`, with `headers` on top. */
async function statuses(baseUrl: string, wsUrl: string, host: string, headers: Record<string, string>) {
  const all = { Host: host, ...headers }
  const sse = await rawRequest(`${baseUrl}/sse?channels=chat`, { headers: all })
  const publish = await rawRequest(`${baseUrl}/publish`, {
    method: 'POST',
    headers: { ...all, 'Content-Type': 'application/json' },
    body: publishBody,
  })
  const preflight = await rawRequest(`${baseUrl}/publish`, {
    method: 'OPTIONS',
    headers: { ...all, 'Access-Control-Request-Method': 'POST' },
  })
  const ws = openWs(wsUrl, { headers: all })
  const upgrade = await Promise.race([ws.opened.then(() => 101), ws.refused.then((r) => r.status)])
  return { sse: sse.status, publish: publish.status, preflight: preflight.status, upgrade }
}

describe('R21: same-host origins only for hosts the server knows it is served as', () => {
  it('a DNS-rebinding page (Host attacker.example:PORT, matching Origin) is refused with 403 forbidden everywhere', async () => {
    const { baseUrl, wsUrl, server } = await startServer()
    const host = `attacker.example:${new URL(baseUrl).port}`
    expect(await statuses(baseUrl, wsUrl, host, { Origin: `http://${host}` })).toEqual({
      sse: 403,
      publish: 403,
      preflight: 403,
      upgrade: 403,
    })
    const body = await rawRequest(`${baseUrl}/sse?channels=chat`, { headers: { Host: host, Origin: `http://${host}` } })
    expect(JSON.parse(body.body)).toMatchObject({
      code: 'forbidden',
      fatal: true,
      message: expect.stringContaining('allowedOrigins'),
    })
    expect(body.headers['access-control-allow-origin']).toBeUndefined()
    expect(server.stats().publishes).toBe(0)
  })

  it("a rebinding page's same-origin GET (no Origin, Sec-Fetch-Site: same-origin) is refused; a real one is served", async () => {
    const { baseUrl } = await startServer()
    const port = new URL(baseUrl).port
    const sameOrigin = { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' }
    const rebound = await rawRequest(`${baseUrl}/sse?channels=chat`, {
      headers: { Host: `attacker.example:${port}`, ...sameOrigin },
    })
    expect(rebound.status).toBe(403)
    const real = await rawRequest(`${baseUrl}/sse?channels=chat`, {
      headers: { Host: `127.0.0.1:${port}`, ...sameOrigin },
    })
    expect(real.status).toBe(200)
  })

  it('loopback names, *.localhost and IP literals are known: a page served from them is same-host', async () => {
    const { baseUrl, wsUrl } = await startServer()
    const port = new URL(baseUrl).port
    for (const name of ['127.0.0.1', 'localhost', 'app.localhost', '[::1]', '192.168.1.5']) {
      const host = `${name}:${port}`
      expect(await statuses(baseUrl, wsUrl, host, { Origin: `http://${host}` })).toEqual({
        sse: 200,
        publish: 200,
        preflight: 204,
        upgrade: 101,
      })
    }
  })

  it('a public name is known once its origin is in allowedOrigins (then other schemes of that host are same-host too)', async () => {
    const { baseUrl, wsUrl } = await startServer({ allowedOrigins: ['https://app.example.com'] })
    const host = 'app.example.com'
    expect(await statuses(baseUrl, wsUrl, host, { Origin: 'https://app.example.com' })).toEqual({
      sse: 200,
      publish: 200,
      preflight: 204,
      upgrade: 101,
    })
    expect(await statuses(baseUrl, wsUrl, host, { Origin: 'http://app.example.com' })).toEqual({
      sse: 200,
      publish: 200,
      preflight: 204,
      upgrade: 101,
    })
    const sameOrigin = await rawRequest(`${baseUrl}/sse?channels=chat`, {
      headers: { Host: host, 'Sec-Fetch-Site': 'same-origin' },
    })
    expect(sameOrigin.status).toBe(200)
    expect(await statuses(baseUrl, wsUrl, 'other.example.com', { Origin: 'http://other.example.com' })).toEqual({
      sse: 403,
      publish: 403,
      preflight: 403,
      upgrade: 403,
    })
  })

  it('non-browser clients (no Origin, no Sec-Fetch-Site) are served whatever Host they name; allowedOrigins "*" allows all', async () => {
    const { baseUrl, wsUrl } = await startServer()
    expect(await statuses(baseUrl, wsUrl, 'api.example.com', {})).toEqual({
      sse: 200,
      publish: 200,
      preflight: 204,
      upgrade: 101,
    })
    const open = await startServer({ allowedOrigins: '*' })
    const host = `attacker.example:${new URL(open.baseUrl).port}`
    expect(await statuses(open.baseUrl, open.wsUrl, host, { Origin: `http://${host}` })).toEqual({
      sse: 200,
      publish: 200,
      preflight: 204,
      upgrade: 101,
    })
  })
})

describe('isKnownHost', () => {
  it.each([
    ['localhost:8080', true],
    ['LOCALHOST:8080', true],
    ['a.b.localhost', true],
    ['127.0.0.1', true],
    ['10.1.2.3:80', true],
    ['[::1]:8080', true],
    ['[fe80::1]', true],
    ['attacker.example:8080', false],
    ['localhost.', false], // a name DNS resolves, not the loopback name
    ['localhost.attacker.example', false],
    ['127.0.0.1.attacker.example', false],
    ['0x7f.1:8080', false], // parses as 127.0.0.1 only after normalisation: not a Host a browser sends
    ['user@localhost', false],
    ['', false],
  ])('%s → %s', (host, known) => {
    expect(isKnownHost(host, [])).toBe(known)
  })

  it('undefined (no Host, no :authority) is not known; an allowed origin makes its host known', () => {
    expect(isKnownHost(undefined, [])).toBe(false)
    expect(isKnownHost('app.example.com', ['https://app.example.com'])).toBe(true)
    expect(isKnownHost('app.example.com:8443', ['https://app.example.com:8443', 'not a url'])).toBe(true)
    expect(isKnownHost('app.example.com:8444', ['https://app.example.com:8443'])).toBe(false)
  })
})
