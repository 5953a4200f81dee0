/**
 * The fan-out writes each event once-encoded (event-wire.ts): every subscriber's socket gets the very same Buffer,
 * byte for byte what `ws.send` / `res.write` of the event text would have put on the wire, and every delivery is
 * counted. Fails when a transport encodes or frames per subscriber.
 */
import { Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { textFrame } from '../src/event-wire'
import { installCleanup, openRawSse, startServer, subscribeWs, waitFor } from './helpers'

installCleanup()
afterEach(() => vi.restoreAllMocks())

/** Buffers written to any socket of this process while the spy is on. */
function spyWrites(): Buffer[] {
  const writes: Buffer[] = []
  const write = Socket.prototype.write
  vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    if (Buffer.isBuffer(chunk)) writes.push(chunk)
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
  })
  return writes
}

describe('shared event frames', () => {
  it('one publish writes the same WebSocket frame to every subscriber, identical to ws.send of the event text', async () => {
    const { wsUrl, server } = await startServer()
    const clients = [
      await subscribeWs(wsUrl, 'ticker'),
      await subscribeWs(wsUrl, 'ticker'),
      await subscribeWs(wsUrl, 'ticker'),
    ]
    const writes = spyWrites()
    const before = server.stats().eventsDelivered
    const id = await server.publish('ticker', { price: 'é' })
    await Promise.all(clients.map((c) => c.waitFor((f) => f.type === 'event')))
    const text = JSON.stringify({ type: 'event', channel: 'ticker', id, data: { price: 'é' } })
    const frames = writes.filter((b) => b.includes('"type":"event"'))
    expect(frames).toHaveLength(3)
    expect(frames[1]).toBe(frames[0])
    expect(frames[2]).toBe(frames[0])
    expect(frames[0]?.equals(textFrame(text))).toBe(true)
    for (const client of clients) expect(client.texts.at(-1)).toBe(text)
    expect(server.stats().eventsDelivered - before).toBe(3)
  })

  it('one publish writes the same HTTP/1.1 chunk to every SSE stream, identical to res.write of the event text', async () => {
    const { baseUrl, server } = await startServer()
    const streams = await Promise.all([1, 2, 3].map(() => openRawSse(`${baseUrl}/sse?channels=ticker`)))
    await Promise.all(streams.map((s) => s.waitForEvents((e) => e.event === 'sl-ready')))
    await waitFor(() => server.stats().channels.ticker === 3)
    const writes = spyWrites()
    const before = server.stats().eventsDelivered
    const id = await server.publish('ticker', { price: 'é' })
    await Promise.all(streams.map((s) => s.waitForEvents((e) => e.id === id)))
    const text = `id: ${id}\ndata: ${JSON.stringify({ channel: 'ticker', data: { price: 'é' } })}\n\n`
    const chunks = writes.filter((b) => b.includes(`id: ${id}\n`))
    expect(chunks).toHaveLength(3)
    expect(chunks[1]).toBe(chunks[0])
    expect(chunks[2]).toBe(chunks[0])
    expect(chunks[0]?.toString()).toBe(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`)
    expect(server.stats().eventsDelivered - before).toBe(3)
  })
})
