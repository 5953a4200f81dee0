/** The Switchline SDK as the benchmarks use it: the public API only, with the bench's channel schema. */
import { createClient, subscribe, type Client } from '@switchline/client'
import type { BenchMessage } from './payloads'

export { subscribe, createClient, defaultBackoff } from '@switchline/client'

export type Transport = 'websocket' | 'sse'

/** Channels of the bench servers: `bench` is receive-only, `chat` takes sends. */
export type BenchSchema = {
  bench: { receive: BenchMessage }
  chat: { receive: unknown; send: unknown }
}

/** A client for the bench schema. */
export function benchClient(url: string, transport: Transport): Client<BenchSchema> {
  return createClient<BenchSchema>({ url, transport, reconnect: false })
}

// The throughput receivers' Switchline streams (in Node and in the browser page): each hands every event to
// `onMessage` and returns the stream's closer.

/** `subscribe(url)` without reconnects. */
export function openSubscription(url: string, transport: Transport, onMessage: (m: BenchMessage) => void): () => void {
  const sub = subscribe<BenchMessage>(url, { transport, reconnect: false, onEvent: onMessage })
  return () => sub.close()
}

/** A {@link benchClient} with its `bench` channel subscribed under `key`. */
export function openBenchChannel(
  url: string,
  transport: Transport,
  key: string,
  onMessage: (m: BenchMessage) => void,
): () => void {
  const client = benchClient(url, transport)
  client.subscribe('bench', { key, onEvent: onMessage })
  return () => client.close()
}
