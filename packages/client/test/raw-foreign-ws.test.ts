/**
 * Raw `subscribe()` against a plain `ws` server written in the test (issue 13 item 5): close codes mean what
 * RFC 6455 says — not the Switchline protocol's 4000/4001/4003 — unless the app says otherwise with `closeCodes`,
 * and a server's application-level ping is answered declaratively with `pong`. The client runs on a manual clock.
 */
import { describe, expect, it } from 'vitest'
import { subscribe } from '../src/raw/subscribe'
import type { StateChange } from '../src/types'
import { manualTimers } from './fakes/manual-timers'
import { listenWs, until } from './support/foreign-servers'
import { recordRaw as record } from './support/record-raw'

describe('raw subscribe() against a plain ws server', () => {
  it.each([1002, 1003, 1007, 1008])(
    'close %i is final (RFC 6455): one connection, a fatal close_code',
    async (code) => {
      const server = await listenWs((socket) => socket.close(code, 'no'))
      const r = record(server.url)
      await until(() => r.sub.state === 'closed', r.advance)
      expect(server.connections()).toBe(1)
      expect(r.errors).toEqual([expect.objectContaining({ code: 'close_code', fatal: true, closeCode: code })])
    },
  )

  it.each([1000, 1001, 1011, 1012, 4000, 4001, 4003])(
    'close %i reconnects (private 4xxx codes mean nothing here)',
    async (code) => {
      const server = await listenWs((socket, index) => {
        if (index === 0) socket.close(code, 'bye')
        else socket.send('"again"')
      })
      const r = record(server.url)
      await until(() => r.events.length === 1, r.advance)
      expect(server.connections()).toBe(2)
      expect(r.events).toEqual(['again'])
      const wait = r.states.find((s) => s.to === 'reconnecting')
      expect(wait?.error).toMatchObject({ code: 'network', fatal: false, closeCode: code })
      r.sub.close()
    },
  )

  it('closeCodes overrides the table both ways', async () => {
    const fatal = await listenWs((socket) => socket.close(4001, 'token expired'))
    const a = record(fatal.url, { closeCodes: { 4001: 'fatal' } })
    await until(() => a.sub.state === 'closed', a.advance)
    expect(fatal.connections()).toBe(1)
    expect(a.errors).toEqual([expect.objectContaining({ code: 'close_code', closeCode: 4001 })])

    const retry = await listenWs((socket, index) => (index === 0 ? socket.close(1008, 'busy') : socket.send('1')))
    const b = record(retry.url, { closeCodes: { 1008: 'retry' } })
    await until(() => b.events.length === 1, b.advance)
    expect(retry.connections()).toBe(2)
    b.sub.close()
  })

  it('pong answers the server ping declaratively; pings are not delivered', async () => {
    const replies: string[] = []
    const server = await listenWs((socket) => {
      socket.on('message', (data) => {
        replies.push(String(data))
        socket.send('{"type":"event","n":2}')
      })
      socket.send('{"type":"event","n":1}')
      socket.send('{"type":"ping","id":7}')
    })
    const r = record(server.url, {
      pong: {
        isPing: (text) => text.startsWith('{"type":"ping"'),
        reply: (ping) => JSON.stringify({ type: 'pong', id: (JSON.parse(ping) as { id: number }).id }),
      },
    })
    await until(() => r.events.length === 2)
    expect(replies).toEqual(['{"type":"pong","id":7}'])
    expect(r.events).toEqual([
      { type: 'event', n: 1 },
      { type: 'event', n: 2 },
    ])
    expect(r.errors).toEqual([])
    r.sub.close()
  })

  it("a server ping answers our own ping's timeout too (proof of life), so the socket is kept", async () => {
    const replies: string[] = []
    const server = await listenWs((socket) => {
      socket.on('message', (data) => {
        const text = String(data)
        replies.push(text)
        if (text === 'are you there') socket.send('{"type":"ping"}') // answers with its own ping, never a pong
      })
    })
    const timers = manualTimers()
    const states: StateChange[] = []
    const sub = subscribe(server.url, {
      onState: (change) => states.push(change),
      ping: { message: 'are you there', isPong: () => false, intervalMs: 1000, timeoutMs: 500 },
      pong: { isPing: (text) => text === '{"type":"ping"}', reply: '{"type":"pong"}' },
      platform: { timers },
    })
    await until(() => sub.state === 'open')
    timers.advance(1000)
    await until(() => replies.length === 2)
    timers.advance(500)
    expect(replies).toEqual(['are you there', '{"type":"pong"}'])
    expect(states.map((s) => s.to)).toEqual(['open'])
    sub.close()
  })

  it('an app that closes from onState("open"): ready() rejects with closed, the socket closes, no timer runs on', async () => {
    let closedByClient = false
    const server = await listenWs((socket) => socket.on('close', () => (closedByClient = true)))
    const r: ReturnType<typeof record> = record(server.url, {
      ping: { message: 'ping', isPong: (text: string) => text === 'pong', intervalMs: 1000, timeoutMs: 500 },
      onState: (change) => {
        if (change.to === 'open') r.sub.close()
      },
    })
    const ready = expect(r.sub.ready()).rejects.toMatchObject({ code: 'closed' })
    await until(() => closedByClient)
    await ready
    expect(r.sub.state).toBe('closed')
    expect(r.timers.pending).toBe(0)
  })

  it('a subscription aborted from onTransport (before subscribe() returns) never connects to the server', async () => {
    const server = await listenWs(() => {})
    const controller = new AbortController()
    const r = record(server.url, { signal: controller.signal, onTransport: () => controller.abort() })
    expect(r.sub.state).toBe('closed')
    expect(r.timers.pending).toBe(0)
    // A second subscription that does connect: by the time the server has seen it, an attempt of the first would
    // have reached it too (one server, one loopback, attempts in order).
    const probe = record(server.url)
    await until(() => probe.sub.state === 'open')
    expect(server.connections()).toBe(1)
    probe.sub.close()
  })
})
