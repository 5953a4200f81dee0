import { describe, expect, it } from 'vitest'
import { cursorInQuery, usesEventSource, withQueryCursor } from './sse-client'

describe('usesEventSource (ADR 0008)', () => {
  it.each([
    // preference, plain GET, has fetch, has EventSource → EventSource?
    ['auto', true, true, true, false], // browsers: fetch wherever there is fetch
    ['auto', true, false, true, true], // no fetch: the native EventSource
    ['auto', false, false, true, false], // EventSource cannot send it: fetch (fails, as it would anyway)
    ['auto', true, false, false, false],
    ['fetch', true, false, true, false],
    ['eventsource', true, true, true, true], // asked for: always
    ['eventsource', false, true, true, true], // (raw subscribe refuses this combination before it gets here)
  ] as const)('%s, plain %s, fetch %s, EventSource %s → %s', (preference, plain, fetch, eventSource, expected) => {
    expect(usesEventSource(preference, plain, fetch, eventSource)).toBe(expected)
  })
})

describe('cursorInQuery: keeps cross-origin streams CORS-simple (ADR 0008)', () => {
  const page = 'https://app.example.com'
  it('same origin: the Last-Event-ID header', () => {
    expect(cursorInQuery('https://app.example.com/rt/sse?channels=a', page, false, false)).toBe(false)
  })
  it('cross-origin without headers of its own: the query parameter (Last-Event-ID would bring a preflight)', () => {
    expect(cursorInQuery('https://api.example.com/rt/sse?channels=a', page, false, false)).toBe(true)
    expect(cursorInQuery('https://app.example.com:8443/sse', page, false, false)).toBe(true) // another port
    expect(cursorInQuery('http://app.example.com/sse', page, false, false)).toBe(true) // another scheme
  })
  it('cross-origin with headers of its own (a preflight anyway): the header', () => {
    expect(cursorInQuery('https://api.example.com/rt/sse', page, false, true)).toBe(false)
  })
  it('no page origin (Node: no CORS): the header', () => {
    expect(cursorInQuery('https://api.example.com/rt/sse', undefined, false, false)).toBe(false)
  })
  it('EventSource: always the query parameter', () => {
    expect(cursorInQuery('https://app.example.com/sse', page, true, false)).toBe(true)
    expect(cursorInQuery('https://app.example.com/sse', undefined, true, false)).toBe(true)
  })
})

describe('withQueryCursor', () => {
  it('appends lastEventId, encoded, before any fragment', () => {
    expect(withQueryCursor('https://x/sse', 'a b')).toBe('https://x/sse?lastEventId=a%20b')
    expect(withQueryCursor('https://x/sse?room=a', 'k-1')).toBe('https://x/sse?room=a&lastEventId=k-1')
    expect(withQueryCursor('https://x/sse?room=a#top#2', 'k-1')).toBe('https://x/sse?room=a&lastEventId=k-1#top#2')
    expect(withQueryCursor('https://x/sse#q?', 'k-1')).toBe('https://x/sse?lastEventId=k-1#q?')
  })
  it('leaves the URL alone without a cursor', () => {
    expect(withQueryCursor('https://x/sse?room=a', undefined)).toBe('https://x/sse?room=a')
  })
})
