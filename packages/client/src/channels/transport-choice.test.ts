import { describe, expect, it } from 'vitest'
import { chooseTransport, createWsBlockRegistry, isBlockedAfter, TRANSPORT_REASONS } from './transport-choice'

describe('chooseTransport', () => {
  it('receive-only channels ride SSE, sending channels ride WebSocket', () => {
    expect(chooseTransport({ preference: 'auto', channelSends: false, wsBlocked: false })).toEqual({
      kind: 'sse',
      reason: 'receive-only → SSE',
    })
    expect(chooseTransport({ preference: 'auto', channelSends: true, wsBlocked: false })).toEqual({
      kind: 'websocket',
      reason: 'sends → WebSocket',
    })
  })

  it('a blocked WebSocket sends sending channels to SSE + POST', () => {
    expect(chooseTransport({ preference: 'auto', channelSends: true, wsBlocked: true })).toEqual({
      kind: 'sse',
      reason: 'WebSocket blocked → SSE + POST',
    })
    // receive-only channels do not care
    expect(chooseTransport({ preference: 'auto', channelSends: false, wsBlocked: true }).reason).toBe(
      TRANSPORT_REASONS.receiveOnly,
    )
  })

  it('a forced transport wins, even when blocked', () => {
    for (const channelSends of [true, false]) {
      for (const wsBlocked of [true, false]) {
        expect(chooseTransport({ preference: 'sse', channelSends, wsBlocked })).toEqual({
          kind: 'sse',
          reason: 'forced SSE',
        })
        expect(chooseTransport({ preference: 'websocket', channelSends, wsBlocked })).toEqual({
          kind: 'websocket',
          reason: 'forced WebSocket',
        })
      }
    }
  })
})

describe('WebSocket block registry', () => {
  it('blocks an origin until the given time, then forgets it', () => {
    const registry = createWsBlockRegistry()
    expect(registry.isBlocked('http://a', 0)).toBe(false)
    registry.markBlocked('http://a', 1000)
    expect(registry.isBlocked('http://a', 999)).toBe(true)
    expect(registry.isBlocked('http://b', 999)).toBe(false)
    expect(registry.isBlocked('http://a', 1000)).toBe(false)
    expect(registry.isBlocked('http://a', 10)).toBe(false) // forgotten once expired
  })

  it('blockedUntil() says until when (what a client re-probes at), undefined once expired', () => {
    const registry = createWsBlockRegistry()
    expect(registry.blockedUntil('http://a', 0)).toBeUndefined()
    registry.markBlocked('http://a', 1000)
    expect(registry.blockedUntil('http://a', 999)).toBe(1000)
    expect(registry.blockedUntil('http://a', 1000)).toBeUndefined()
    expect(registry.isBlocked('http://a', 10)).toBe(false)
  })

  it('clear() unblocks at once', () => {
    const registry = createWsBlockRegistry()
    registry.markBlocked('http://a', 1000)
    registry.clear('http://a')
    expect(registry.isBlocked('http://a', 0)).toBe(false)
  })

  it('two failures before open in a row mean blocked', () => {
    expect(isBlockedAfter(1)).toBe(false)
    expect(isBlockedAfter(2)).toBe(true)
  })
})

describe('chooseTransport with one transport', () => {
  it('SSE only: sending channels use SSE + POST, receive-only ones SSE, blocked or not', () => {
    for (const wsBlocked of [false, true]) {
      expect(chooseTransport({ preference: 'auto', channelSends: true, wsBlocked, only: 'sse' })).toEqual({
        kind: 'sse',
        reason: TRANSPORT_REASONS.noWebSocket,
      })
      expect(chooseTransport({ preference: 'auto', channelSends: false, wsBlocked, only: 'sse' })).toEqual({
        kind: 'sse',
        reason: TRANSPORT_REASONS.receiveOnly,
      })
    }
  })

  it('WebSocket only: every auto channel uses the WebSocket, even while it is blocked', () => {
    for (const channelSends of [false, true]) {
      expect(chooseTransport({ preference: 'auto', channelSends, wsBlocked: true, only: 'websocket' })).toEqual({
        kind: 'websocket',
        reason: TRANSPORT_REASONS.noSse,
      })
    }
  })
})
