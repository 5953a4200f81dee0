/**
 * Raw `subscribe()` against plain `node:http` SSE servers shaped like the libraries users run (issue 13 items 1,
 * 2, 4, 6; issue 9 items 7, 8): Hono/h3 (headers, then nothing), @fastify/sse (a heartbeat every 30 s), Hono's docs
 * example (`let id = 0` per connection), `id: Date.now()` bursts, named `heartbeat` events, a double BOM, non-ASCII
 * and empty ids. Over both of Node's HTTP clients. The client runs on a manual clock: no test waits for time.
 */
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import type { SubscribeOptions } from '../src/types'
import { listenSse, STREAM_HEAD, until } from './support/foreign-servers'
import { recordRaw } from './support/record-raw'

/** Opens the stream and sends its headers without a byte of body (Hono's `streamSSE`, h3's `createEventStream`). */
function openStream(res: ServerResponse): void {
  res.writeHead(200, STREAM_HEAD)
  res.flushHeaders()
}

describe.each([
  ['node:http', {}],
  ['fetch', { sse: 'fetch' as const }],
])(
  'raw subscribe() against servers we did not write, over %s',
  (_client, client: Pick<SubscribeOptions<unknown>, 'sse'>) => {
    /** {@link recordRaw} over this block's HTTP client. */
    const record = <T>(url: string, options: SubscribeOptions<T> = {}) => recordRaw<T>(url, { ...client, ...options })

    it('item 1: a stream that sends headers and then nothing for 11 s (Hono, h3) stays open; the first event arrives', async () => {
      const writers: ServerResponse[] = []
      const server = await listenSse((res) => {
        openStream(res)
        writers.push(res)
      })
      const r = record<number>(server.url)
      await until(() => r.sub.state === 'open')
      r.timers.advance(11_000) // past connectTimeoutMs (10 s): the connect phase ended with the headers
      writers[0]!.write('data: 1\n\n')
      await until(() => r.events.length === 1)
      expect(r.events).toEqual([1])
      expect(server.requests).toHaveLength(1)
      expect(r.states.map((s) => s.to)).toEqual(['open'])
      r.sub.close()
    })

    it('item 1: @fastify/sse defaults (headers at once, then a heartbeat every 30 s) keep one connection', async () => {
      const writers: ServerResponse[] = []
      const server = await listenSse((res) => {
        openStream(res)
        writers.push(res)
      })
      const r = record<number>(server.url)
      await until(() => r.sub.state === 'open')
      for (let beat = 1; beat <= 4; beat++) {
        r.timers.advance(30_000)
        // The heartbeat comment, then an id-only block: the test's probe that the client has read it.
        writers[0]!.write(`: heartbeat\n\nid: beat-${beat}\n\n`)
        await until(() => r.sub.lastEventId === `beat-${beat}`)
      }
      expect(server.requests).toHaveLength(1)
      expect(r.states.map((s) => s.to)).toEqual(['open'])
      r.sub.close()
    })

    it("item 2: per-connection ids (Hono's `let id = 0`) are a cursor: after a reconnect all 8 events arrive", async () => {
      const server = await listenSse((res, _req, index) => {
        openStream(res)
        let id = 0
        for (let n = 1; n <= 4; n++) res.write(`id: ${id++}\ndata: ${index * 4 + n}\n\n`)
        res.end()
      })
      const r = record<number>(server.url)
      await until(() => r.events.length >= 8, r.advance)
      r.sub.close()
      expect(r.events.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      expect(server.requests[1]?.lastEventId).toBe('3') // the cursor is sent back, as EventSource does
    })

    it('item 2: `id: Date.now()` in a burst (one id for several events) loses none', async () => {
      const server = await listenSse((res) => {
        openStream(res)
        const id = 1_700_000_000_000
        res.write([1, 2, 3, 4, 5].map((n) => `id: ${id}\ndata: ${n}\n\n`).join(''))
      })
      const r = record<number>(server.url)
      await until(() => r.events.length === 5)
      expect(r.events).toEqual([1, 2, 3, 4, 5])
      r.sub.close()
    })

    it("item 2: dedupe: 'ordered' is the opt-in for a server whose ids increase and whose replay overlaps", async () => {
      const server = await listenSse((res, req) => {
        openStream(res)
        const from = req.lastEventId === null ? 1 : Number(req.lastEventId) // replays the last one again
        for (let id = from; id < from + 3; id++) res.write(`id: ${id}\ndata: ${id}\n\n`)
        res.end()
      })
      const r = record<number>(server.url, { dedupe: 'ordered' })
      await until(() => r.events.length >= 5, r.advance)
      r.sub.close()
      expect(r.events.slice(0, 5)).toEqual([1, 2, 3, 4, 5])
    })

    it('item 4: named heartbeat events in ignoreEvents are not decode errors; they keep the stream alive and move the cursor', async () => {
      const writers: ServerResponse[] = []
      const server = await listenSse((res) => {
        openStream(res)
        writers.push(res)
      })
      const r = record<{ n: number }>(server.url, { ignoreEvents: ['heartbeat', 'ping'], stallTimeoutMs: 1000 })
      await until(() => r.sub.state === 'open')
      for (let beat = 1; beat <= 5; beat++) {
        const name = beat % 2 ? 'heartbeat' : 'ping'
        writers[0]!.write(`id: hb-${beat}\nevent: ${name}\ndata: ping\n\n`) // Hono's shape, with an id as the probe
        await until(() => r.sub.lastEventId === `hb-${beat}`)
        r.timers.advance(900)
      }
      writers[0]!.write('data: {"n":1}\n\n')
      await until(() => r.events.length === 1)
      expect(r.events).toEqual([{ n: 1 }])
      expect(r.errors).toEqual([])
      expect(server.requests).toHaveLength(1) // 4.5 s of heartbeats only, stallTimeoutMs 1 s: never stalled
      r.sub.close()
    })

    it('item 6: a stream starting with two BOMs drops its first line (the spec strips exactly one BOM)', async () => {
      const server = await listenSse((res) => {
        openStream(res)
        res.write('\uFEFF\uFEFFdata: "first"\n\ndata: "second"\n\n')
      })
      const r = record<string>(server.url)
      await until(() => r.events.length === 1) // 'first' would have come before 'second', in the same chunk
      expect(r.events).toEqual(['second'])
      r.sub.close()
    })

    it('issue 9 item 7: a non-ASCII id is resumed with its UTF-8 bytes as Last-Event-ID, as EventSource sends it', async () => {
      const server = await listenSse((res, _req, index) => {
        openStream(res)
        res.end(index === 0 ? 'id: …日本\ndata: 1\n\n' : 'data: 2\n\n')
      })
      const r = record<number>(server.url)
      await until(() => r.events.length >= 2, r.advance)
      r.sub.close()
      expect(server.requests[1]?.lastEventId).toBe('…日本')
      // Only the retried ends of the server's streams (onError sees retried failures); no request-building error.
      for (const error of r.errors)
        expect(error).toMatchObject({ code: 'network', fatal: false, message: 'SSE stream ended' })
      expect(r.events.slice(0, 2)).toEqual([1, 2])
    })

    it('issue 9 item 8: an empty `id:` resets lastEventId (and the wire sends no Last-Event-ID); an id-only block moves it', async () => {
      const server = await listenSse((res, _req, index) => {
        openStream(res)
        if (index === 0) res.end('id: 5\ndata: 1\n\nid:\ndata: 2\n\n')
        else if (index === 1) res.write('id: 9\n\n') // no data: not dispatched, but the cursor moves
      })
      const r = record<number>(server.url)
      await until(() => r.events.length === 2)
      expect(r.sub.lastEventId).toBeUndefined()
      await until(() => server.requests.length === 2, r.advance)
      expect(server.requests[1]?.lastEventId).toBeNull()
      await until(() => r.sub.lastEventId === '9')
      expect(r.events).toEqual([1, 2])
      r.sub.close()
    })

    it('issue 9 item 7: a header no client can send is a fatal invalid_options, once, not a silent retry loop', async () => {
      const server = await listenSse((res) => openStream(res))
      const r = record<number>(server.url, { headers: { 'x-key': 'ключ' } })
      await until(() => r.sub.state === 'closed', r.advance)
      expect(server.requests).toHaveLength(0)
      expect(r.errors).toEqual([expect.objectContaining({ code: 'invalid_options', fatal: true })])
      expect(r.errors[0]!.message).not.toContain('ключ')
    })
  },
)

describe('raw subscribe() against a server that holds its headers until its first write (@fastify/sse, h3)', () => {
  /** Node's `writeHead()` without `flushHeaders()`: nothing reaches the client before the first write. */
  async function heldHeadersServer() {
    const writers: ServerResponse[] = []
    const server = await listenSse((res) => {
      res.writeHead(200, STREAM_HEAD)
      writers.push(res)
    })
    return { server, writers }
  }

  it('node:http: the connect phase ends once the request is on a connected socket; a first write after 11 s is waited for', async () => {
    const { server, writers } = await heldHeadersServer()
    const r = recordRaw<number>(server.url, {})
    await until(() => writers.length === 1)
    r.timers.advance(11_000) // past connectTimeoutMs (10 s), inside firstByteTimeoutMs (45 s for a GET)
    writers[0]!.write('data: 1\n\n')
    await until(() => r.events.length === 1)
    expect(server.requests).toHaveLength(1)
    expect(r.states.map((s) => s.to)).toEqual(['open'])
    r.sub.close()
  })

  it('node:http: a POST whose first token comes after 11 s (headers held with it) is not sent again', async () => {
    const { server, writers } = await heldHeadersServer()
    const r = recordRaw<number>(server.url, { method: 'POST', body: { prompt: 'think' } })
    await until(() => writers.length === 1)
    r.timers.advance(11_000)
    writers[0]!.end('data: 7\n\n')
    await until(() => r.sub.state === 'closed')
    expect(r.events).toEqual([7])
    expect(server.requests).toHaveLength(1)
  })

  it('node:http: a server that holds its headers and never writes is still given up on (firstByteTimeoutMs)', async () => {
    const { server, writers } = await heldHeadersServer()
    const r = recordRaw<number>(server.url, { stallTimeoutMs: 20_000 })
    await until(() => writers.length === 1)
    r.timers.advance(20_000)
    expect(r.states.find((s) => s.to === 'reconnecting')).toMatchObject({
      error: { code: 'timeout', message: expect.stringMatching(/first byte/) },
    })
    r.sub.close()
  })

  it('fetch cannot see the request sent: there the headers end the connect phase, so such a server must write within connectTimeoutMs', async () => {
    const { server, writers } = await heldHeadersServer()
    const r = recordRaw<number>(server.url, { sse: 'fetch' })
    await until(() => writers.length === 1)
    r.timers.advance(10_000)
    expect(r.states.find((s) => s.to === 'reconnecting')).toMatchObject({
      error: { code: 'timeout', message: expect.stringMatching(/connect timed out/) },
    })
    r.sub.close()
  })
})

describe('raw subscribe() over a plain node:http SSE server, closed by the app as it opens', () => {
  it('an app that closes from onState("open"): ready() rejects with closed, the request ends, no timer runs on', async () => {
    let requestClosed = false
    const server = await listenSse((res) => {
      openStream(res)
      res.on('close', () => (requestClosed = true))
    })
    const r: ReturnType<typeof recordRaw> = recordRaw(server.url, {
      onState: (change) => {
        if (change.to === 'open') r.sub.close()
      },
    })
    const ready = expect(r.sub.ready()).rejects.toMatchObject({ code: 'closed' })
    await until(() => requestClosed)
    await ready
    expect(r.sub.state).toBe('closed')
    expect(r.timers.pending).toBe(0)
    expect(r.errors).toEqual([])
  })
})
