import { describe, expectTypeOf, it } from 'vitest'
import {
  createClient,
  type ConnectionState,
  type EventMeta,
  type SendResult,
  type SwitchlineError,
  type TransportKind,
} from '@switchline/client'
import { useChannel } from './use-channel'
import { useStream } from './use-stream'
import { useClient } from './provider'
import type { StreamSnapshot } from './types'

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

describe('useChannel types', () => {
  it('data is the channel’s receive type (undefined before the first event)', () => {
    const prices = useChannel(rt, 'prices')
    expectTypeOf(prices.data).toEqualTypeOf<Price | undefined>()
    expectTypeOf(prices.state).toEqualTypeOf<ConnectionState>()
    expectTypeOf(prices.transport).toEqualTypeOf<TransportKind | undefined>()
    expectTypeOf(prices.lastEventId).toEqualTypeOf<string | undefined>()
    expectTypeOf(prices.error).toEqualTypeOf<SwitchlineError | undefined>()
    expectTypeOf(useChannel(rt, 'prices', { initial: { symbol: 'ACME', price: 1 } }).data).toEqualTypeOf<Price>()
  })

  it('send exists only where the schema declares it, with the declared payload', () => {
    const chat = useChannel(rt, 'chat', { key: 'room-a' })
    expectTypeOf(chat.send).parameter(0).toEqualTypeOf<ChatDraft>()
    expectTypeOf(chat.send({ text: 'hi' })).toEqualTypeOf<Promise<SendResult>>()
    // @ts-expect-error — wrong payload type
    void chat.send({ body: 'hi' })
    const prices = useChannel(rt, 'prices')
    expectTypeOf(prices).toEqualTypeOf<StreamSnapshot<Price | undefined>>()
    // @ts-expect-error — receive-only channel: no send
    void prices.send({ text: 'hi' })
  })

  it('reduce folds events into the data type it declares', () => {
    const log = useChannel(rt, 'chat', {
      initial: [] as ChatMsg[],
      reduce: (list, msg, meta) => {
        expectTypeOf(list).toEqualTypeOf<ChatMsg[]>()
        expectTypeOf(msg).toEqualTypeOf<ChatMsg>()
        expectTypeOf(meta).toEqualTypeOf<EventMeta>()
        return [...list, msg]
      },
    })
    expectTypeOf(log.data).toEqualTypeOf<ChatMsg[]>()
    expectTypeOf(log.send).parameter(0).toEqualTypeOf<ChatDraft>()
    const count = useChannel(rt, 'prices', { initial: 0, reduce: (n) => n + 1 })
    expectTypeOf(count.data).toEqualTypeOf<number>()
    // @ts-expect-error — reduce must return the data type
    useChannel(rt, 'prices', { initial: 0, reduce: () => 'x' })
    // @ts-expect-error — reduce needs initial
    useChannel(rt, 'prices', { reduce: (n: number) => n + 1 })
  })

  it('channel names, options and callbacks are checked against the schema', () => {
    // @ts-expect-error — not in the schema
    useChannel(rt, 'nope')
    // @ts-expect-error — transport must be auto | sse | websocket
    useChannel(rt, 'prices', { transport: 'carrier-pigeon' })
    // @ts-expect-error — onEvent receives the channel's type
    useChannel(rt, 'prices', { onEvent: (data: ChatMsg) => data })
    // @ts-expect-error — the hook owns the subscription's lifetime: no signal
    useChannel(rt, 'prices', { signal: new AbortController().signal })
    useChannel(rt, 'prices', { enabled: false, onEvent: (price) => expectTypeOf(price).toEqualTypeOf<Price>() })
  })

  it('useClient returns a client of the schema it is given', () => {
    const client = useClient<Schema>()
    expectTypeOf(useChannel(client, 'prices').data).toEqualTypeOf<Price | undefined>()
  })
})

describe('useStream types', () => {
  it('data is T (undefined before the first event), or the reducer’s type', () => {
    expectTypeOf(useStream<Price>('https://api.example.com/ticks').data).toEqualTypeOf<Price | undefined>()
    expectTypeOf(useStream('https://api.example.com/ticks').data).toEqualTypeOf<unknown>()
    expectTypeOf(useStream<string>(null, { format: 'text', initial: '' }).data).toEqualTypeOf<string>()
    const text = useStream<string, string>('https://api.example.com/complete', {
      method: 'POST',
      body: { prompt: 'hi' },
      format: 'text',
      done: '[DONE]',
      initial: '',
      reduce: (all, chunk) => all + chunk,
    })
    expectTypeOf(text.data).toEqualTypeOf<string>()
    expectTypeOf(text.send).parameter(0).toEqualTypeOf<unknown>()
    // @ts-expect-error — a handler for another payload type does not fit
    useStream<Price>('https://api.example.com/ticks', { onEvent: (data: string) => data })
  })
})
