/** `useChannel(client, channel, options)`: one channel of a `createClient()` client, as React state. */
import type { ChannelSchema, Client, ReceiveOf, SendOf, Subscription } from '@switchline/client'
import type { OpenHandlers } from './stream-store'
import { latestEvent, subscriptionOptions } from './subscription-options'
import type { ChannelHookOptions, ChannelResult, ReduceOptions } from './types'
import { useStreamStore } from './use-store'

/**
 * Subscribes a component to a channel of `client` for as long as it is mounted, and returns the latest event's
 * data (or, with `reduce`, the fold of every event), the state, transport, last event id and error — and `send`
 * when the schema says the channel sends. Typed by the client's schema, like `client.subscribe`.
 *
 * - Resubscribes when `client`, `channel`, `key`, `transport` or `enabled` change (the data starts again from
 *   `initial`). Other options are read when the subscription opens; callbacks and `reduce` are always the latest.
 * - StrictMode's double mount opens one subscription; an unmount closes it (and the client's connection with its
 *   last channel). Server rendering connects nothing: `state` is `'connecting'` and `data` is `initial`.
 *
 * @example
 * const rt = createClient<Schema>({ url: 'https://api.example.com/rt', sendChannels: ['chat'] }) // once per app, at module scope
 * function Room({ id }: { id: string }) {
 *   const chat = useChannel(rt, 'chat', { key: id, initial: [] as ChatMsg[], reduce: (list, msg) => [...list, msg] })
 *   return <Messages list={chat.data} state={chat.state} onSend={(text) => chat.send({ text })} />
 * }
 */
export function useChannel<S extends ChannelSchema, K extends keyof S & string, D>(
  client: Client<S>,
  channel: K,
  options: ChannelHookOptions<ReceiveOf<S[K]>> & ReduceOptions<ReceiveOf<S[K]>, D>,
): ChannelResult<D, SendOf<S[K]>>
export function useChannel<S extends ChannelSchema, K extends keyof S & string>(
  client: Client<S>,
  channel: K,
  options: ChannelHookOptions<ReceiveOf<S[K]>> & { initial: ReceiveOf<S[K]>; reduce?: undefined },
): ChannelResult<ReceiveOf<S[K]>, SendOf<S[K]>>
export function useChannel<S extends ChannelSchema, K extends keyof S & string>(
  client: Client<S>,
  channel: K,
  options?: ChannelHookOptions<ReceiveOf<S[K]>> & { initial?: undefined; reduce?: undefined },
): ChannelResult<ReceiveOf<S[K]> | undefined, SendOf<S[K]>>
export function useChannel<S extends ChannelSchema>(
  client: Client<S>,
  channel: keyof S & string,
  hookOptions: object = {},
): unknown {
  const options = hookOptions as ChannelHookOptions<unknown> & Partial<ReduceOptions<unknown, unknown>>
  const [snapshot, store] = useStreamStore<unknown, unknown, unknown>(
    {
      open: (handlers: OpenHandlers<unknown>, lastEventId) =>
        client.subscribe(
          channel,
          subscriptionOptions(options, handlers, lastEventId ?? options.lastEventId),
        ) as Subscription<unknown, unknown>,
      initial: options.initial,
      reduce: options.reduce ?? latestEvent,
      callbacks: options,
      enabled: options.enabled !== false,
    },
    [client, channel, options.key, options.transport, options.enabled !== false],
  )
  return { ...snapshot, send: store.send }
}
