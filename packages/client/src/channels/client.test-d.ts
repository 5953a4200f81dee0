import { describe, expectTypeOf, it } from 'vitest'
import { createClient } from './client'
import type {
  ChannelSchema,
  ClientOptions,
  PublishResult,
  SendResult,
  SendingChannel,
  Subscription,
  TransportChange,
  TransportKind,
} from '../types'

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
    expectTypeOf(chat).toEqualTypeOf<Subscription<ChatMsg, ChatDraft, PublishResult>>()
    expectTypeOf(chat.send).parameter(0).toEqualTypeOf<ChatDraft>()
    expectTypeOf(chat.send({ text: 'hi' })).toEqualTypeOf<Promise<PublishResult>>()
    // The server always answers with the event's id: no `undefined` to narrow away.
    expectTypeOf(chat.send({ text: 'hi' }))
      .resolves.toHaveProperty('eventId')
      .toEqualTypeOf<string>()
    // Still a SendResult where old code expects one.
    expectTypeOf<PublishResult>().toMatchTypeOf<SendResult>()
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

  it('ready() is a method resolving void', () => {
    expectTypeOf(rt.subscribe('prices').ready).toEqualTypeOf<() => Promise<void>>()
  })

  it('sendChannels lists only channels that declare send', () => {
    expectTypeOf<SendingChannel<Schema>>().toEqualTypeOf<'chat'>()
    createClient<Schema>({ url: 'https://x', sendChannels: ['chat'] })
    createClient<Schema>({ url: 'https://x', sendChannels: [] })
    // @ts-expect-error — a typo: not a channel of the schema
    createClient<Schema>({ url: 'https://x', sendChannels: ['chta'] })
    // @ts-expect-error — a receive-only channel cannot be a send channel
    createClient<Schema>({ url: 'https://x', sendChannels: ['prices'] })
  })

  it('without a schema, any names (the old ClientOptions keeps working)', () => {
    expectTypeOf<SendingChannel<ChannelSchema>>().toEqualTypeOf<string>()
    const options: ClientOptions = { url: 'https://x', sendChannels: ['anything'] }
    createClient(options)
    createClient<{ a: { receive: number; send: string } }>({ url: 'https://x' })
    // An options object typed as plain ClientOptions still fits a client with a schema (the playground does this).
    type Loose2 = Record<string, { receive: unknown; send: { text: string } }>
    createClient<Loose2>(options)
    type Loose = Record<string, { receive: unknown; send: string }>
    expectTypeOf<SendingChannel<Loose>>().toEqualTypeOf<string>()
    createClient<Loose>({ url: 'https://x', sendChannels: ['any', 'names'] })
  })

  it('transport changes are typed; the client says when WebSocket is re-probed', () => {
    rt.subscribe('chat', {
      onTransport: (change) => {
        expectTypeOf(change).toEqualTypeOf<TransportChange>()
        expectTypeOf(change.from).toEqualTypeOf<TransportKind | undefined>()
        expectTypeOf(change.to).toEqualTypeOf<TransportKind>()
        expectTypeOf(change.reprobeAt).toEqualTypeOf<number | undefined>()
      },
    })
    expectTypeOf(rt.reprobeAt).toEqualTypeOf<number | undefined>()
    // @ts-expect-error — read-only
    rt.reprobeAt = 5
  })
})
