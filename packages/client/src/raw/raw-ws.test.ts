import { beforeEach, describe, expect, it } from 'vitest'
import { manualTimers } from '../../test/fakes/manual-timers'
import { FakeWebSocket, FakeWebSocketConstructor } from '../../test/fakes/websocket'
import { SwitchlineError } from '../core/errors'
import type { AttemptContext, AttemptHandle } from '../core/transport-types'
import { createRawWs } from './raw-ws'
import { subscribe } from './subscribe-ws'
import type { SubscriptionSink } from './subscription-core'

beforeEach(() => FakeWebSocket.reset())

describe('raw WebSocket connection', () => {
  it('closed synchronously when it reports open (an app closing in onState): no pinger starts, no timer runs on', async () => {
    const timers = manualTimers()
    const sink = { closed: false, error() {}, deliver() {} } as unknown as SubscriptionSink<unknown>
    const connection = createRawWs(
      'ws://x.test/feed',
      {
        ping: { message: 'ping', isPong: (text) => text === 'pong', intervalMs: 1000, timeoutMs: 500 },
        platform: { WebSocket: FakeWebSocketConstructor, timers },
      },
      sink,
    )
    let handle: AttemptHandle | undefined
    // What the supervisor does when the app closes from onState('open'): the attempt, then the connection.
    const ctx: AttemptContext = {
      attempt: 0,
      opened() {
        handle?.close()
        connection.close(new SwitchlineError('closed', 'the subscription is closed'))
      },
      failed() {},
      minDelay() {},
    }
    handle = await connection.connect(ctx)
    expect(timers.pending).toBe(1) // the connect timeout
    FakeWebSocket.last.open()
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: '' })
    expect(timers.pending).toBe(0)
    timers.advance(10_000)
    expect(FakeWebSocket.last.sent).toEqual([])
  })

  it('a subscription aborted from onTransport (called before subscribe() returns) opens no socket', () => {
    const timers = manualTimers()
    const controller = new AbortController()
    const sub = subscribe('ws://x.test/feed', {
      signal: controller.signal,
      onTransport: () => controller.abort(),
      platform: { WebSocket: FakeWebSocketConstructor, timers },
    })
    expect(sub.state).toBe('closed')
    expect(FakeWebSocket.instances).toHaveLength(0)
    expect(timers.pending).toBe(0)
  })
})
