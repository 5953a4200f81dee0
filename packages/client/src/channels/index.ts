/**
 * `@switchline/client/channels` — `createClient()` over the transports you name, so a bundle holds only those:
 * an app that only receives leaves the WebSocket code out with `transports: [sseTransport]`.
 * @example
 * import { createClient, sseTransport } from '@switchline/client/channels'
 * const rt = createClient({ url: 'https://api.example.com/rt', transports: [sseTransport] })
 * rt.subscribe('prices', { onEvent: render })
 */
import { createMultiplexedClient } from './multiplexed-client'
import { sharedWsBlockRegistry } from './transport-choice'
import type { ChannelSchema, Client, ClientOptions, ClientTransport, SendingChannel } from '../types'

export { sseTransport } from './sse-session'
export { webSocketTransport } from './ws-session'
export type { ClientTransport } from '../types'

/**
 * Creates a client for a Switchline server over `transports` (required here): `[sseTransport]` (receive over one
 * SSE stream, send over HTTP POST), `[webSocketTransport]`, or both (then as `createClient` from
 * `@switchline/client`: WebSocket for sending channels, SSE for the others, SSE + POST while WebSocket is blocked).
 * @throws SwitchlineError `invalid_options` as `createClient` from `@switchline/client`; also for a `transport`
 * preference (client or channel) naming a transport not in `transports`.
 * @example
 * const rt = createClient<Schema>({ url: 'https://api.example.com/rt', transports: [sseTransport], sendChannels: ['chat'] })
 * await rt.subscribe('chat').send({ text: 'hi' }) // over HTTP POST
 */
export function createClient<S extends ChannelSchema = ChannelSchema>(
  options: ClientOptions & {
    transports: readonly ClientTransport[]
    sendChannels?: readonly SendingChannel<NoInfer<S>>[]
  },
): Client<S> {
  return createMultiplexedClient<S>(options, options?.transports ?? [], sharedWsBlockRegistry)
}
