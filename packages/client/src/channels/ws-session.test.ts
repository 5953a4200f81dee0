import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mulberry32, tick } from '../../test/support'
import { FakeWebSocket, FakeWebSocketConstructor } from '../../test/fakes/websocket'
import { recordingMember } from '../../test/support/fake-member'
import { sessionOptions } from '../../test/support/session'
import type { SwitchlineError } from '../core/errors'
import { resolvePlatform } from '../platform/platform'
import { createWsSession, wsUrl, type WsSessionOptions } from './ws-session'

const platform = () =>
  resolvePlatform({ WebSocket: FakeWebSocketConstructor, EventSource: undefined, random: mulberry32(3) })

function setup(extra: Partial<WsSessionOptions> = {}) {
  const base = sessionOptions()
  const blocked = vi.fn()
  const session = createWsSession({ ...base, platform, onBlocked: blocked, ...extra })
  return { session, tracker: base.tracker, blocked }
}

describe('ws-session', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeWebSocket.reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('maps the base URL to ws(s)://…/ws', () => {
    expect(wsUrl('http://h:1/rt')).toBe('ws://h:1/rt/ws')
    expect(wsUrl('https://h/rt')).toBe('wss://h/rt/ws')
  })

  it('hello (with the token) → welcome → one subscribe per channel with its cursor → ready', async () => {
    const { session, tracker } = setup({ token: () => 'tok-1' })
    tracker.set('chat:a', 'e1-7')
    const a = recordingMember('chat:a')
    const b = recordingMember('chat:b', 'e1-3')
    session.add(a)
    session.add(b)
    await tick()
    const socket = FakeWebSocket.last
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(socket.url).toBe('ws://example.test/rt/ws')
    expect(socket.protocols).toEqual(['switchline.v1'])
    socket.welcome()
    expect(socket.frames[0]).toEqual({ type: 'hello', token: 'tok-1' })
    const subs = socket.sentOf('subscribe')
    expect(subs).toEqual([
      { type: 'subscribe', id: expect.any(Number), channel: 'chat:a', cursor: 'e1-7' },
      { type: 'subscribe', id: expect.any(Number), channel: 'chat:b', cursor: 'e1-3' },
    ])
    socket.receive({ type: 'subscribed', id: subs[0]?.id, channel: 'chat:a', cursor: 'e1-0' })
    expect(a.readies).toEqual(['websocket'])
    expect(a.path?.kind).toBe('websocket')
    socket.receive({ type: 'event', channel: 'chat:a', id: 'e1-8', data: { n: 1 } })
    socket.receive({ type: 'event', channel: 'chat:a', id: 'e1-8', data: { n: 1 } }) // duplicate
    socket.receive({ type: 'event', channel: 'chat:a', id: 'e1-9', data: { n: 2 }, event: 'msg' })
    expect(a.events.map((e) => [e.data, e.meta])).toEqual([
      [{ n: 1 }, { id: 'e1-8', channel: 'chat:a', event: 'message', transport: 'websocket' }],
      [{ n: 2 }, { id: 'e1-9', channel: 'chat:a', event: 'msg', transport: 'websocket' }],
    ])
    expect(b.events).toEqual([])
    socket.receive({ type: 'gap', channel: 'chat:b', from: 'e1-3', to: 'e1-20', reason: 'retention' })
    expect(b.gaps).toEqual([{ channel: 'chat:b', from: 'e1-3', to: 'e1-20', reason: 'retention' }])
    session.close()
  })

  it('a channel subscribed without a cursor takes the head cursor of subscribed (R9); a real cursor is kept', async () => {
    const { session, tracker } = setup()
    session.add(recordingMember('chat:quiet'))
    session.add(recordingMember('chat:given', 'e1-3'))
    await tick()
    const first = FakeWebSocket.last
    first.welcome()
    expect(first.sentOf('subscribe').find((f) => f.channel === 'chat:quiet')).not.toHaveProperty('cursor')
    first.subscribed('chat:quiet', 'e1-40')
    first.subscribed('chat:given', 'e1-40')
    expect(tracker.get('chat:quiet')).toBe('e1-40')
    expect(tracker.get('chat:given')).toBeUndefined() // its replay from e1-3 follows
    first.receive({ type: 'event', channel: 'chat:given', id: 'e1-4', data: 4 })
    expect(tracker.get('chat:given')).toBe('e1-4')

    first.serverClose(1006) // dropped before 'chat:quiet' saw an event
    await vi.advanceTimersByTimeAsync(100)
    const second = FakeWebSocket.last
    expect(second).not.toBe(first)
    second.welcome()
    expect(second.sentOf('subscribe')).toEqual([
      { type: 'subscribe', id: expect.any(Number), channel: 'chat:quiet', cursor: 'e1-40' },
      { type: 'subscribe', id: expect.any(Number), channel: 'chat:given', cursor: 'e1-4' },
    ])
    second.subscribed('chat:quiet', 'e1-50')
    expect(tracker.get('chat:quiet')).toBe('e1-40')
    session.close()
  })

  it('connect timeout: a socket that never opens is closed after connectTimeoutMs and counts as a failure before open', async () => {
    const { session, blocked } = setup({ connectTimeoutMs: 3000 })
    const a = recordingMember('chat:a')
    session.add(a)
    await tick()
    const first = FakeWebSocket.last
    await vi.advanceTimersByTimeAsync(2999)
    expect(first.closedWith).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(first.closedWith).toEqual({ code: 1000, reason: 'connect timeout' })
    expect(a.states.at(-1)).toMatchObject({ to: 'reconnecting', error: { code: 'timeout', fatal: false }, attempt: 1 })
    expect(blocked).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(100)
    expect(FakeWebSocket.instances).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(3000) // the second one times out before open too: blocked
    expect(blocked).toHaveBeenCalledOnce()
    session.close()
  })

  it('connect timeout: open without welcome times out (not blocked); welcome in time stops the timer', async () => {
    const { session, blocked } = setup({ connectTimeoutMs: 3000 })
    const a = recordingMember('chat:a')
    session.add(a)
    await tick()
    FakeWebSocket.last.open()
    expect(FakeWebSocket.last.sentOf('hello')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(3000)
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: 'connect timeout' })
    expect(a.states.at(-1)).toMatchObject({ to: 'reconnecting', error: { code: 'timeout' } })
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.open()
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.receive({ type: 'welcome', epoch: 'e1', idleTimeoutMs: 45_000, maxFrameBytes: 65_536 })
    FakeWebSocket.last.subscribed('chat:a')
    expect(a.readies).toEqual(['websocket'])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(FakeWebSocket.last.closedWith).toBeUndefined()
    expect(blocked).not.toHaveBeenCalled()
    session.close()
  })

  it('publish frames carry id + mid; ack resolves, an error frame with that id rejects', async () => {
    const { session } = setup()
    const a = recordingMember('chat:a')
    session.add(a)
    await tick()
    FakeWebSocket.last.welcome({ maxFrameBytes: 1234 })
    expect(a.path?.maxFrameBytes).toBe(1234)
    const done1 = vi.fn()
    const done2 = vi.fn()
    a.path?.publish({ channel: 'chat:a', data: 'x', mid: 'm1' }, done1)
    a.path?.publish({ channel: 'chat:a', data: 'y', mid: 'm2' }, done2)
    const [p1, p2] = FakeWebSocket.last.sentOf('publish')
    expect(p1).toEqual({ type: 'publish', id: expect.any(Number), channel: 'chat:a', data: 'x', mid: 'm1' })
    FakeWebSocket.last.receive({ type: 'ack', id: p1?.id, eventId: 'e1-4' })
    expect(done1).toHaveBeenCalledWith({ eventId: 'e1-4' })
    FakeWebSocket.last.receive({ type: 'error', id: p2?.id, code: 'send_not_allowed', message: 'no', fatal: true })
    const error = done2.mock.calls[0]?.[0] as SwitchlineError
    expect(error).toMatchObject({ code: 'protocol', protocolCode: 'send_not_allowed', fatal: true })
    expect(a.failures).toEqual([]) // a publish error does not fail the channel
    session.close()
  })

  it('pings every interval; a missing pong closes the socket and reconnects', async () => {
    const { session } = setup({ ping: { intervalMs: 1000, timeoutMs: 500 } })
    const a = recordingMember('chat:a')
    session.add(a)
    await tick()
    const first = FakeWebSocket.last
    first.welcome()
    await vi.advanceTimersByTimeAsync(1000)
    const ping = first.sentOf('ping')[0]
    expect(ping).toEqual({ type: 'ping', id: expect.any(Number) })
    first.receive({ type: 'pong', id: ping?.id })
    await vi.advanceTimersByTimeAsync(1000) // second ping, never answered
    expect(first.sentOf('ping')).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(500)
    expect(first.closedWith).toEqual({ code: 1000, reason: 'ping timeout' })
    expect(a.path).toBeUndefined()
    expect(a.states.at(-1)).toMatchObject({ to: 'reconnecting', from: 'websocket' })
    await vi.advanceTimersByTimeAsync(100)
    expect(FakeWebSocket.instances).toHaveLength(2)
    session.close()
  })

  it('close 1013 with retry-after=<ms>: the next attempt waits at least that long', async () => {
    const { session } = setup()
    const a = recordingMember('chat:a')
    session.add(a)
    await tick()
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.serverClose(1013, 'retry-after=2500')
    expect(a.states.at(-1)).toMatchObject({ to: 'reconnecting', error: { closeCode: 1013, retryAfterMs: 2500 } })
    const delay = a.states.at(-1)?.delayMs ?? Number.NaN
    expect(delay).toBeGreaterThanOrEqual(2500 + 100) // the floor of the jitter range (test backoff: 100 ms)
    expect(delay).toBeLessThan(2 * 2500 + 100)
    await vi.advanceTimersByTimeAsync(delay - 1)
    expect(FakeWebSocket.instances).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeWebSocket.instances).toHaveLength(2)
    session.close()
  })

  it('close 4001 asks the token provider again', async () => {
    const tokens = ['t1', 't2']
    const token = vi.fn(() => tokens.shift())
    const { session } = setup({ token })
    session.add(recordingMember('chat:a'))
    await tick()
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.serverClose(4001, 'unauthorized')
    await vi.advanceTimersByTimeAsync(0)
    await tick()
    expect(token).toHaveBeenCalledTimes(2)
    expect(FakeWebSocket.instances).toHaveLength(2)
    FakeWebSocket.last.open()
    expect(FakeWebSocket.last.frames[0]).toEqual({ type: 'hello', token: 't2' })
    session.close()
  })

  it('a fatal close (4003) fails every channel on it, without reconnecting', async () => {
    const onEmpty = vi.fn()
    const { session } = setup({ onEmpty })
    const a = recordingMember('chat:a')
    const b = recordingMember('chat:b')
    session.add(a)
    session.add(b)
    await tick()
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.serverClose(4003, 'forbidden')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(a.failures[0]?.error).toMatchObject({ code: 'close_code', closeCode: 4003, fatal: true })
    expect(b.failures).toHaveLength(1)
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a malformed frame is reported and skipped; the socket stays', async () => {
    const { session } = setup()
    const a = recordingMember('chat:a')
    session.add(a)
    await tick()
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.receive('{malformed')
    FakeWebSocket.last.receive({ type: 'event', channel: 'chat:a' })
    expect(a.errors.map((e) => e.code)).toEqual(['malformed_frame', 'malformed_frame'])
    FakeWebSocket.last.receive({ type: 'event', channel: 'chat:a', id: 'e1-1', data: 1 })
    expect(a.events).toHaveLength(1)
    expect(FakeWebSocket.last.closedWith).toBeUndefined()
    session.close()
  })

  it('an error frame for one subscribe fails only that channel', async () => {
    const { session } = setup()
    const good = recordingMember('chat:a')
    const bad = recordingMember('nope')
    session.add(good)
    session.add(bad)
    await tick()
    FakeWebSocket.last.welcome()
    const sub = FakeWebSocket.last.sentOf('subscribe').find((f) => f.channel === 'nope')
    FakeWebSocket.last.receive({
      type: 'error',
      id: sub?.id,
      code: 'unknown_channel',
      message: 'no such channel',
      fatal: true,
    })
    expect(bad.failures[0]?.error).toMatchObject({ protocolCode: 'unknown_channel', fatal: true })
    expect(good.failures).toEqual([])
    expect(session.has(bad)).toBe(false)
    expect(session.has(good)).toBe(true)
    session.close()
  })

  it('removing a channel unsubscribes; the last one out closes the socket and leaves no timer', async () => {
    const onEmpty = vi.fn()
    const { session } = setup({ onEmpty })
    const a = recordingMember('chat:a')
    const b = recordingMember('chat:b')
    session.add(a)
    session.add(b)
    await tick()
    FakeWebSocket.last.welcome()
    session.remove(a)
    expect(FakeWebSocket.last.sentOf('unsubscribe')).toEqual([
      { type: 'unsubscribe', id: expect.any(Number), channel: 'chat:a' },
    ])
    session.remove(b)
    expect(onEmpty).toHaveBeenCalledOnce()
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: '' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('two failures before open in a row report the WebSocket blocked', async () => {
    const { session, blocked } = setup()
    session.add(recordingMember('chat:a'))
    await tick()
    FakeWebSocket.last.serverClose(1006)
    expect(blocked).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    expect(blocked).toHaveBeenCalledOnce()
    session.close()
  })

  it('a socket that opened resets the count of failures before open', async () => {
    const { session, blocked } = setup()
    session.add(recordingMember('chat:a'))
    await tick()
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.welcome()
    FakeWebSocket.last.serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006)
    expect(blocked).not.toHaveBeenCalled()
    session.close()
  })

  it('a socket that opens and then drops, again and again (before welcome or any event), is never marked blocked', async () => {
    const { session, blocked } = setup()
    const a = recordingMember('chat:a')
    session.add(a)
    await tick()
    FakeWebSocket.last.serverClose(1006) // one failure before open
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(100)
      FakeWebSocket.last.open()
      FakeWebSocket.last.serverClose(1006)
    }
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006) // a failure before open again: not consecutive with the first
    expect(blocked).not.toHaveBeenCalled()
    expect(FakeWebSocket.instances).toHaveLength(8)
    expect(a.states.filter((s) => s.to === 'reconnecting').map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(a.failures).toEqual([])
    await vi.advanceTimersByTimeAsync(100)
    FakeWebSocket.last.serverClose(1006) // and a second one in a row: now it is blocked
    expect(blocked).toHaveBeenCalledOnce()
    session.close()
  })
})
