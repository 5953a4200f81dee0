import { describe, expectTypeOf, it } from 'vitest'
import { createClient } from './client'
import type { EventMeta, EventsOf, PublishResult, Subscription } from '../types'

interface Order {
  id: string
  total: number
}
interface Cancel {
  id: string
  reason: string
}
interface ChatMsg {
  text: string
}

type Schema = {
  orders: { receive: Order | Cancel; events: { 'order-update': Order; 'order-cancel': Cancel; heartbeat: never } }
  chat: { receive: ChatMsg; send: ChatMsg; events: { message: ChatMsg; typing: { from: string } } }
  prices: { receive: number }
}

const rt = createClient<Schema>({ url: 'https://api.example.com/rt', sendChannels: ['chat'] })

describe('channel named events, from the schema', () => {
  it('on(name) is typed by the channel’s events', () => {
    const orders = rt.subscribe('orders')
    orders.on('order-update', (order, meta) => {
      expectTypeOf(order).toEqualTypeOf<Order>()
      expectTypeOf(meta).toEqualTypeOf<EventMeta>()
    })
    orders.on('order-cancel', (cancel) => expectTypeOf(cancel).toEqualTypeOf<Cancel>())
    expectTypeOf(orders.on('heartbeat', () => {})).toEqualTypeOf<() => void>()
    // @ts-expect-error — not one of the channel's events
    orders.on('order-updated', () => {})
    // @ts-expect-error — the cancel carries a Cancel
    orders.on('order-cancel', (order: Order) => order.total)
  })

  it('a sending channel with events keeps its typed send()', () => {
    const chat = rt.subscribe('chat', { key: 'room-a' })
    chat.on('typing', ({ from }) => expectTypeOf(from).toEqualTypeOf<string>())
    expectTypeOf(chat.send({ text: 'hi' })).toEqualTypeOf<Promise<PublishResult>>()
    // @ts-expect-error — not one of the chat's events
    chat.off('order-update')
  })

  it('a channel without events takes any name with its receive type', () => {
    const prices = rt.subscribe('prices')
    expectTypeOf(prices).toEqualTypeOf<Subscription<number>>()
    prices.on('tick', (price) => expectTypeOf(price).toEqualTypeOf<number>())
    expectTypeOf<EventsOf<Schema['prices']>>().toEqualTypeOf<Record<string, number>>()
    expectTypeOf<EventsOf<Schema['orders']>>().toEqualTypeOf<Schema['orders']['events']>()
  })

  it('without a schema any channel takes any name', () => {
    createClient({ url: 'https://api.example.com/rt' })
      .subscribe('anything')
      .on('x', (data) => expectTypeOf(data).toEqualTypeOf<unknown>())
  })
})
