/** The Switchline SDK as the benchmarks use it: the public API only, with the bench's channel schema. */
import { createClient, type Client } from '@switchline/client'
import type { BenchMessage } from './payloads'

export { subscribe, createClient, defaultBackoff } from '@switchline/client'

/** Channels of the bench servers: `bench` is receive-only, `chat` takes sends. */
export type BenchSchema = {
  bench: { receive: BenchMessage }
  chat: { receive: unknown; send: unknown }
}

/** A client for the bench schema. */
export function benchClient(url: string, transport: 'websocket' | 'sse'): Client<BenchSchema> {
  return createClient<BenchSchema>({ url, transport, reconnect: false })
}
