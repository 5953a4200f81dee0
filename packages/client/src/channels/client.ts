/**
 * `createClient()` with both transports (the package's main entry), and `createClientWith` for tests. The wiring is
 * in multiplexed-client.ts; `@switchline/client/channels` (channels/index.ts) is the form that bundles only the
 * transports it is given.
 */
import { createMultiplexedClient } from './multiplexed-client'
import { sseTransport } from './sse-session'
import { sharedWsBlockRegistry, type WsBlockRegistry } from './transport-choice'
import type { ChannelSchema, Client, ClientOptions, SendingChannel } from '../types'
import { webSocketTransport } from './ws-session'

/** Both transports, the default of `ClientOptions.transports`. */
const BOTH = [sseTransport, webSocketTransport]

/**
 * Creates a client for a Switchline server. Channels are typed by the schema `S`: what each receives and, when it
 * declares `send`, what it sends (`send()` exists only then). Receive-only channels ride the client's one SSE
 * stream; sending channels ride its one WebSocket (falling back to SSE + HTTP POST while WebSocket is blocked).
 * This `createClient` bundles both transports; to leave WebSocket out, use `@switchline/client/channels` with
 * `transports: [sseTransport]`.
 *
 * The schema is types only; the runtime learns which channels send from `sendChannels`. A channel not listed
 * there can still `send()` (over HTTP POST while it rides SSE).
 *
 * One SSE stream carries at most 64 channels (the server's limit, protocol R10). A channel that would be the 65th
 * on it fails alone: its subscription closes with `too_many_channels` (fatal) a microtask after `subscribe()`; the
 * others are unaffected. Channels with `transport: 'websocket'` have no such limit.
 *
 * @throws SwitchlineError `invalid_options` for a bad or non-http(s) URL, or any option of the wrong type or out of
 * range (the message names it and its value); `client.subscribe()` checks its options the same way.
 * @example
 * type Schema = { prices: { receive: Price }; chat: { receive: ChatMsg; send: ChatDraft } }
 * const rt = createClient<Schema>({ url: 'https://api.example.com/rt', sendChannels: ['chat'] })
 * const chat = rt.subscribe('chat', { key: 'room-a', onEvent: (msg) => render(msg) })
 * await chat.send({ text: 'hi' })
 * rt.close()
 */
export function createClient<S extends ChannelSchema = ChannelSchema>(
  // The schema narrows `sendChannels` only: an options object typed as plain `ClientOptions` still fits.
  options: ClientOptions & { sendChannels?: readonly SendingChannel<NoInfer<S>>[] },
): Client<S> {
  return createClientWith<S>(options, sharedWsBlockRegistry)
}

/** {@link createClient} with its "WebSocket blocked" registry injected (tests). @internal */
export function createClientWith<S extends ChannelSchema>(
  options: ClientOptions,
  registry: WsBlockRegistry,
): Client<S> {
  return createMultiplexedClient<S>(options, options?.transports ?? BOTH, registry)
}
