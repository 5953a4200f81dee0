import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakePlatform } from '../../test/fakes/platform'
import { FakeWebSocket, FakeWebSocketConstructor } from '../../test/fakes/websocket'
import { thrownBy } from '../../test/support/thrown'
import { isSwitchlineError } from '../core/errors'
import type { WsAttemptHandlers } from '../core/transport-types'
import { openWebSocket } from './ws'

function handlers() {
  return {
    onOpen: vi.fn(),
    onMessage: vi.fn(),
    onError: vi.fn(),
    onClose: vi.fn(),
  } satisfies WsAttemptHandlers
}

describe('openWebSocket', () => {
  beforeEach(() => FakeWebSocket.reset())
  const platform = fakePlatform({ WebSocket: FakeWebSocketConstructor })

  it('opens with protocols, passes text frames, drops binary ones with malformed_frame', () => {
    const h = handlers()
    const attempt = openWebSocket('ws://x/feed', ['a', 'b'], h, platform)
    const socket = FakeWebSocket.last
    expect(socket.url).toBe('ws://x/feed')
    expect(socket.protocols).toEqual(['a', 'b'])
    expect(socket.binaryType).toBe('arraybuffer')
    socket.open()
    expect(h.onOpen).toHaveBeenCalledOnce()
    socket.receive('hello')
    socket.receive(new ArrayBuffer(2))
    expect(h.onMessage).toHaveBeenCalledWith('hello')
    expect(h.onMessage).toHaveBeenCalledOnce()
    expect(h.onError.mock.calls[0]?.[0]).toMatchObject({ code: 'malformed_frame' })
    attempt.send('out')
    expect(socket.sent).toEqual(['out'])
    socket.bufferedAmount = 42
    expect(attempt.bufferedAmount).toBe(42)
  })

  it('omits protocols when undefined and reports close with opened', () => {
    const h = handlers()
    openWebSocket('ws://x', undefined, h, platform)
    expect(FakeWebSocket.last.protocols).toBeUndefined()
    FakeWebSocket.last.serverClose(1006)
    expect(h.onClose).toHaveBeenCalledWith({ code: 1006, reason: '', opened: false })

    const h2 = handlers()
    openWebSocket('ws://x', undefined, h2, platform)
    FakeWebSocket.last.open()
    FakeWebSocket.last.serverClose(1013, 'retry-after=50')
    expect(h2.onClose).toHaveBeenCalledWith({ code: 1013, reason: 'retry-after=50', opened: true })
  })

  it('close() and closeWith() fire no further callbacks; stale events are no-ops', () => {
    const h = handlers()
    const attempt = openWebSocket('ws://x', undefined, h, platform)
    const socket = FakeWebSocket.last
    socket.open()
    attempt.closeWith(1000, 'ping timeout')
    attempt.close()
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'ping timeout' })
    socket.receive('late')
    socket.serverClose(1000)
    expect(h.onMessage).not.toHaveBeenCalled()
    expect(h.onClose).not.toHaveBeenCalled()
    expect(() => attempt.send('x')).toThrow(expect.objectContaining({ code: 'closed' }))
    // handlers stay callable (the ws package throws on 'error' without a listener)
    expect(() => socket.onerror?.({})).not.toThrow()
  })

  it('maps close codes browsers refuse to 1000', () => {
    const attempt = openWebSocket('ws://x', undefined, handlers(), platform)
    attempt.closeWith(1011, 'nope')
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: 'nope' })
    const other = openWebSocket('ws://x', undefined, handlers(), platform)
    other.closeWith(4010, 'idle')
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 4010, reason: 'idle' })
  })

  it('turns a constructor throw into a fatal invalid_options error', () => {
    const Throwing = class {
      constructor() {
        throw new SyntaxError('bad url')
      }
    } as unknown as typeof FakeWebSocketConstructor
    const caught = thrownBy(() => openWebSocket('nope', undefined, handlers(), fakePlatform({ WebSocket: Throwing })))
    expect(isSwitchlineError(caught, 'invalid_options')).toBe(true)
    expect((caught as { fatal: boolean }).fatal).toBe(true)
  })
})
