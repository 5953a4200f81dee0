/**
 * The direct chunk write of sse-chunk-writer.ts against a plain `node:http` server: its shape, the bytes on the wire
 * (read raw over TCP, chunk framing included), and the fallbacks where the chunk must not be written as is.
 */
import { once } from 'node:events'
import { createServer, type ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { sseWire } from '../src/event-wire'
import type { LoggedEvent } from '../src/channel-log'
import { canWriteChunkDirectly, writeSseChunk } from '../src/sse-chunk-writer'
import { installCleanup, listenHttp, onCleanup, waitFor } from './helpers'

installCleanup()

const event: LoggedEvent = { channel: 'ticker', id: 'ep-7', seq: 7, data: { price: 'é€' }, event: undefined, at: 0 }
const text = `id: ep-7\ndata: {"channel":"ticker","data":{"price":"é€"}}\n\n`

/**
 * Serves one response with `handle`, requested raw over TCP as `version`; resolves the raw bytes received (head and
 * body, chunk framing included) once the response has ended.
 */
async function rawExchange(version: '1.0' | '1.1', handle: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => handle(res))
  const url = new URL(await listenHttp(server))
  const socket = connect(Number(url.port), '127.0.0.1')
  onCleanup(() => socket.destroy())
  let raw = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (raw += chunk))
  await once(socket, 'connect')
  socket.write(`GET / HTTP/${version}\r\nHost: 127.0.0.1\r\n\r\n`)
  await waitFor(() => (version === '1.1' ? raw.endsWith('0\r\n\r\n') : socket.readableEnded || socket.destroyed), {
    what: 'the end of the response',
  })
  return raw
}

const body = (raw: string): string => raw.slice(raw.indexOf('\r\n\r\n') + 4)

describe('direct SSE chunk writes', () => {
  it('node:http still has the internals the direct write relies on (fails when node:http changes shape)', async () => {
    const qualified: boolean[] = []
    await rawExchange('1.1', (res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      qualified.push(canWriteChunkDirectly(res)) // head not sent yet
      res.write('retry: 1000\n\n')
      qualified.push(canWriteChunkDirectly(res))
      res.end()
      qualified.push(canWriteChunkDirectly(res)) // ended
    })
    expect(qualified).toEqual([false, true, false])
  })

  it('a chunk written directly is byte-identical to res.write of the event text', async () => {
    const raw = await rawExchange('1.1', (res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      res.write(text)
      writeSseChunk(res, sseWire(event))
      res.end()
    })
    const chunk = `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`
    expect(body(raw)).toBe(`${chunk}${chunk}0\r\n\r\n`)
  })

  it('before the head is on the wire, the event goes through res.write (head first, then the chunk)', async () => {
    const raw = await rawExchange('1.1', (res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      writeSseChunk(res, sseWire(event))
      res.end()
    })
    expect(raw.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true)
    expect(body(raw)).toBe(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\n\r\n`)
  })

  it('an HTTP/1.0 response is not chunked: it gets the event text alone', async () => {
    const qualified: boolean[] = []
    const raw = await rawExchange('1.0', (res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      res.write('retry: 1000\n\n')
      qualified.push(canWriteChunkDirectly(res))
      writeSseChunk(res, sseWire(event))
      res.end()
    })
    expect(qualified).toEqual([false])
    expect(body(raw)).toBe(`retry: 1000\n\n${text}`)
  })
})
