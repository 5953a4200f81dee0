/**
 * Typed named events on `createClient()` channels against the real server: the publisher's `event` name
 * (docs/protocol.md §5, `server.publish(channel, data, { event })`) reaches `on(name)` over SSE and over the
 * WebSocket, and across a reconnect (a replayed event is not delivered twice).
 */
import { describe, expect, it } from 'vitest'
import type { EventMeta } from '../../src/types'
import { createWaiter, useServerAndClient } from './harness'

interface Order {
  id: string
  total: number
}
interface Cancel {
  id: string
  reason: string
}
type OrderEvents = { 'order-update': Order; 'order-cancel': Cancel }

type Schema = {
  ticker: { receive: Order | Cancel; events: OrderEvents }
  chat: {
    receive: Order | Cancel | { text: string }
    send: { text: string }
    events: OrderEvents & { message: { text: string } }
  }
}

const setup = useServerAndClient<Schema>()

describe('named channel events (on) against @switchline/server', { timeout: 20_000 }, () => {
  it.each([
    ['SSE', 'ticker' as const],
    ['WebSocket', 'chat' as const],
  ])('over %s: on(name) gets the publisher-named events; onEvent every event', async (transport, name) => {
    const h = await setup.startServer()
    const waiter = createWaiter()
    const rt = setup.createClient({ sendChannels: ['chat'] })
    const all: string[] = []
    const sub = rt.subscribe(name, {
      key: 'shop',
      onState: () => waiter.notify(),
      onEvent: (_data, meta) => {
        all.push(meta.event)
        waiter.notify()
      },
    })
    const updates: Array<[Order, EventMeta]> = []
    const cancels: Cancel[] = []
    sub.on('order-update', (order, meta) => updates.push([order, meta]))
    sub.on('order-cancel', (cancel) => cancels.push(cancel))
    await waiter.until(() => sub.state === 'open', 'open')
    expect(sub.transport).toBe(transport === 'SSE' ? 'sse' : 'websocket')
    const channel = `${name}:shop`
    const first = h.server.publish(channel, { id: 'a', total: 10 }, { event: 'order-update' })
    h.server.publish(channel, { text: 'unnamed' })
    h.server.publish(channel, { id: 'b', reason: 'out of stock' }, { event: 'order-cancel' })
    await waiter.until(() => all.length === 3, 'three events')
    expect(updates).toEqual([
      [
        { id: 'a', total: 10 },
        { id: first, channel, event: 'order-update', transport: sub.transport },
      ],
    ])
    expect(cancels).toEqual([{ id: 'b', reason: 'out of stock' }])
    expect(all).toEqual(['order-update', 'message', 'order-cancel'])
  })

  it('after a dropped connection the resume delivers each named event once; close() removes the handlers', async () => {
    const h = await setup.startServer()
    const waiter = createWaiter()
    const rt = setup.createClient()
    const states: string[] = []
    const sub = rt.subscribe('ticker', {
      onState: (change) => {
        states.push(change.to)
        waiter.notify()
      },
      onEvent: () => waiter.notify(),
    })
    const totals: number[] = []
    sub.on('order-update', (order) => totals.push(order.total))
    await waiter.until(() => sub.state === 'open', 'open')
    h.server.publish('ticker', { id: 'a', total: 1 }, { event: 'order-update' })
    await waiter.until(() => totals.length === 1, 'the first update')
    h.faults.drop('sse')
    h.server.publish('ticker', { id: 'a', total: 2 }, { event: 'order-update' }) // published while it reconnects
    await waiter.until(() => totals.length === 2 && sub.state === 'open', 'the update published during the drop')
    h.server.publish('ticker', { id: 'a', total: 3 }, { event: 'order-update' })
    await waiter.until(() => totals.length === 3, 'the live update after the resume')
    expect(totals).toEqual([1, 2, 3])
    expect(states).toContain('reconnecting') // the drop was seen: event 2 came by the resume
    expect(states.at(-1)).toBe('open')
    expect(h.server.stats().sse.accepted).toBe(2)
    sub.close()
    h.server.publish('ticker', { id: 'a', total: 4 }, { event: 'order-update' })
    expect(sub.on('order-update', (order) => totals.push(order.total))).toBeTypeOf('function')
    expect(totals).toEqual([1, 2, 3])
  })
})
