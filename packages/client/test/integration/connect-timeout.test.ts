/**
 * Connect timeout against the real server: with every write held back (`faults.stall(true)`) before the client
 * connects, the SSE request gets no headers (Node writes them with the first byte) and the WebSocket opens but
 * never hears `welcome`. Each attempt fails with a retryable `timeout` and is retried; the client recovers once
 * the stall ends.
 */
import { describe, expect, it } from 'vitest'
import type { StateChange } from '../../src/types'
import { createWaiter, useServerAndClient } from './harness'

type Schema = {
  ticker: { receive: { n: number } }
  chat: { receive: { n: number }; send: { text: string } }
}

const setup = useServerAndClient<Schema>()

describe('connect timeout', { timeout: 20_000 }, () => {
  for (const [channel, transport] of [
    ['ticker', 'sse'],
    ['chat', 'websocket'],
  ] as const) {
    it(`over ${transport}: a server that accepts and never answers → connecting → reconnecting (timeout), then recovers`, async () => {
      const h = await setup.startServer()
      h.faults.stall(true)
      const waiter = createWaiter()
      const rt = setup.createClient({ sendChannels: ['chat'], connectTimeoutMs: 150 })
      const states: StateChange[] = []
      const received: number[] = []
      const sub = rt.subscribe(channel, {
        onEvent: (data) => {
          received.push(data.n)
          waiter.notify()
        },
        onState: (change) => {
          states.push(change)
          waiter.notify()
        },
      })
      expect(sub.state).toBe('connecting')
      await waiter.until(() => states.filter((s) => s.to === 'reconnecting').length >= 2, 'two timed-out attempts')
      expect(sub.transport).toBe(transport)
      expect(states.some((s) => s.to === 'open')).toBe(false)
      const waits = states.filter((s) => s.to === 'reconnecting')
      for (const wait of waits) expect(wait.error).toMatchObject({ code: 'timeout', fatal: false })
      expect(waits.map((s) => s.attempt)).toEqual(waits.map((_, i) => i + 1))
      expect(states[0]).toMatchObject({ from: 'connecting', to: 'reconnecting' })

      h.faults.stall(false)
      await waiter.until(() => sub.state === 'open', 'open after the stall ends')
      expect(sub.transport).toBe(transport) // a WebSocket that opened and timed out is not "blocked"
      h.server.publish(channel, { n: 1 })
      await waiter.until(() => received.length === 1, 'an event')
      expect(received).toEqual([1])
    })
  }
})
