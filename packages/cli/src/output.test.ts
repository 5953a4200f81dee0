import { describe, expect, it } from 'vitest'
import { SwitchlineError } from '@switchline/client'
import { eventLine, fatalLine, gapLine, stateLine, warningLine } from './output'

describe('eventLine', () => {
  const base = { id: '0-1', channel: undefined, event: 'message' }

  it('text: the data (strings as they are, values as compact JSON), after [channel event] when there is one', () => {
    expect(eventLine({ ...base, data: 'tok en' }, false)).toBe('tok en')
    expect(eventLine({ ...base, data: { a: [1, 2] } }, false)).toBe('{"a":[1,2]}')
    expect(eventLine({ ...base, data: null }, false)).toBe('null')
    expect(eventLine({ ...base, event: 'order-update', data: 7 }, false)).toBe('[order-update] 7')
    expect(eventLine({ ...base, channel: 'ticker', data: { p: 1 } }, false)).toBe('[ticker] {"p":1}')
    expect(eventLine({ ...base, channel: 'chat:room-a', event: 'typing', data: 'x' }, false)).toBe(
      '[chat:room-a typing] x',
    )
  })

  it('json: one line with id (null when none), channel and event only when present, and data', () => {
    expect(eventLine({ ...base, data: 'a\nb' }, true)).toBe('{"id":"0-1","data":"a\\nb"}')
    expect(eventLine({ ...base, id: undefined, event: 'e', data: 1 }, true)).toBe('{"id":null,"event":"e","data":1}')
    expect(JSON.parse(eventLine({ ...base, channel: 'ticker', data: { p: 1 } }, true))).toEqual({
      id: '0-1',
      channel: 'ticker',
      data: { p: 1 },
    })
  })
})

describe('status lines', () => {
  it('say each state change with its subject; retries with their delay and attempt', () => {
    expect(
      stateLine('sse', { from: 'open', to: 'reconnecting', attempt: 2, delayMs: 1234, reason: 'SSE stream ended' }),
    ).toBe('sse: reconnecting in 1234 ms (attempt 2): SSE stream ended')
    expect(stateLine('sse', { from: 'open', to: 'reconnecting', attempt: 1, reason: 'offline' })).toBe(
      'sse: waiting (offline) after attempt 1',
    )
    expect(stateLine('websocket connection', { from: 'reconnecting', to: 'connecting' })).toBe(
      'websocket connection: connecting',
    )
    expect(stateLine('ticker', { from: 'connecting', to: 'open' }, 'sse: receive-only → SSE')).toBe(
      'ticker: open (sse: receive-only → SSE)',
    )
    expect(stateLine('sse', { from: 'open', to: 'closed', reason: 'done' })).toBe('sse: closed: done')
  })

  it('say a gap, a warning and a fatal error in one line each', () => {
    expect(gapLine({ channel: 'ticker', from: 'a-3', to: 'b-1', reason: 'epoch' })).toBe(
      'ticker: gap after a-3, resuming at b-1 (epoch)',
    )
    expect(gapLine({ channel: 'ticker', from: null, to: null, reason: 'retention' })).toBe(
      'ticker: gap after the start, nothing retained after it (retention)',
    )
    expect(warningLine('sse', new SwitchlineError('decode', 'not JSON'))).toBe('sse: decode: not JSON')
    expect(
      fatalLine(new SwitchlineError('http_status', 'HTTP 404', { status: 404, fatal: true }), 'http://127.0.0.1:1/x'),
    ).toBe('switchline tail: http_status: HTTP 404 (http://127.0.0.1:1/x)')
  })
})
