/**
 * Integration harness: a real `@switchline/server` on 127.0.0.1 port 0 with its fault injector, a fast client
 * configuration, and bounded waits (a promise that settles when a condition holds, or fails the test at a
 * deadline) — never fixed sleeps.
 */
import { createSwitchlineServer, type SwitchlineServer, type SwitchlineServerOptions } from '@switchline/server'
import { createFaultInjector, type FaultInjector } from '@switchline/server/testing'
import { afterEach } from 'vitest'
import { exponentialBackoff } from '../../src/core/backoff'
import { createClient } from '../../src/channels/client'
import type { ChannelSchema, Client, ClientOptions, SendingChannel } from '../../src/types'

export interface Harness {
  server: SwitchlineServer
  faults: FaultInjector
  baseUrl: string
  close(): Promise<void>
}

/** Channels every test server defines. */
export const CHANNELS = { ticker: { send: false }, feed: { send: false }, chat: { send: true } } as const

/** The intervals {@link startServer} shortens (heartbeat 200 ms, `retry:` 10 ms) and its retention. */
const SHORT_INTERVALS = { heartbeatMs: 200, retryMs: 10, retention: { maxEvents: 10_000 } } as const

/**
 * Starts a server with short intervals ({@link SHORT_INTERVALS}), or with the server's own defaults for them when
 * `serverDefaults` is set.
 */
export async function startServer(
  extra: Partial<SwitchlineServerOptions> & { serverDefaults?: boolean } = {},
): Promise<Harness> {
  const { serverDefaults = false, ...options } = extra
  const server = createSwitchlineServer({
    channels: { ...CHANNELS },
    ...(serverDefaults ? {} : SHORT_INTERVALS),
    ...options,
  })
  const listener = await server.listen({ port: 0, host: '127.0.0.1' })
  const faults = createFaultInjector(server)
  return {
    server,
    faults,
    baseUrl: listener.baseUrl,
    async close() {
      faults.detach()
      await server.close()
    },
  }
}

/** Client options that reconnect fast. */
export function fastClient(baseUrl: string, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    url: baseUrl,
    reconnect: { backoff: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 50 }) },
    ping: { intervalMs: 1000, timeoutMs: 1000 },
    reprobeWebSocketMs: 300,
    ...extra,
  }
}

/** Starts a test's server and client; both are closed (client first) after each test. */
export interface ServerAndClient<S extends ChannelSchema> {
  /** Starts this test's server ({@link startServer}). */
  startServer(extra?: Partial<SwitchlineServerOptions> & { serverDefaults?: boolean }): Promise<Harness>
  /** Creates this test's client on the started server, with {@link fastClient} options. */
  createClient(extra?: Partial<ClientOptions & { sendChannels: readonly SendingChannel<S>[] }>): Client<S>
}

/**
 * Call once at the top of a test file: registers an `afterEach` that closes the client, then the server, that
 * the test started through the returned functions.
 * @example
 * const setup = useServerAndClient<Schema>()
 * it('…', async () => {
 *   const h = await setup.startServer()
 *   const rt = setup.createClient({ sendChannels: ['chat'] })
 * })
 */
export function useServerAndClient<S extends ChannelSchema>(): ServerAndClient<S> {
  let harness: Harness | undefined
  let client: Client<S> | undefined
  afterEach(async () => {
    client?.close()
    client = undefined
    await harness?.close()
    harness = undefined
  })
  return {
    async startServer(extra) {
      harness = await startServer(extra)
      return harness
    },
    createClient(extra) {
      if (!harness) throw new Error('createClient() before startServer()')
      // The test's own options are typed loosely (string names): narrowed to the schema's sending channels here.
      client = createClient<S>(
        fastClient(harness.baseUrl, extra) as ClientOptions & { sendChannels?: readonly SendingChannel<S>[] },
      )
      return client
    },
  }
}

/** A condition re-checked whenever something happens (`notify()`), with a deadline. */
export interface Waiter {
  /** Something happened: re-check the pending conditions. */
  notify(): void
  /** Resolves once `condition()` is true; rejects with `what` after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>
}

export function createWaiter(): Waiter {
  const pending = new Set<{ check: () => void }>()
  return {
    notify() {
      for (const entry of [...pending]) entry.check()
    },
    until(condition, what, timeoutMs = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const entry = {
          check() {
            if (!condition()) return
            pending.delete(entry)
            clearInterval(timer)
            resolve()
          },
        }
        const started = Date.now()
        // Re-checked on every notify() and, for state nobody notifies about (transport fields, server stats), on a
        // short poll; the deadline fails the test.
        const timer = setInterval(() => {
          entry.check()
          if (!pending.has(entry) || Date.now() - started < timeoutMs) return
          pending.delete(entry)
          clearInterval(timer)
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
        }, 10)
        pending.add(entry)
        entry.check()
      })
    },
  }
}

/** Lets the event loop run I/O (one macrotask), so publishes interleave with the network. */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** `[0, 1, …, n − 1]`. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
