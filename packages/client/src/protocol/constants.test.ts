import { describe, expect, it } from 'vitest'
import {
  channelName,
  isChannelId,
  PATHS,
  PROTOCOL_DEFAULTS,
  SSE_EVENTS,
  SUBPROTOCOL,
  sseStallTimeoutMs,
} from './constants'

describe('isChannelId', () => {
  it('accepts name and name:key', () => {
    for (const id of [
      'chat',
      'chat:room-a',
      'a',
      'A_b-9',
      'x:1',
      'x:a.b.c',
      'x:-',
      'x:_',
      'x:.',
      '-',
      '_',
      'a-b_c:Key.With-All_9',
    ]) {
      expect(isChannelId(id), id).toBe(true)
    }
  })

  it('limits name to 64 and key to 128 characters', () => {
    expect(isChannelId('n'.repeat(64))).toBe(true)
    expect(isChannelId('n'.repeat(65))).toBe(false)
    expect(isChannelId(`n:${'k'.repeat(128)}`)).toBe(true)
    expect(isChannelId(`n:${'k'.repeat(129)}`)).toBe(false)
    expect(isChannelId(`${'n'.repeat(64)}:${'k'.repeat(128)}`)).toBe(true)
  })

  it('rejects empty parts, extra colons, dots in the name and other characters', () => {
    const bad = [
      '',
      ':',
      ':key',
      'name:',
      'a:b:c',
      'a::b',
      'a.b',
      'a.b:c',
      'chat room',
      'chat:room a',
      'chat/room',
      'chat,ticker', // the SSE `channels` list separator
      'chät',
      'chat:kéy',
      'chat\n',
      '\nchat',
      'chat:key\n',
      ' chat',
      'chat\u0000',
      '😀',
    ]
    for (const id of bad) expect(isChannelId(id), JSON.stringify(id)).toBe(false)
  })

  it('is false for non-strings', () => {
    for (const value of [undefined, null, 1, true, {}, ['chat'], { toString: () => 'chat' }]) {
      expect(isChannelId(value)).toBe(false)
    }
  })
})

describe('channelName', () => {
  it('is the part before the first colon', () => {
    expect(channelName('chat:room-a')).toBe('chat')
    expect(channelName('ticker')).toBe('ticker')
    expect(channelName('a:b:c')).toBe('a')
    expect(channelName(':x')).toBe('')
  })
})

describe('sseStallTimeoutMs', () => {
  it('is 2 × heartbeatMs + 5000 (R13)', () => {
    expect(sseStallTimeoutMs(15_000)).toBe(35_000)
    expect(sseStallTimeoutMs(0)).toBe(5_000)
    expect(sseStallTimeoutMs(PROTOCOL_DEFAULTS.heartbeatMs)).toBe(35_000)
  })
})

describe('constants', () => {
  it('match docs/protocol.md', () => {
    expect(SUBPROTOCOL).toBe('switchline.v1')
    expect(PATHS).toEqual({ sse: '/sse', ws: '/ws', publish: '/publish' })
    expect(SSE_EVENTS).toEqual({ ready: 'sl-ready', heartbeat: 'sl-heartbeat', gap: 'sl-gap', error: 'sl-error' })
    expect(PROTOCOL_DEFAULTS).toMatchObject({
      heartbeatMs: 15_000,
      retryMs: 1_000,
      helloTimeoutMs: 10_000,
      idleTimeoutMs: 45_000,
      maxFrameBytes: 65_536,
      maxBufferedBytes: 1_048_576,
      maxChannelsPerStream: 64,
      retentionMaxEvents: 1_000,
      retentionMaxAgeMs: 300_000,
      publishIdempotencyWindow: 1_000,
    })
  })
})
