import { describe, expectTypeOf, it } from 'vitest'
import { createClient } from './client'
import type { SendResult, Subscription } from '../types'

interface Price {
  symbol: string
  price: number
}
interface ChatMsg {
  from: string
  text: string
}
interface ChatDraft {
  text: string
}

type Schema = {
  prices: { receive: Price }
  chat: { receive: ChatMsg; send: ChatDraft }
}

const rt = createClient<Schema>({ url: 'https://api.example.com/rt', sendChannels: ['chat'] })

describe('createClient types', () => {
  it('the schema drives event types', () => {
    rt.subscribe('prices', {
      onEvent(data, meta) {
        expectTypeOf(data).toEqualTypeOf<Price>()
        expectTypeOf(meta.channel).toEqualTypeOf<string | undefined>()
      },
    })
    rt.subscribe('chat', {
      key: 'room-a',
      onEvent(data) {
        expectTypeOf(data).toEqualTypeOf<ChatMsg>()
      },
    })
  })

  it('send exists only on channels that declare it, with the declared payload', () => {
    const chat = rt.subscribe('chat')
    expectTypeOf(chat).toEqualTypeOf<Subscription<ChatMsg, ChatDraft>>()
    expectTypeOf(chat.send).parameter(0).toEqualTypeOf<ChatDraft>()
    expectTypeOf(chat.send({ text: 'hi' })).toEqualTypeOf<Promise<SendResult>>()
    // @ts-expect-error — wrong payload type
    void chat.send({ body: 'hi' })
    // @ts-expect-error — wrong payload type
    void chat.send('hi')

    const prices = rt.subscribe('prices')
    expectTypeOf(prices).toEqualTypeOf<Subscription<Price>>()
    // @ts-expect-error — receive-only channel: no send
    void prices.send({ text: 'hi' })
  })

  it('unknown channel names do not compile', () => {
    // @ts-expect-error — not in the schema
    rt.subscribe('nope')
  })

  it('subscriptions are async-iterable over the receive type', async () => {
    for await (const price of rt.subscribe('prices')) {
      expectTypeOf(price).toEqualTypeOf<Price>()
      break
    }
  })

  it('options are checked', () => {
    // @ts-expect-error — transport must be auto | sse | websocket
    rt.subscribe('prices', { transport: 'carrier-pigeon' })
    // @ts-expect-error — onEvent receives the channel's type
    rt.subscribe('prices', { onEvent: (data: ChatMsg) => data })
  })
})
