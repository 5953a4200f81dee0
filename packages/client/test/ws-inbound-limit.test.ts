/**
 * Incoming WebSocket messages are bounded (`maxMessageBytes`). In Node over `ws`, `maxPayload` refuses a large frame
 * at its header — the peer sees close 1009, the client never buffers it; where the platform has read it anyway
 * (browsers: here the scripted FakeWebSocket), it is dropped and the socket stays. Against a plain `ws` server and
 * the reference server on 127.0.0.1, port 0; the client's time is a manual clock where backoff matters.
 */
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createClient } from '../src/channels/client'
import type { SwitchlineError } from '../src/core/errors'
import { subscribe } from '../src/raw/subscribe'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../src/ws/ws'
import type { StateChange } from '../src/types'
import { FakeWebSocket, FakeWebSocketConstructor } from './fakes/websocket'
import { manualTimers } from './fakes/manual-timers'
import { startServer } from './integration/harness'
import { tick } from './support/async'
import { thrownBy } from './support/thrown'
import { until, usePlainNet } from './support/plain-net'

const net = usePlainNet()
const MiB = 1_048_576

describe('raw subscribe(): maxMessageBytes', () => {
  it('a 50 MB frame from a plain ws server is refused unread (1009), reported, and the stream goes on', async () => {
    const big = JSON.stringify('x'.repeat(50 * 1000 * 1000)) // made before the heap is measured
    const srv = await net.ws((socket) => {
      const n = srv.sockets.length
      socket.send(JSON.stringify({ before: n }))
      if (n === 1) socket.send(big)
      socket.send(JSON.stringify({ after: n }))
    })
    const events: unknown[] = []
    const errors: SwitchlineError[] = []
    const sub = subscribe(srv.url, {
      reconnect: { backoff: () => 0 },
      onEvent: (data) => events.push(data),
      onError: (error) => errors.push(error),
    })
    try {
      await until(() => events.length === 3, 'the first message and the second connection', 10_000)
      expect(events).toEqual([{ before: 1 }, { before: 2 }, { after: 2 }])
      expect(errors[0]).toMatchObject({ code: 'payload_too_large', fatal: false, closeCode: 1009 })
      expect(errors[0]?.message).toContain(String(DEFAULT_MAX_MESSAGE_BYTES))
      await until(() => srv.sockets[0]?.closed !== undefined, 'the server to see the close')
      // `ws` answers 1009 only from the frame's header, before reading its payload: the client never buffered it.
      expect(srv.sockets[0]?.closed).toEqual({ code: 1009 })
    } finally {
      sub.close()
    }
  })

  it('a server that sends the same oversized message on every connection meets a growing backoff, never a hot loop', async () => {
    const srv = await net.ws((socket) => socket.send(JSON.stringify('y'.repeat(2 * MiB))))
    const timers = manualTimers()
    const waits: StateChange[] = []
    const sub = subscribe(srv.url, {
      reconnect: { backoff: (attempt) => 1000 * 2 ** attempt },
      platform: { timers },
      onState: (change) => change.to === 'reconnecting' && waits.push(change),
    })
    try {
      for (let attempt = 1; attempt <= 4; attempt++) {
        await until(() => waits.length === attempt, `failure ${attempt}`)
        expect(srv.sockets).toHaveLength(attempt) // nothing reconnects before its delay
        expect(waits[attempt - 1]).toMatchObject({
          attempt,
          delayMs: 1000 * 2 ** (attempt - 1),
          error: { closeCode: 1009 },
        })
        timers.advance(1000 * 2 ** (attempt - 1))
      }
    } finally {
      sub.close()
    }
  })

  it('where the platform already read it (browsers): dropped with payload_too_large; the socket stays', async () => {
    FakeWebSocket.reset()
    vi.useFakeTimers()
    onTestFinished(() => {
      vi.useRealTimers()
    })
    const events: unknown[] = []
    const errors: SwitchlineError[] = []
    const sub = subscribe('ws://feed.test/x', {
      format: 'text',
      maxMessageBytes: 10,
      platform: { WebSocket: FakeWebSocketConstructor },
      onEvent: (data) => events.push(data),
      onError: (error) => errors.push(error),
    })
    await tick()
    const socket = FakeWebSocket.last
    socket.open()
    socket.receive('0123456789')
    socket.receive('é'.repeat(6)) // 6 characters, 12 bytes of UTF-8
    socket.receive('01234567890')
    socket.receive('ok')
    expect(events).toEqual(['0123456789', 'ok'])
    expect(errors.map((e) => [e.code, e.fatal, e.message.includes('12 B,')])).toEqual([
      ['payload_too_large', false, true],
      ['payload_too_large', false, false],
    ])
    expect(socket.closedWith).toBeUndefined()
    sub.close()
  })

  it('rejects a maxMessageBytes that is not a positive integer (invalid_options), for both forms', () => {
    for (const bad of [0, -1, 1.5, '1mb', Number.NaN]) {
      const options = { maxMessageBytes: bad as number }
      expect(thrownBy(() => subscribe('ws://x.test/', options))).toMatchObject({ code: 'invalid_options' })
      expect(thrownBy(() => createClient({ url: 'http://x.test/rt', ...options }))).toMatchObject({
        code: 'invalid_options',
      })
    }
  })
})

