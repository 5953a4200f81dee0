import { describe, expectTypeOf, it } from 'vitest'
import { subscribe } from './subscribe'
import type { EventMeta, NamedEventHandler, Subscription } from '../types'

interface Order {
  id: string
  total: number
}
interface Cancel {
  id: string
  reason: string
}
type OrderEvents = { 'order-update': Order; 'order-cancel': Cancel; heartbeat: never }

describe('raw subscribe<T, E>() named events', () => {
  it('on(name) is typed by the event map: the handler gets that name’s data and EventMeta', () => {
    const orders = subscribe<Order | Cancel, OrderEvents>('https://shop.example.com/orders')
    orders.on('order-update', (order, meta) => {
      expectTypeOf(order).toEqualTypeOf<Order>()
      expectTypeOf(meta).toEqualTypeOf<EventMeta>()
    })
    orders.on('order-cancel', (cancel) => expectTypeOf(cancel).toEqualTypeOf<Cancel>())
    orders.on('heartbeat', () => {})
    // onEvent and the iterator keep T: every event reaches them.
    expectTypeOf(orders[Symbol.asyncIterator]()).toEqualTypeOf<AsyncIterableIterator<Order | Cancel>>()
  })

  it('an unknown name or a handler for another type does not compile', () => {
    const orders = subscribe<Order | Cancel, OrderEvents>('https://shop.example.com/orders')
    // @ts-expect-error — not in the event map
    orders.on('order-updated', () => {})
    // @ts-expect-error — not in the event map
    orders.off('nope')
    // @ts-expect-error — order-cancel carries a Cancel, not an Order
    orders.on('order-cancel', (order: Order) => order.total)
    // @ts-expect-error — a name is a string
    orders.on(1, () => {})
  })

  it('on() returns an unsubscribe function; off() takes the name and, optionally, the handler', () => {
    const orders = subscribe<Order | Cancel, OrderEvents>('https://shop.example.com/orders')
    const render = (order: Order, meta: EventMeta) => [order.id, meta.id]
    const stop = orders.on('order-update', render)
    expectTypeOf(stop).toEqualTypeOf<() => void>()
    expectTypeOf(orders.off('order-update', render)).toEqualTypeOf<void>()
    expectTypeOf(orders.off('order-update')).toEqualTypeOf<void>()
    const typed: NamedEventHandler<Order> = render
    orders.off('order-update', typed)
  })

  it('without an event map any name is allowed and handlers get T', () => {
    const ticks = subscribe<{ price: number }>('https://api.example.com/ticks')
    expectTypeOf(ticks).toEqualTypeOf<Subscription<{ price: number }>>()
    ticks.on('tick', (tick, meta) => {
      expectTypeOf(tick).toEqualTypeOf<{ price: number }>()
      expectTypeOf(meta.event).toEqualTypeOf<string>()
    })
    subscribe('https://api.example.com/any').on('anything', (data) => expectTypeOf(data).toEqualTypeOf<unknown>())
  })

  it('a WebSocket subscription with an event map keeps send()', () => {
    const ws = subscribe<Order, { message: Order }>('wss://feed.example.com/')
    ws.on('message', (order) => expectTypeOf(order).toEqualTypeOf<Order>())
    expectTypeOf(ws.send).toBeFunction()
    expectTypeOf(ws).toEqualTypeOf<Subscription<Order, unknown, import('../types').SendResult, { message: Order }>>()
  })

  it('an interface works as an event map', () => {
    interface Events {
      'order-update': Order
    }
    subscribe<Order, Events>('https://shop.example.com/orders').on('order-update', (o) =>
      expectTypeOf(o).toEqualTypeOf<Order>(),
    )
  })
})
