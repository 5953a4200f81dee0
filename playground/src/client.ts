/**
 * The one place the playground talks to the SDK: a client for the embedded server, configured from the URL
 * query, with the page's online source and an optional counting token provider.
 */
import { createClient, exponentialBackoff, type Client, type ClientOptions } from '@switchline/client'
import { SEND_CHANNELS, type PlaygroundConfig } from './config'
import type { SimulatedOnline } from './online'

/** Every channel receives anything; sending channels take `{ text, from }`. */
export type PlaygroundSchema = Record<string, { receive: unknown; send: { text: string; from: string } }>

export interface ClientHooks {
  online: SimulatedOnline
  onTokenCall(n: number): void
  onConnectionState: NonNullable<ClientOptions['onConnectionState']>
}

export function createPlaygroundClient(
  baseUrl: string,
  config: PlaygroundConfig,
  hooks: ClientHooks,
): Client<PlaygroundSchema> {
  let tokenCalls = 0
  const options: ClientOptions = {
    url: baseUrl,
    transport: config.transport,
    sendChannels: [...SEND_CHANNELS],
    reconnect: {
      backoff: exponentialBackoff({ initialDelayMs: config.initialDelayMs, maxDelayMs: config.maxDelayMs }),
      ...(config.resetAfterMs !== undefined ? { resetAfterMs: config.resetAfterMs } : {}),
    },
    ping: {
      ...(config.pingIntervalMs !== undefined ? { intervalMs: config.pingIntervalMs } : {}),
      ...(config.pongTimeoutMs !== undefined ? { timeoutMs: config.pongTimeoutMs } : {}),
    },
    ...(config.stallTimeoutMs !== undefined ? { stallTimeoutMs: config.stallTimeoutMs } : {}),
    ...(config.reprobeWebSocketMs !== undefined ? { reprobeWebSocketMs: config.reprobeWebSocketMs } : {}),
    platform: { online: hooks.online, ...(config.seed !== undefined ? { random: mulberry32(config.seed) } : {}) },
    onConnectionState: hooks.onConnectionState,
  }
  if (config.token) {
    options.token = () => {
      tokenCalls += 1
      hooks.onTokenCall(tokenCalls)
      return `playground-token-${tokenCalls}`
    }
  }
  return createClient<PlaygroundSchema>(options)
}

/** A seeded random source in [0, 1) (mulberry32): `?seed=N` replays the same jitter draws. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
