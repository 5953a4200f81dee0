/**
 * Issue 9 item 1, on the real network: the reference server with its DEFAULT options (`retry: 1000`, 15 s
 * heartbeat) and its demo feeds, as `switchline-server --demo` runs it; 200 `createClient()` clients with default
 * options on `clock`; every connection dropped at once. The first reconnects must be spread: no 100 ms window may
 * hold more than 10 % of them. Before the fix the delay was `max(backoff, retry: 1000)` and 76 % of the clients
 * came back in the same 100 ms.
 *
 * Each client has its own seeded `platform.random` (mulberry32(SEED + i)), so its first delay is reproducible:
 * `round(1000 + 2500 × r)` with r its first draw (`reconnectDelay`: hint 1000 + full jitter over the 1500 ms
 * ceiling + r × hint). The margin, computed from these draws (uniform over 2500 ms: 8 clients per 100 ms on
 * average, the limit is 20):
 *   fullest window of the ideal attempt times — 100 ms: 14 (7 %) · 150 ms: 18 (9 %) · 200 ms: 23 (11.5 %)
 * The assertion is on when each reconnect was due (the failure as the client saw it on the real network, plus the
 * delay the SDK chose), and every attempt is checked to start no earlier: the start times themselves also depend
 * on how busy the machine is. Measured start times: fullest window 14 of 200, timer lateness ≤ 2 ms, also with
 * the whole unit suite running; a machine stalled for ~50 ms at the wrong moment would push them past 10 %, which
 * is the scheduler's herd, not the SDK's. The old formula with the same draws: 152 of 200 (76 %) in one 100 ms
 * window.
 */
import { createDemo, createSwitchlineServer, DEMO_CHANNELS } from '@switchline/server'
import { createFaultInjector } from '@switchline/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultBackoff, reconnectDelay } from '../../src/core/backoff'
import { createClient } from '../../src/channels/client'
import type { Client, StateChange } from '../../src/types'
import { mulberry32 } from '../support/prng'
import { createWaiter } from './harness'

const CLIENTS = 200
const SEED = 1001
/** The reference server's default `retry:` (R11). */
const SERVER_RETRY_MS = 1000

/** The most values of `times` in one window `[t, t + width)`, over every `t`. */
function fullestWindow(times: readonly number[], width: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= width) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

let cleanup: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

describe('a reconnect herd on the reference server with its default options', () => {
  it(`${CLIENTS} default clients dropped at once come back spread: ≤ 10 % in any 100 ms`, {
    timeout: 30_000,
  }, async () => {
    const server = createSwitchlineServer({ channels: DEMO_CHANNELS }) // defaults: retry 1000, heartbeat 15 s
    const { baseUrl } = await server.listen({ port: 0, host: '127.0.0.1' })
    const demo = createDemo(server)
    const faults = createFaultInjector(server)
    cleanup.push(
      () => server.close(),
      () => faults.detach(),
      () => demo.stop(),
    )

    const waiter = createWaiter()
    /** Per client: its state changes, with the time each happened. */
    const changes: Array<Array<StateChange & { at: number }>> = []
    const clients: Client<{ clock: { receive: { iso: string; ts: number } } }>[] = []
    for (let i = 0; i < CLIENTS; i++) {
      const log: Array<StateChange & { at: number }> = []
      changes.push(log)
      const client = createClient<{ clock: { receive: { iso: string; ts: number } } }>({
        url: baseUrl,
        platform: { random: mulberry32(SEED + i) },
        onConnectionState: (change) => {
          log.push({ ...change, at: performance.now() })
          waiter.notify()
        },
      })
      clients.push(client)
      client.subscribe('clock')
    }
    cleanup.push(() => {
      for (const client of clients) client.close()
    })
    const opens = (): number => changes.filter((log) => log.some((c) => c.to === 'open')).length
    await waiter.until(() => opens() === CLIENTS, 'every client open', 20_000)

    const droppedAt = performance.now()
    faults.dropAll()
    const reopened = (log: Array<StateChange & { at: number }>): boolean =>
      log.some((c) => c.to === 'open' && c.at > droppedAt)
    await waiter.until(() => changes.every(reopened), 'every client open again', 20_000)

    /** When each client's first reconnect was due: its failure, seen on the real network, + the delay it chose. */
    const due: number[] = []
    /** When each one actually started (the event loop may run a due timer late on a busy machine). */
    const started: number[] = []
    for (const [i, log] of changes.entries()) {
      const after = log.filter((c) => c.at > droppedAt)
      const wait = after.find((c) => c.to === 'reconnecting') as StateChange & { at: number }
      const attempt = after.find((c) => c.from === 'reconnecting' && c.to === 'connecting') as StateChange & {
        at: number
      }
      // The reproducible draw: this client's first random() decided its delay.
      expect(wait.delayMs).toBe(reconnectDelay(defaultBackoff, 0, mulberry32(SEED + i), SERVER_RETRY_MS))
      expect(wait).toMatchObject({ attempt: 1, error: { attempt: 1, nextDelayMs: wait.delayMs } })
      due.push(wait.at + (wait.delayMs as number) - droppedAt)
      started.push(attempt.at - droppedAt)
    }
    const lateness = started.map((t, i) => t - (due[i] as number))
    const report =
      `fullest 100 ms window: due ${fullestWindow(due, 100)}, started ${fullestWindow(started, 100)} of ${CLIENTS}; ` +
      `timer lateness max ${Math.max(...lateness).toFixed(1)} ms`
    for (const late of lateness) expect(late, report).toBeGreaterThanOrEqual(-1) // never before it was due
    expect(Math.min(...due), report).toBeGreaterThanOrEqual(SERVER_RETRY_MS)
    // The spread the SDK gives is asserted on the due times: a machine too busy to run timers on time (another
    // suite in parallel) merges due times into one instant and would make a flaky test, not a herd of the SDK's.
    // On an idle or moderately loaded machine the start times pass this too (see the header comment).
    expect(fullestWindow(due, 100), report).toBeLessThanOrEqual(CLIENTS / 10)
    // What the same draws gave under the old rule, max(backoff, hint): the herd this test exists to catch.
    const old = due.map((_, i) => Math.max(defaultBackoff(0, mulberry32(SEED + i)), SERVER_RETRY_MS))
    expect(fullestWindow(old, 100)).toBeGreaterThan(CLIENTS / 2)
  })
})
