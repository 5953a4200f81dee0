import { describe, expectTypeOf, it } from 'vitest'
import type { StandardSchemaV1 } from '../core/standard-schema'
import { subscribe } from './subscribe'
import type { EventMeta, SendResult, Subscription } from '../types'

interface Tick {
  symbol: string
  price: number
}

describe('raw subscribe<T>() types', () => {
  it('onEvent gets T and EventMeta', () => {
    subscribe<Tick>('https://api.example.com/ticks', {
      onEvent(data, meta) {
        expectTypeOf(data).toEqualTypeOf<Tick>()
        expectTypeOf(meta).toEqualTypeOf<EventMeta>()
        expectTypeOf(meta.id).toEqualTypeOf<string | undefined>()
        expectTypeOf(meta.channel).toEqualTypeOf<string | undefined>()
        expectTypeOf(meta.transport).toEqualTypeOf<'sse' | 'websocket'>()
      },
    })
    // @ts-expect-error — a handler for another payload type does not fit
    subscribe<Tick>('https://api.example.com/ticks', { onEvent: (data: string) => data })
  })

  it('the iterator yields T', async () => {
    const sub = subscribe<Tick>('https://api.example.com/ticks')
    expectTypeOf(sub).toEqualTypeOf<Subscription<Tick>>()
    expectTypeOf(sub[Symbol.asyncIterator]()).toEqualTypeOf<AsyncIterableIterator<Tick>>()
    for await (const tick of sub) expectTypeOf(tick).toEqualTypeOf<Tick>()
  })

  it('T defaults to unknown; send takes anything and resolves a SendResult', () => {
    const sub = subscribe('wss://feed.example.com/')
    expectTypeOf(sub).toEqualTypeOf<Subscription<unknown, unknown>>()
    expectTypeOf(sub.send).parameter(0).toEqualTypeOf<unknown>()
    expectTypeOf(sub.send({ op: 'subscribe' })).toEqualTypeOf<Promise<SendResult>>()
    expectTypeOf(sub.lastEventId).toEqualTypeOf<string | undefined>()
  })

  it('a schema must produce T; options are checked', () => {
    const schema = {} as StandardSchemaV1<unknown, Tick>
    subscribe<Tick>('https://api.example.com/ticks', { schema })
    // @ts-expect-error — a schema for another output type
    subscribe<string>('https://api.example.com/ticks', { schema })
    // @ts-expect-error — a raw ping needs both the message and the pong matcher
    subscribe('wss://feed.example.com/', { ping: { message: 'ping' } })
    // @ts-expect-error — sendQueue bounds are numbers
    subscribe('wss://feed.example.com/', { sendQueue: { maxBytes: '1MB' } })
    subscribe('wss://feed.example.com/', { connectTimeoutMs: 5000, sendQueue: { maxCount: 10, maxBytes: 1024 } })
  })

  it('an http(s) or path URL (SSE) has no send(); ws(s), transport: websocket or a plain string has one', () => {
    const sse = subscribe('https://api.example.com/ticks')
    // @ts-expect-error — SSE cannot send
    void sse.send({})
    // @ts-expect-error — SSE cannot send
    void subscribe('http://127.0.0.1:8080/x').send({})
    // @ts-expect-error — a path resolves to the page's http(s) origin: SSE
    void subscribe<Tick>('/events').send({})
    // @ts-expect-error — transport: 'sse' whatever the URL
    void subscribe('wss://feed.example.com/', { transport: 'sse' }).send({})
    expectTypeOf(subscribe('https://api.example.com/', { transport: 'websocket' }).send).toBeFunction()
    expectTypeOf(subscribe('wss://feed.example.com/').send).toBeFunction()
    const url: string = 'https://api.example.com/ticks'
    expectTypeOf(subscribe(url)).toEqualTypeOf<Subscription<unknown, unknown>>()
  })

  it('ready() resolves void', () => {
    expectTypeOf(subscribe('https://api.example.com/ticks').ready()).toEqualTypeOf<Promise<void>>()
  })
})
