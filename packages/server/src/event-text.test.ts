import { describe, expect, it } from 'vitest'
import { createChannelLog, type LoggedEvent } from './channel-log'
import { primeEventTexts, sseEventText, wsEventText } from './event-text'

function logged(): { plain: LoggedEvent; named: LoggedEvent } {
  const log = createChannelLog({ epoch: 'ep1', maxEvents: 10, maxAgeMs: 60_000, now: () => 0 })
  return { plain: log.append('chat:room-a', { text: 'é' }), named: log.append('chat', [1, 2], 'typing') }
}

describe('event text (encoded once per transport)', () => {
  it('formats SSE and WebSocket events exactly as §5 and §6 say', () => {
    const { plain, named } = logged()
    expect(sseEventText(plain)).toBe('id: ep1-1\ndata: {"channel":"chat:room-a","data":{"text":"é"}}\n\n')
    expect(sseEventText(named)).toBe('id: ep1-2\ndata: {"channel":"chat","data":[1,2],"event":"typing"}\n\n')
    expect(JSON.parse(wsEventText(plain))).toEqual({ type: 'event', channel: 'chat:room-a', id: 'ep1-1', data: { text: 'é' } })
    expect(wsEventText(named)).toBe('{"type":"event","channel":"chat","id":"ep1-2","data":[1,2],"event":"typing"}')
  })

  it('encodes each event once per transport: later subscribers and replays get the cached text', () => {
    const { plain } = logged()
    const sse = sseEventText(plain)
    const ws = wsEventText(plain)
    ;(plain as { data: unknown }).data = 'changed after the first delivery' // proves the second call does not re-encode
    expect(sseEventText(plain)).toBe(sse)
    expect(wsEventText(plain)).toBe(ws)
  })

  it('works on an event that did not come from the log', () => {
    const event: LoggedEvent = { channel: 'c', id: 'x-1', seq: 1, data: null, event: undefined, at: 0 }
    expect(sseEventText(event)).toBe('id: x-1\ndata: {"channel":"c","data":null}\n\n')
    expect(wsEventText(event)).toBe('{"type":"event","channel":"c","id":"x-1","data":null}')
  })

  it('texts built from the JSON encoded at publish time equal JSON.stringify of the §5 / §6 shapes', () => {
    const log = createChannelLog({ epoch: 'ep1', maxEvents: 10, maxAgeMs: 60_000, now: () => 0 })
    for (const [data, name] of [[{ text: 'é\n"q"\u2028' }, undefined], [[1, null], 'ty"pe\n']] as const) {
      const event = log.append('chat:room-a', data as never, name)
      primeEventTexts(event, JSON.stringify(data))
      const named = name === undefined ? {} : { event: name }
      expect(sseEventText(event)).toBe(`id: ${event.id}\ndata: ${JSON.stringify({ channel: 'chat:room-a', data, ...named })}\n\n`)
      expect(wsEventText(event)).toBe(JSON.stringify({ type: 'event', channel: 'chat:room-a', id: event.id, data, ...named }))
    }
  })
})
