/**
 * Typed named events (`on(name, handler)`) on raw `subscribe()` against servers we did not write: a plain
 * `node:http` SSE server that names its events (`event: order-update`), over both of Node's HTTP clients, and a
 * plain `ws` server (every WebSocket message is a `'message'`). The client runs on a manual clock.
 */
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { subscribe } from '../src/raw/subscribe'
import type { EventMeta, SubscribeOptions } from '../src/types'
import { manualTimers } from './fakes/manual-timers'
import { listenSse, listenWs, STREAM_HEAD, until } from './support/foreign-servers'

interface Order {
  id: string
  total: number
}
interface Cancel {
  id: string
  reason: string
}
type OrderEvents = { 'order-update': Order; 'order-cancel': Cancel; heartbeat: never }

/** What the shop's stream sends: named events, an unnamed one, a heartbeat. */
const SHOP_STREAM = [
  'event: order-update\nid: 1\ndata: {"id":"a","total":10}\n\n',
  'event: order-cancel\nid: 2\ndata: {"id":"b","reason":"out of stock"}\n\n',
  'id: 3\ndata: {"id":"c","total":5}\n\n',
  'event: heartbeat\ndata: ping\n\n',
  'event: order-update\nid: 4\ndata: {"id":"a","total":12}\n\n',
]

describe.each([
  ['node:http', {}],
  ['fetch', { sse: 'fetch' as const }],
])('raw subscribe() named events over %s', (_client, client: Pick<SubscribeOptions<unknown>, 'sse'>) => {
  it('on(name) gets each named event with its data and meta; onEvent still gets every event', async () => {
    const writers: ServerResponse[] = []
    const server = await listenSse((res) => {
      res.writeHead(200, STREAM_HEAD)
      res.write(SHOP_STREAM.join(''))
      writers.push(res)
    })
    const all: string[] = []
    const orders = subscribe<Order | Cancel, OrderEvents & { message: Order }>(server.url, {
      ...client,
      ignoreEvents: ['heartbeat'],
      onEvent: (_data, meta) => all.push(meta.event),
      platform: { timers: manualTimers() },
    })
    const updates: Array<[Order, EventMeta]> = []
    const cancels: Cancel[] = []
    const messages: unknown[] = []
    const beats: unknown[] = []
    orders.on('order-update', (order, meta) => updates.push([order, meta]))
    orders.on('order-cancel', (cancel) => cancels.push(cancel))
    orders.on('heartbeat', (beat) => beats.push(beat))
    orders.on('message', (data) => messages.push(data)) // unnamed events are 'message', as on an EventSource
    await until(() => updates.length === 2)
    expect(updates).toEqual([
      [
        { id: 'a', total: 10 },
        { id: '1', channel: undefined, event: 'order-update', transport: 'sse' },
      ],
      [
        { id: 'a', total: 12 },
        { id: '4', channel: undefined, event: 'order-update', transport: 'sse' },
      ],
    ])
    expect(cancels).toEqual([{ id: 'b', reason: 'out of stock' }])
    expect(messages).toEqual([{ id: 'c', total: 5 }])
    expect(beats).toEqual([]) // ignoreEvents: never delivered, to onEvent or on()
    expect(all).toEqual(['order-update', 'order-cancel', 'message', 'order-update'])
    orders.close()
  })

  it('unsubscribe and off stop a handler mid-stream; close() removes the rest', async () => {
    const writers: ServerResponse[] = []
    const server = await listenSse((res) => {
      res.writeHead(200, STREAM_HEAD)
      res.flushHeaders()
      writers.push(res)
    })
    const orders = subscribe<Order | Cancel, OrderEvents>(server.url, {
      ...client,
      platform: { timers: manualTimers() },
    })
    const seen: string[] = []
    const stop = orders.on('order-update', (order) => seen.push(`stop ${order.total}`))
    const kept = (order: Order) => seen.push(`kept ${order.total}`)
    orders.on('order-update', kept)
    orders.on('order-cancel', (cancel) => seen.push(`cancel ${cancel.id}`))
    await until(() => orders.state === 'open')
    const send = (total: number) =>
      writers[0]?.write(`event: order-update\nid: ${total}\ndata: {"id":"a","total":${total}}\n\n`)
    send(1)
    await until(() => orders.lastEventId === '1')
    stop()
    send(2)
    await until(() => orders.lastEventId === '2')
    orders.off('order-update', kept)
    send(3)
    writers[0]?.write('event: order-cancel\nid: 4\ndata: {"id":"b","reason":"r"}\n\n')
    await until(() => orders.lastEventId === '4')
    orders.close()
    expect(orders.on('order-cancel', () => seen.push('after close'))).toBeTypeOf('function')
    expect(seen).toEqual(['stop 1', 'kept 1', 'kept 2', 'cancel b'])
  })
})

describe('raw subscribe() named events over a plain ws server', () => {
  it("every WebSocket message is a 'message' event", async () => {
    const server = await listenWs((socket) => {
      socket.send('{"id":"a","total":1}')
      socket.send('{"id":"a","total":2}')
    })
    const feed = subscribe<Order, { message: Order }>(server.url, { platform: { timers: manualTimers() } })
    const totals: number[] = []
    const events: string[] = []
    feed.on('message', (order, meta) => {
      totals.push(order.total)
      events.push(`${meta.event}/${meta.transport}`)
    })
    await until(() => totals.length === 2)
    expect(totals).toEqual([1, 2])
    expect(events).toEqual(['message/websocket', 'message/websocket'])
    feed.close()
  })
})
