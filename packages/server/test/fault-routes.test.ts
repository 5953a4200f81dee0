import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '@switchline/client/protocol'
import { createSwitchlineServer } from '../src/index'
import { FAULT_ACTIONS, type FaultInjector } from '../src/testing/index'
import { handleFaultRequest } from '../src/testing/fault-routes'
import { helloWs, installCleanup, listenHttp, onCleanup, openWs, withFaults } from './helpers'

installCleanup()

describe('faults over HTTP (faults: true)', () => {
  const post = (baseUrl: string, action: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/_faults/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  it('every action is served; GET stats returns server stats plus fault counters', async () => {
    const { baseUrl, wsUrl } = await withFaults({ faults: true })
    expect(FAULT_ACTIONS).toEqual(
      expect.arrayContaining([
        'dropAll',
        'drop',
        'refuseWebSockets',
        'stall',
        'delay',
        'injectMalformed',
        'unauthorizeNext',
        'stopStreams',
        'restart',
        'reset',
      ]),
    )
    const ws = await helloWs(wsUrl)
    const res = await post(baseUrl, 'restart', { keepLog: true })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, action: 'restart', stats: { faults: { restarts: 1 } } })
    expect((await ws.closed).code).toBe(CLOSE_CODES.restart)
    expect((await post(baseUrl, 'refuseWebSockets', { on: true, status: 502 })).status).toBe(200)
    expect((await openWs(wsUrl).refused).status).toBe(502)
    for (const [action, body] of [
      ['stall', { on: true, transport: 'ws' }],
      ['delay', { ms: 10 }],
      ['injectMalformed', { transport: 'sse' }],
      ['unauthorizeNext', { n: 1 }],
      ['drop', { transport: 'sse' }],
      ['dropAll', undefined],
      ['stopStreams', {}],
      ['reset', undefined],
    ] as const) {
      expect((await post(baseUrl, action, body)).status, action).toBe(200)
    }
    const stats = await (await fetch(`${baseUrl}/_faults/stats`)).json()
    expect(stats).toMatchObject({
      sse: { open: 0 },
      ws: { upgradesRefused: 1 },
      faults: { upgradesRefused: 1, restarts: 1, state: { stalled: false, refusingWebSockets: false } },
    })
  })

  it('bad bodies answer 400; unknown actions 404', async () => {
    const { baseUrl } = await withFaults({ faults: true })
    expect((await post(baseUrl, 'stall', { on: 'yes' })).status).toBe(400)
    expect((await post(baseUrl, 'delay', { ms: -1 })).status).toBe(400)
    expect((await post(baseUrl, 'drop', { transport: 'x' })).status).toBe(400)
    const notJson = await fetch(`${baseUrl}/_faults/reset`, { method: 'POST', body: '{' })
    expect(notJson.status).toBe(400)
    expect((await post(baseUrl, 'explode', {})).status).toBe(404)
    expect((await fetch(`${baseUrl}/_faults/reset`)).status).toBe(400)
  })

  it('is CORS-friendly for browser tests and the playground', async () => {
    const { baseUrl } = await withFaults({ faults: true, allowedOrigins: ['http://localhost:5173'] })
    const pre = await fetch(`${baseUrl}/_faults/stall`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const res = await post(baseUrl, 'reset', {}, { Origin: 'http://localhost:5173' })
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
  })

  it('without faults: true the fault paths are plain 404, even with an injector attached', async () => {
    const { baseUrl } = await withFaults()
    expect((await post(baseUrl, 'reset', {})).status).toBe(404)
    const stats = await fetch(`${baseUrl}/_faults/stats`)
    expect(stats.status).toBe(404)
    expect(await stats.json()).toMatchObject({ code: 'not_found' })
  })

  it('an action that throws answers 500 internal (never an unhandled rejection)', async () => {
    const sl = createSwitchlineServer({ channels: { chat: { send: true } } })
    onCleanup(() => sl.close())
    const broken = {
      reset() {
        throw new Error('boom')
      },
    } as unknown as FaultInjector
    const http = createServer((req, res) => handleFaultRequest(broken, sl, 'reset', req, res))
    const origin = await listenHttp(http)
    const res = await fetch(`${origin}/`, { method: 'POST', body: '{}' })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ code: 'internal', message: 'internal error', fatal: false })
  })
})