/** Not the report of a failure that will be retried (those carry `attempt`): what the bound itself reported. */
const notRetried = (error: SwitchlineError): boolean => error.attempt === undefined

describe('createClient: maxMessageBytes and welcome.maxFrameBytes', () => {
  afterEach(() => FakeWebSocket.reset())

  it('Node: an event over the bound closes with 1009, then is found and skipped once; nothing else is lost', async () => {
    // The server refuses to publish an event its own connections could not buffer (maxBufferedBytes, 1 MiB by
    // default): room for the 1.5 MiB event, so that the client's bound is what is tested.
    const h = await startServer({ maxBufferedBytes: 8 * MiB })
    const rt = createClient({ url: h.baseUrl, sendChannels: ['chat'], reconnect: { backoff: () => 10 } })
    try {
      const events: unknown[] = []
      const errors: SwitchlineError[] = []
      const states: string[] = []
      rt.subscribe('chat', {
        onEvent: (data) => events.push(data),
        onError: (error) => errors.push(error),
        onState: (change) => states.push(change.to),
      })
      await until(() => states.includes('open'), 'the channel to open')
      h.server.publish('chat', { n: 1 })
      const bigId = h.server.publish('chat', { big: 'z'.repeat(1.5 * MiB) }) // over 1 MiB, under 4 MiB
      h.server.publish('chat', { n: 2 })
      await until(() => events.length === 2, 'the events around the big one')
      expect(events).toEqual([{ n: 1 }, { n: 2 }])
      // The 1009 close is also reported as the retried failure it is (onError sees retried failures, with attempt).
      expect(errors.map((e) => e.code)).toEqual(['payload_too_large', 'network', 'payload_too_large'])
      expect(errors[0]).toMatchObject({ closeCode: 1009 }) // not read: the channel is not known yet
      expect(errors[1]).toMatchObject({ closeCode: 1009, fatal: false, attempt: 1 })
      expect(errors[2]).toMatchObject({ channel: 'chat', fatal: false, message: expect.stringContaining(bigId) })
      expect(h.server.stats().ws.accepted).toBe(2) // one reconnect, no loop

      h.faults.drop('ws') // a later resume goes past it
      h.server.publish('chat', { n: 3 })
      await until(() => events.length === 3, 'the event after a resume')
      expect(events.at(-1)).toEqual({ n: 3 })
      expect(errors.filter(notRetried)).toHaveLength(2) // the drop is a retried failure, the big event is not seen again
    } finally {
      rt.close()
      await h.close()
    }
  })

  it('welcome.maxFrameBytes raises the bound: events within what the server accepts from publishers are delivered', async () => {
    const h = await startServer({ maxFrameBytes: 2 * MiB, maxBufferedBytes: 8 * MiB }) // client bound: 8 MiB
    const rt = createClient({ url: h.baseUrl, sendChannels: ['chat'], reconnect: { backoff: () => 10 } })
    try {
      const events: unknown[] = []
      const errors: SwitchlineError[] = []
      const states: string[] = []
      rt.subscribe('chat', {
        onEvent: (data) => events.push(data),
        onError: (error) => errors.push(error),
        onState: (change) => states.push(change.to),
      })
      await until(() => states.includes('open'), 'the channel to open')
      // The first socket was built before any welcome (1 MiB): it cannot read this one, the resume delivers it.
      h.server.publish('chat', { big: 'w'.repeat(1.5 * MiB) })
      await until(() => events.length === 1, 'the large event')
      expect(errors).toMatchObject([
        { code: 'payload_too_large', closeCode: 1009 },
        { code: 'network', closeCode: 1009, attempt: 1 }, // the retried close, as onError reports every one
      ])
      h.faults.drop('ws')
      await until(
        () => h.server.stats().ws.open === 1 && states.filter((to) => to === 'open').length === 3,
        'the third socket',
      )
      h.server.publish('chat', { big: 'v'.repeat(1.5 * MiB) })
      await until(() => events.length === 2, 'the second large event')
      expect(errors.filter(notRetried)).toHaveLength(1) // built with the announced bound, the third socket reads it at once
      expect(h.server.stats().ws.accepted).toBe(3)
    } finally {
      rt.close()
      await h.close()
    }
  })

  describe('where the platform read the frame (browsers)', () => {
    beforeEach(() => {
      FakeWebSocket.reset()
      vi.useFakeTimers()
    })
    afterEach(() => vi.useRealTimers())

    it('an oversized event is reported to its channel with its id and skipped, the cursor moves past it, the socket stays', async () => {
      const rt = createClient({
        url: 'http://rt.test/rt',
        sendChannels: ['chat', 'news'],
        platform: { WebSocket: FakeWebSocketConstructor },
      })
      const seen: Record<string, { events: unknown[]; errors: SwitchlineError[] }> = {}
      for (const channel of ['chat', 'news']) {
        const log = (seen[channel] = { events: [] as unknown[], errors: [] as SwitchlineError[] })
        rt.subscribe(channel, { onEvent: (data) => log.events.push(data), onError: (error) => log.errors.push(error) })
      }
      await tick()
      const socket = FakeWebSocket.last
      socket.welcome() // maxFrameBytes 65536: bound max(1 MiB, 256 KiB)
      socket.subscribed('chat')
      socket.subscribed('news')
      socket.receive({ type: 'event', channel: 'chat', id: 'e1-1', data: 1 })
      socket.receive({ type: 'event', channel: 'chat', id: 'e1-2', data: 'x'.repeat(MiB) })
      socket.receive({ type: 'event', channel: 'news', id: 'e1-3', data: 3 })
      expect(seen.chat?.events).toEqual([1])
      expect(seen.news?.events).toEqual([3])
      expect(seen.chat?.errors).toMatchObject([
        { code: 'payload_too_large', channel: 'chat', message: expect.stringContaining('e1-2') },
      ])
      expect(seen.news?.errors).toEqual([])
      expect(socket.closedWith).toBeUndefined()

      socket.serverClose(1012) // the resume starts after the skipped event
      await vi.advanceTimersByTimeAsync(10_000)
      expect(FakeWebSocket.instances).toHaveLength(2)
      FakeWebSocket.last.welcome()
      await tick()
      const cursors = Object.fromEntries(FakeWebSocket.last.sentOf('subscribe').map((f) => [f.channel, f.cursor]))
      expect(cursors).toEqual({ chat: 'e1-2', news: 'e1-3' })
      rt.close()
    })

    it('the bound follows welcome: 4 × maxFrameBytes when that is more than maxMessageBytes', async () => {
      const rt = createClient({
        url: 'http://rt.test/rt',
        sendChannels: ['chat'],
        maxMessageBytes: 100_000,
        platform: { WebSocket: FakeWebSocketConstructor },
      })
      const events: unknown[] = []
      const errors: SwitchlineError[] = []
      rt.subscribe('chat', { onEvent: (data) => events.push(data), onError: (error) => errors.push(error) })
      await tick()
      const socket = FakeWebSocket.last
      socket.welcome({ maxFrameBytes: 100_000 }) // bound 400_000
      socket.subscribed('chat')
      socket.receive({ type: 'event', channel: 'chat', id: 'e1-1', data: 'a'.repeat(300_000) })
      socket.receive({ type: 'event', channel: 'chat', id: 'e1-2', data: 'b'.repeat(400_000) })
      expect(events).toHaveLength(1)
      expect(errors).toMatchObject([{ code: 'payload_too_large', message: expect.stringContaining('(400000)') }])
      rt.close()
    })
  })
})
