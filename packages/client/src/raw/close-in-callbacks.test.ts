/**
 * An app that closes its subscription from inside a callback, at the moment the stream opens: nothing may throw
 * into the transport's handlers, `ready()` must reject with `closed` (not resolve), and no timer may be left
 * running (the supervisor's reset-after-healthy countdown, a pinger, a stall watchdog). Through the public
 * `subscribe()` of each entry, on manual timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { manualTimers } from '../../test/fakes/manual-timers'
import { FakeWebSocket, FakeWebSocketConstructor } from '../../test/fakes/websocket'
import { flushMicrotasks } from '../../test/support/async'
import { streamingResponse } from '../../test/support/streaming-response'
import type { StateChange, Subscription } from '../types'
import { subscribe as subscribeSse } from './subscribe-sse'
import { subscribe as subscribeWs } from './subscribe-ws'

const uncaught: unknown[] = []
const onUncaught = (error: unknown) => uncaught.push(error)
beforeEach(() => {
  FakeWebSocket.reset()
  uncaught.length = 0
  process.on('uncaughtException', onUncaught)
})
afterEach(() => {
  process.off('uncaughtException', onUncaught)
})

function sseFetch() {
  return vi.fn(async () => streamingResponse().response) as unknown as typeof globalThis.fetch
}

describe('closing from onState("open")', () => {
  it('raw WebSocket with ping: ready() rejects with closed, nothing throws, no timer runs on', async () => {
    const timers = manualTimers()
    const states: string[] = []
    let sub: Subscription<unknown> | undefined
    sub = subscribeWs('ws://x.test/feed', {
      ping: { message: 'ping', isPong: (text: string) => text === 'pong', intervalMs: 1000, timeoutMs: 500 },
      platform: { WebSocket: FakeWebSocketConstructor, timers },
      onState: (change: StateChange) => {
        states.push(change.to)
        if (change.to === 'open') sub?.close()
      },
    })
    const ready = sub.ready()
    await flushMicrotasks()
    expect(() => FakeWebSocket.last.open()).not.toThrow()
    await expect(ready).rejects.toMatchObject({ code: 'closed' })
    expect(states).toEqual(['open', 'closed'])
    expect(sub.state).toBe('closed')
    expect(timers.pending).toBe(0)
    timers.advance(60_000)
    expect(FakeWebSocket.last.sent).toEqual([])
    expect(uncaught).toEqual([])
  })

  it('raw SSE: ready() rejects with closed, nothing throws, no timer runs on', async () => {
    const timers = manualTimers()
    const states: string[] = []
    const onError = vi.fn()
    let sub: Subscription<unknown> | undefined
    sub = subscribeSse('http://x.test/feed', {
      platform: { fetch: sseFetch(), timers },
      onError,
      onState: (change: StateChange) => {
        states.push(change.to)
        if (change.to === 'open') sub?.close()
      },
    })
    const ready = sub.ready()
    await flushMicrotasks()
    await expect(ready).rejects.toMatchObject({ code: 'closed' })
    expect(states).toEqual(['open', 'closed'])
    expect(timers.pending).toBe(0)
    timers.advance(60_000)
    expect(onError).not.toHaveBeenCalled()
    expect(uncaught).toEqual([])
  })
})
