/**
 * The direct frame write of ws-frame-writer.ts against the real `ws` package: its shape, the bytes, the order behind
 * ws's own queue, and the fallback where frames must not be written as they are (permessage-deflate).
 */
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { textFrame } from '../src/event-wire'
import { canWriteFramesDirectly, writeFrame } from '../src/ws-frame-writer'
import { installCleanup, onCleanup, waitFor } from './helpers'

installCleanup()

/** A ws server on 127.0.0.1:0 and one client; resolves both ends once open. */
async function pair(
  perMessageDeflate = false,
): Promise<{ server: WebSocket; client: WebSocket; received: { text: string; binary: boolean }[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate })
  onCleanup(() => new Promise((resolve) => wss.close(resolve)))
  await once(wss, 'listening')
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate })
  onCleanup(() => client.terminate())
  const received: { text: string; binary: boolean }[] = []
  client.on('message', (data: RawData, binary: boolean) => received.push({ text: String(data), binary }))
  const [[server]] = await Promise.all([accepted, once(client, 'open')])
  return { server, client, received }
}

/** Every buffer `socket.write` is called with while `fn` runs, concatenated. */
function written(ws: WebSocket, fn: () => void): Buffer {
  const socket = (ws as unknown as { _socket: { write(chunk: unknown, ...rest: unknown[]): boolean } })._socket
  const chunks: Buffer[] = []
  const write = socket.write
  socket.write = function (chunk: unknown, ...rest: unknown[]) {
    chunks.push(Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.from(String(chunk)))
    return write.call(this, chunk, ...rest)
  }
  try {
    fn()
  } finally {
    socket.write = write
  }
  return Buffer.concat(chunks)
}

describe('direct WebSocket frame writes', () => {
  it('ws still has the internals the direct write relies on (fails when ws changes shape)', async () => {
    const { server } = await pair()
    expect(canWriteFramesDirectly(server)).toBe(true)
  })

  it('a frame written directly is byte-identical to what ws.send writes, for every length encoding', async () => {
    const { server, received } = await pair()
    const texts = [
      '',
      '{"type":"event","data":"é€😀"}',
      'x'.repeat(125),
      'y'.repeat(126),
      'z'.repeat(65_535),
      'w'.repeat(65_536),
    ]
    for (const text of texts) {
      const bySend = written(server, () => server.send(text))
      const direct = written(server, () => writeFrame(server, textFrame(text), true))
      expect(direct.equals(bySend)).toBe(true)
    }
    await waitFor(() => received.length === texts.length * 2)
    expect(received).toEqual(
      texts.flatMap((text) => [
        { text, binary: false },
        { text, binary: false },
      ]),
    )
  })

  it('waits behind what ws has queued (a Blob being read): frames arrive in the order they were written', async () => {
    const { server, received } = await pair()
    server.send(new Blob(['first']), { binary: false })
    writeFrame(server, textFrame('second'), true)
    server.send('third')
    await waitFor(() => received.length === 3)
    expect(received.map((m) => m.text)).toEqual(['first', 'second', 'third'])
  })

  it('with permessage-deflate negotiated a socket does not qualify, and frames go through ws.send (compressed)', async () => {
    const { server, received } = await pair({ threshold: 0 } as never)
    expect(canWriteFramesDirectly(server)).toBe(false)
    const text = 'compress me '.repeat(100)
    const bytes = written(server, () => writeFrame(server, textFrame(text), false))
    await waitFor(() => received.length === 1)
    expect(received[0]).toEqual({ text, binary: false })
    expect(bytes.length === 0 || bytes.length < text.length).toBe(true) // compressed (or not yet flushed), never the raw frame
  })
})
