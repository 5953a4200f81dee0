import { describe, expect, it } from 'vitest'
import { createChannelLog, type LoggedEvent } from './channel-log'
import { primeEventWire, sseBytes, sseWire, textFrame, wsPayload, wsWire } from './event-wire'

function logged(): { plain: LoggedEvent; named: LoggedEvent } {
  const log = createChannelLog({ epoch: 'ep1', maxEvents: 10, maxAgeMs: 60_000, now: () => 0 })
  return { plain: log.append('chat:room-a', { text: 'é' }), named: log.append('chat', [1, 2], 'typing') }
}

const sseText = (event: LoggedEvent): string => sseBytes(sseWire(event)).toString('utf8')
const wsText = (event: LoggedEvent): string => wsPayload(wsWire(event)).toString('utf8')

describe('event wire bytes (encoded once per event)', () => {
  it('formats SSE and WebSocket events exactly as §5 and §6 say', () => {
    const { plain, named } = logged()
    expect(sseText(plain)).toBe('id: ep1-1\ndata: {"channel":"chat:room-a","data":{"text":"é"}}\n\n')
    expect(sseText(named)).toBe('id: ep1-2\ndata: {"channel":"chat","data":[1,2],"event":"typing"}\n\n')
    expect(JSON.parse(wsText(plain))).toEqual({
      type: 'event',
      channel: 'chat:room-a',
      id: 'ep1-1',
      data: { text: 'é' },
    })
    expect(wsText(named)).toBe('{"type":"event","channel":"chat","id":"ep1-2","data":[1,2],"event":"typing"}')
  })

  it('the SSE wire is the HTTP/1.1 chunk node:http writes for res.write(text): hex byte size, CRLF, text, CRLF', () => {
    const { plain } = logged()
    const text = sseText(plain)
    const size = Buffer.byteLength(text) // 'é' is two bytes: the size counts bytes, not characters
    expect(sseWire(plain).toString('utf8')).toBe(`${size.toString(16)}\r\n${text}\r\n`)
  })

  it('encodes each event once: later subscribers and replays get the same buffers', () => {
    const { plain } = logged()
    const sse = sseWire(plain)
    const ws = wsWire(plain)
    ;(plain as { data: unknown }).data = 'changed after the first delivery' // proves the second call does not re-encode
    expect(sseWire(plain)).toBe(sse)
    expect(wsWire(plain)).toBe(ws)
  })

  it('works on an event that did not come from the log', () => {
    const event: LoggedEvent = { channel: 'c', id: 'x-1', seq: 1, data: null, event: undefined, at: 0 }
    expect(sseText(event)).toBe('id: x-1\ndata: {"channel":"c","data":null}\n\n')
    expect(wsText(event)).toBe('{"type":"event","channel":"c","id":"x-1","data":null}')
  })

  it('wire bytes built from the JSON encoded at publish time equal JSON.stringify of the §5 / §6 shapes', () => {
    const log = createChannelLog({ epoch: 'ep1', maxEvents: 10, maxAgeMs: 60_000, now: () => 0 })
    for (const [data, name] of [
      [{ text: 'é\n"q"\u2028' }, undefined],
      [[1, null], 'ty"pe\n'],
    ] as const) {
      const event = log.append('chat:room-a', data as never, name)
      primeEventWire(event, JSON.stringify(data))
      const named = name === undefined ? {} : { event: name }
      expect(sseText(event)).toBe(
        `id: ${event.id}\ndata: ${JSON.stringify({ channel: 'chat:room-a', data, ...named })}\n\n`,
      )
      expect(wsText(event)).toBe(
        JSON.stringify({ type: 'event', channel: 'chat:room-a', id: event.id, data, ...named }),
      )
    }
  })

  it('frames text as an unmasked final text frame with the 7-bit, 16-bit and 64-bit lengths of RFC 6455 §5.2', () => {
    for (const [size, header] of [
      [0, [0x81, 0]],
      [125, [0x81, 125]],
      [126, [0x81, 126, 0, 126]],
      [65535, [0x81, 126, 255, 255]],
      [65536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
    ] as const) {
      const frame = textFrame('a'.repeat(size))
      expect([...frame.subarray(0, header.length)]).toEqual(header)
      expect(frame.length).toBe(header.length + size)
      expect(wsPayload(frame).toString()).toBe('a'.repeat(size))
    }
  })
})
