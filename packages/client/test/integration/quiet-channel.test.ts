/**
 * A channel subscribed without a cursor that has not received an event yet ("quiet") still resumes without
 * loss: the client takes the server's head cursor (R9) from `sl-ready` / `subscribed` as the channel's cursor.
 */
import { describe, expect, it } from 'vitest'
import type { GapInfo, StateChange } from '../../src/types'
import { createWaiter, useServerAndClient } from './harness'

type Schema = {
  ticker: { receive: { n: number } }
  chat: { receive: { n: number }; send: { text: string } }
}

const setup = useServerAndClient<Schema>()

describe('a quiet channel (no cursor, no event yet) across a drop', { timeout: 20_000 }, () => {
  for (const [channel, transport] of [
    ['ticker', 'sse'],
    ['chat', 'websocket'],
  ] as const) {
    it(`over ${transport}: every event published during the drop arrives exactly once, no gap`, async () => {
      const h = await setup.startServer()
      h.server.publish('ticker:other', { n: -1 }) // the log is not empty: the head cursor is a real id
      const waiter = createWaiter()
      const rt = setup.createClient({ sendChannels: ['chat'] })
      const received: number[] = []
      const gaps: GapInfo[] = []
      const states: StateChange[] = []
      const sub = rt.subscribe(channel, {
        key: 'quiet',
        onEvent: (data) => {
          received.push(data.n)
          waiter.notify()
        },
        onGap: (gap) => gaps.push(gap),
        onState: (change) => {
          states.push(change)
          waiter.notify()
        },
      })
      await waiter.until(() => sub.state === 'open', `${channel} open`)
      expect(sub.transport).toBe(transport)
      expect(sub.lastEventId).toBeUndefined()

      const opensBefore = states.filter((s) => s.to === 'open').length
      h.faults.drop(transport === 'sse' ? 'sse' : 'ws')
      for (const n of [1, 2, 3]) h.server.publish(`${channel}:quiet`, { n })
      await waiter.until(() => states.filter((s) => s.to === 'open').length > opensBefore, 'open again after the drop')
      h.server.publish(`${channel}:quiet`, { n: 4 })
      await waiter.until(() => received.includes(4), 'the event published after the reconnect')
      expect(received).toEqual([1, 2, 3, 4])
      expect(gaps).toEqual([])
      expect(states.some((s) => s.to === 'reconnecting')).toBe(true)
    })
  }
})
