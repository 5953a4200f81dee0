/**
 * Reconnect storm on a virtual clock. `clients` connections are dropped at t = 0 by a server restart; the server
 * is down for `downMs` (every attempt refused), then accepts at most `acceptPer100ms` new connections in each
 * 100 ms window and refuses the rest. A refused client backs off by its policy and tries again. Pure and
 * deterministic (seeded random), no timers.
 *
 * Policies: Switchline's `defaultBackoff` (full jitter, 1.5 s doubling to 5 s — the SDK's own function,
 * applied as its supervisor does: retry n waits `backoff(n − 1)`), socket.io-client's default (1000·2^n with
 * ±50 % randomization, then `min(…, 5000)` — the formula of socket.io-client's backo2), and an unjittered
 * exponential for reference. Switchline's default also runs under the reference server's `retry: 1000` hint, which
 * a client keeps for every retry: with the SDK's rule (`reconnectDelay`: the hint floors the jitter range) and with
 * the previous `max(backoff, hint)`, whose herd at the hint decision 0009 removed.
 */
import { defaultBackoff, exponentialBackoff, reconnectDelay } from '@switchline/client'
import { histogram, median, percentile, seededRandom } from './stats'

/** A policy: the delay before retry `attempt` (0 for the first retry after the drop). */
export type StormPolicy = (attempt: number, random: () => number) => number

/** socket.io-client 4.8 `Backoff.prototype.duration` with its defaults (min 1000, max 5000, factor 2, jitter 0.5). */
export const socketIoBackoff: StormPolicy = (attempt, random) => {
  let ms = 1000 * 2 ** attempt
  const rand = random()
  const deviation = Math.floor(rand * 0.5 * ms)
  ms = (Math.floor(rand * 10) & 1) === 0 ? ms - deviation : ms + deviation
  return Math.min(ms, 5000) | 0
}

/** Exponential without jitter (500 ms doubling to 30 s): what a jitter-less client does. */
export const noJitterBackoff: StormPolicy = (attempt) => Math.min(500 * 2 ** attempt, 30_000)

/** The `retry:` hint the reference server sends at the start of every SSE stream (its default). */
export const REFERENCE_RETRY_MS = 1000

export const STORM_POLICIES: { id: string; label: string; policy: StormPolicy }[] = [
  { id: 'switchline', label: 'Switchline `defaultBackoff` (full jitter, 1.5 s → 5 s)', policy: defaultBackoff },
  {
    id: 'switchline-previous',
    label:
      "Switchline's previous default, `exponentialBackoff({ initialDelayMs: 500, maxDelayMs: 30000 })` (decision 0003)",
    policy: exponentialBackoff({ initialDelayMs: 500, maxDelayMs: 30_000 }),
  },
  {
    id: 'switchline-hint',
    label:
      "Switchline `defaultBackoff` under the reference server's `retry: 1000`: the hint floors the jitter range (decision 0009)",
    policy: (attempt, random) => reconnectDelay(defaultBackoff, attempt, random, REFERENCE_RETRY_MS),
  },
  {
    id: 'switchline-hint-max',
    label: 'the same under the previous rule, `max(backoff, retry: 1000)`',
    policy: (attempt, random) => Math.max(defaultBackoff(attempt, random), REFERENCE_RETRY_MS),
  },
  { id: 'socket.io', label: 'socket.io-client default (1 s·2ⁿ ± 50 %, min(…, 5 s))', policy: socketIoBackoff },
  { id: 'no-jitter', label: 'exponential, no jitter (0.5 s → 30 s), reference', policy: noJitterBackoff },
]

export interface StormSimOptions {
  clients: number
  /** Server down time after the restart. */
  downMs: number
  /** New connections the server accepts per 100 ms window. */
  acceptPer100ms: number
  seed: number
  /** Give up simulating after this much virtual time. */
  horizonMs?: number
}

export interface StormSimResult {
  /** Time until the last client is back (ms), or `null` if not all made it within the horizon. */
  allBackMs: number | null
  /** Time until 99 % are back. */
  p99BackMs: number | null
  p50BackMs: number | null
  /** Connection attempts in total (accepted + refused). */
  attempts: number
  refused: number
  /** Largest number of attempts hitting the server in one 100 ms window. */
  peakAttemptsPer100ms: number
  /** Accepted connections per 100 ms window, from t = 0. */
  arrivalsPer100ms: number[]
  /** Attempts per 100 ms window, from t = 0. */
  attemptsPer100ms: number[]
}

