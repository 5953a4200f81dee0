import { describe, expect, it } from 'vitest'
import type { Json } from '@switchline/client/protocol'
import { decodePayload, encodePayload } from './wire'
import { keyGlob, redisKeys } from './scripts'

describe('redis wire format', () => {
  it('round-trips data with and without an event name', () => {
    const cases: [Json, string | undefined][] = [
      [{ a: [1, 'x'] }, undefined],
      ['text with spaces', 'named'],
      [null, undefined],
    ]
    for (const [data, event] of cases) {
      expect(decodePayload(encodePayload(data, event))).toEqual({ data, event })
    }
  })

  it('refuses what it did not write', () => {
    for (const text of ['', '{', '{"a":1}', '[]', '[1,2]', '[1,"e",3]']) expect(decodePayload(text)).toBeUndefined()
  })

  it('names every key under one hash tag and maps pub/sub names back to channels', () => {
    const keys = redisKeys('app')
    expect([keys.head, keys.stream('chat:a'), keys.pubsub('chat:a')]).toEqual([
      '{app}:h',
      '{app}:s:chat:a',
      '{app}:p:chat:a',
    ])
    expect(keys.channelOf('{app}:p:chat:a')).toBe('chat:a')
    expect(keys.channelOf('{other}:p:chat:a')).toBeUndefined()
    expect(keyGlob('{a*b}')).toBe('{a\\*b}:*')
  })
})
