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
    const attempt = openWebSocket('ws://x/feed', ['a', 'b'], h, platform, 1000)
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
    openWebSocket('ws://x', undefined, h, platform, 1000)
    expect(FakeWebSocket.last.protocols).toBeUndefined()
    FakeWebSocket.last.serverClose(1006)
    expect(h.onClose).toHaveBeenCalledWith({ code: 1006, reason: '', opened: false })

    const h2 = handlers()
    openWebSocket('ws://x', undefined, h2, platform, 1000)
    FakeWebSocket.last.open()
    FakeWebSocket.last.serverClose(1013, 'retry-after=50')
    expect(h2.onClose).toHaveBeenCalledWith({ code: 1013, reason: 'retry-after=50', opened: true })
  })

  it('close() and closeWith() fire no further callbacks; stale events are no-ops', () => {
    const h = handlers()
    const attempt = openWebSocket('ws://x', undefined, h, platform, 1000)
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

  it('terminate(): the ws package drops the socket without a handshake; browsers close(1000, reason); no callback after', () => {
    const h = handlers()
    const attempt = openWebSocket('ws://x', undefined, h, platform, 1000)
    const socket = FakeWebSocket.last
    const terminate = vi.fn()
    Object.assign(socket, { terminate })
    socket.open()
    attempt.terminate('ping timeout')
    attempt.terminate('again')
    expect(terminate).toHaveBeenCalledOnce()
    expect(socket.closedWith).toBeUndefined() // no close frame into a dead connection
    socket.receive('late')
    socket.serverClose(1006)
    expect(h.onMessage).not.toHaveBeenCalled()
    expect(h.onClose).not.toHaveBeenCalled()

    const h2 = handlers()
    const browserLike = openWebSocket('ws://x', undefined, h2, platform, 1000) // FakeWebSocket has no terminate()
    FakeWebSocket.last.open()
    browserLike.terminate('ping timeout')
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: 'ping timeout' })
    FakeWebSocket.last.receive('late')
    FakeWebSocket.last.serverClose(1000)
    expect(h2.onMessage).not.toHaveBeenCalled()
    expect(h2.onClose).not.toHaveBeenCalled()
  })

  it("passes maxPayload to the constructor; ws's over-maxPayload error is reported at once as payload_too_large + close 1009", () => {
    const h = handlers()
    openWebSocket('ws://x', undefined, h, platform, 4096)
    const socket = FakeWebSocket.last
    expect(socket.options).toEqual({ maxPayload: 4096 })
    socket.open()
    socket.onerror?.({ error: { code: 'ECONNRESET' } }) // any other error waits for the close
    expect(h.onClose).not.toHaveBeenCalled()
    socket.onerror?.({
      error: Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }),
    })
    expect(h.onError.mock.calls[0]?.[0]).toMatchObject({ code: 'payload_too_large', fatal: false, closeCode: 1009 })
    expect(h.onError.mock.calls[0]?.[0].message).toContain('4096')
    expect(h.onClose).toHaveBeenCalledWith({ code: 1009, reason: 'message too big', opened: true })
    socket.serverClose(1006) // ws's own close, later: nothing more
    socket.receive('late')
    expect(h.onClose).toHaveBeenCalledOnce()
    expect(h.onMessage).not.toHaveBeenCalled()
    expect(socket.closedWith).toBeUndefined() // ws finishes its own closing handshake
  })

  it('maps close codes browsers refuse to 1000', () => {
    const attempt = openWebSocket('ws://x', undefined, handlers(), platform, 1000)
    attempt.closeWith(1011, 'nope')
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: 'nope' })
    const other = openWebSocket('ws://x', undefined, handlers(), platform, 1000)
    other.closeWith(4010, 'idle')
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 4010, reason: 'idle' })
  })

  it('turns a constructor throw into a fatal invalid_options error', () => {
    const Throwing = class {
      constructor() {
        throw new SyntaxError('bad url')
      }
    } as unknown as typeof FakeWebSocketConstructor
    const caught = thrownBy(() =>
      openWebSocket('nope', undefined, handlers(), fakePlatform({ WebSocket: Throwing }), 1000),
    )
    expect(isSwitchlineError(caught, 'invalid_options')).toBe(true)
    expect((caught as { fatal: boolean }).fatal).toBe(true)
  })
})