/** A binary min-heap of [time, client] keyed by time. */
class TimeHeap {
  private items: [number, number][] = []
  get size(): number {
    return this.items.length
  }
  push(item: [number, number]): void {
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if ((a[p] as [number, number])[0] <= item[0]) break
      a[i] = a[p] as [number, number]
      i = p
    }
    a[i] = item
  }
  pop(): [number, number] | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length > 0 && last) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        const key = (j: number): number => (j === i ? last[0] : (a[j] as [number, number])[0])
        if (l < a.length && key(l) < key(m)) m = l
        if (r < a.length && key(r) < key(m)) m = r
        if (m === i) break
        a[i] = a[m] as [number, number]
        i = m
      }
      a[i] = last
    }
    return top
  }
}

export function simulateStorm(policy: StormPolicy, options: StormSimOptions): StormSimResult {
  const { clients, downMs, acceptPer100ms, seed } = options
  const horizonMs = options.horizonMs ?? 600_000
  const random = seededRandom(seed)
  const heap = new TimeHeap()
  const attemptNo = new Array<number>(clients).fill(0)
  for (let c = 0; c < clients; c++) heap.push([policy(0, random), c])
  const backAt: number[] = []
  const attemptTimes: number[] = []
  const acceptedInWindow = new Map<number, number>()
  let refused = 0
  while (heap.size > 0) {
    const [t, c] = heap.pop() as [number, number]
    if (t > horizonMs) break
    attemptTimes.push(t)
    const w = Math.floor(t / 100)
    const used = acceptedInWindow.get(w) ?? 0
    if (t >= downMs && used < acceptPer100ms) {
      acceptedInWindow.set(w, used + 1)
      backAt.push(t)
    } else {
      refused++
      const n = (attemptNo[c] as number) + 1
      attemptNo[c] = n
      heap.push([t + policy(n, random), c])
    }
  }
  const attemptsPer100ms = histogram(attemptTimes, 100)
  return {
    allBackMs: backAt.length === clients ? Math.max(...backAt) : null,
    p99BackMs: backAt.length >= Math.ceil(clients * 0.99) ? percentile(backAt, 99) : null,
    p50BackMs: backAt.length >= Math.ceil(clients * 0.5) ? percentile(backAt, 50) : null,
    attempts: attemptTimes.length,
    refused,
    peakAttemptsPer100ms: Math.max(0, ...attemptsPer100ms),
    arrivalsPer100ms: histogram(backAt, 100),
    attemptsPer100ms,
  }
}

export interface StormSimRow {
  id: string
  label: string
  scenario: Omit<StormSimOptions, 'seed'>
  seeds: number
  /** Medians over the seeds. */
  allBackMs: number | null
  p50BackMs: number | null
  p99BackMs: number | null
  attempts: number
  refused: number
  peakAttemptsPer100ms: number
  /** From the first seed. */
  arrivalsPer100ms: number[]
  attemptsPer100ms: number[]
}

export const STORM_SCENARIOS: Omit<StormSimOptions, 'seed'>[] = [
  { clients: 1000, downMs: 0, acceptPer100ms: 50 },
  { clients: 1000, downMs: 2000, acceptPer100ms: 50 },
  { clients: 1000, downMs: 0, acceptPer100ms: 20 },
  { clients: 1000, downMs: 10000, acceptPer100ms: 50 },
]

export function runStormSim(seeds = 7): StormSimRow[] {
  const rows: StormSimRow[] = []
  for (const scenario of STORM_SCENARIOS) {
    for (const p of STORM_POLICIES) {
      const results = Array.from({ length: seeds }, (_, i) => simulateStorm(p.policy, { ...scenario, seed: 1000 + i }))
      const med = (f: (r: StormSimResult) => number | null): number | null => {
        const values = results.map(f)
        return values.some((v) => v === null) ? null : median(values as number[])
      }
      const first = results[0] as StormSimResult
      rows.push({
        id: p.id,
        label: p.label,
        scenario,
        seeds,
        allBackMs: med((r) => r.allBackMs),
        p50BackMs: med((r) => r.p50BackMs),
        p99BackMs: med((r) => r.p99BackMs),
        attempts: med((r) => r.attempts) as number,
        refused: med((r) => r.refused) as number,
        peakAttemptsPer100ms: med((r) => r.peakAttemptsPer100ms) as number,
        arrivalsPer100ms: first.arrivalsPer100ms,
        attemptsPer100ms: first.attemptsPer100ms,
      })
    }
  }
  return rows
}
