/** Raw `subscribe()` over WebSocket against msw's `ws.link()` in Node, with a manual clock for ping/pong. */
import './msw-globals'
import { ws } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { subscribe } from '../src/raw/subscribe'
import type { StateChange } from '../src/types'
import { manualTimers } from './fakes/manual-timers'
import { fakeOnline, fakeVisibility } from './fakes/platform'
import { deferred } from './support/async'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const URL_ = 'ws://api.test/feed'

/** Waits until `predicate()` holds, yielding to I/O between checks (no timers, no sleeps). */
async function until(predicate: () => boolean, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (predicate()) return
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  throw new Error('condition not reached')
}

interface ServerSide {
  connections: number
  received: string[]
  closes: number
  answerPings: boolean
}

function feedServer(): ServerSide {
  const side: ServerSide = { connections: 0, received: [], closes: 0, answerPings: true }
  const feed = ws.link(URL_)
  server.use(
    feed.addEventListener('connection', ({ client }) => {
      side.connections++
      client.send(JSON.stringify({ hello: side.connections }))
      client.addEventListener('message', (event) => {
        const text = String(event.data)
        if (text === 'ping') {
          if (side.answerPings) client.send('pong')
          return
        }
        side.received.push(text)
        if (text === '"echo"') client.send('"echoed"')
      })
      client.addEventListener('close', () => side.closes++)
    }),
  )
  return side
}

describe('raw subscribe() over WebSocket (msw ws.link)', () => {
  it('delivers text messages, sends JSON, and flushes sends queued before open', async () => {
    const side = feedServer()
    const events: unknown[] = []
    const sub = subscribe(URL_, { onEvent: (data) => events.push(data) })
    expect(sub.transport).toBe('websocket')
    const queued = sub.send('queued before open')
    await expect(queued).resolves.toEqual({ eventId: undefined })
    await until(() => events.length === 1)
    expect(events).toEqual([{ hello: 1 }])
    await sub.send('echo')
    await until(() => events.length === 2)
    expect(events[1]).toBe('echoed')
    expect(side.received).toEqual(['"queued before open"', '"echo"'])
    sub.close()
    await expect(sub.send('late')).rejects.toMatchObject({ code: 'closed' })
    await until(() => side.closes === 1)
  })

  it('format text: raw strings both ways', async () => {
    const side = feedServer()
    const events: unknown[] = []
    const sub = subscribe(URL_, { format: 'text', onEvent: (data) => events.push(data) })
    await until(() => events.length === 1)
    expect(events[0]).toBe('{"hello":1}')
    await sub.send(42)
    await until(() => side.received.length === 1)
    expect(side.received).toEqual(['42'])
    sub.close()
  })

  it('pings on the clock, hides pongs, and reconnects a socket whose pong is late', async () => {
    const side = feedServer()
    const timers = manualTimers()
    const events: unknown[] = []
    const states: StateChange[] = []
    let pongs = 0
    const isPong = (text: string): boolean => text === 'pong' && ++pongs > 0
    const sub = subscribe(URL_, {
      onEvent: (data) => events.push(data),
      onState: (change) => states.push(change),
      ping: { message: 'ping', isPong, intervalMs: 1000, timeoutMs: 500 },
      reconnect: { backoff: () => 200 },
      platform: { timers },
    })
    await until(() => events.length === 1)
    for (let i = 1; i <= 3; i++) {
      timers.advance(1000)
      await until(() => pongs === i) // answered: the next advance must not fire a pong timeout
    }
    expect(side.received).toEqual([])
    expect(side.connections).toBe(1)
    expect(events).toEqual([{ hello: 1 }]) // pongs are not delivered
    side.answerPings = false
    timers.advance(1000)
    timers.advance(500)
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', delayMs: 200, error: { code: 'timeout' } })
    await until(() => side.closes === 1)
    timers.advance(200)
    await until(() => events.length === 2)
    expect(events[1]).toEqual({ hello: 2 })
    expect(side.connections).toBe(2)
    expect(sub.state).toBe('open')
    sub.close()
  })

  it('clean teardown: no timer, no platform listener, socket closed', async () => {
    const side = feedServer()
    const timers = manualTimers()
    const online = fakeOnline()
    const visibility = fakeVisibility()
    const opened = deferred<void>()
    const sub = subscribe(URL_, {
      onState: (change) => change.to === 'open' && opened.resolve(),
      ping: { message: 'ping', isPong: (text) => text === 'pong' },
      reconnect: { pauseWhenHidden: true },
      platform: { timers, online, visibility },
    })
    await opened.promise
    expect(timers.pending).toBeGreaterThan(0) // reset-after-healthy + ping
    expect(online.listeners).toBe(1)
    expect(visibility.listeners).toBe(1)
    sub.close()
    expect(timers.pending).toBe(0)
    expect(online.listeners).toBe(0)
    expect(visibility.listeners).toBe(0)
    await until(() => side.closes === 1)
  })
})
