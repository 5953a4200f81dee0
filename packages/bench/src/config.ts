/**
 * Benchmark configuration from the command line: `--quick`, `--only=a,b`, `--runs=N`, and for the fan-out
 * `--fanout-subscribers=N` (or env `BENCH_FANOUT_SUBSCRIBERS`) and `--fanout-only=ws,sl-ws`.
 */
import type { FanoutConfig } from './fanout'

export type BenchName = 'size' | 'throughput' | 'latency' | 'memory' | 'storm-sim' | 'storm-real' | 'browser' | 'fanout'

export const ALL_BENCHES: BenchName[] = [
  'size',
  'throughput',
  'latency',
  'memory',
  'storm-sim',
  'storm-real',
  'browser',
  'fanout',
]

/** The subscribers of the written fan-out results (issue 11: 1 publisher → 1,000 subscribers). */
export const FANOUT_SUBSCRIBERS = 1000

export interface BenchConfig {
  quick: boolean
  only: BenchName[]
  /** Interleaved runs per throughput/latency cell. */
  runs: number
  /** Messages timed per throughput run, by payload size. */
  throughputMessages: Record<number, number>
  /** Round trips timed per latency run. */
  latencyRoundTrips: number
  /** Idle subscriptions per memory measurement. */
  memorySubscriptions: number
  /** Real reconnect storm: clients. */
  stormClients: number
  /** Browser: messages timed per run, by payload size. */
  browserMessages: Record<number, number>
  /** Browser: interleaved runs (fewer than in Node: the page runs every receiver in turn). */
  browserRuns: number
  /** Fan-out: subscribers, bursts, latency run (see fanout.ts). */
  fanout: FanoutConfig
  /** Fan-out contenders to run (ids from fanout-shared.ts); `undefined` for all. */
  fanoutOnly?: string[]
  /** Write results/latest.json and docs/benchmarks.md. */
  write: boolean
}

export function parseConfig(argv: readonly string[]): BenchConfig {
  const flag = (name: string): string | undefined => {
    const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
    if (hit === undefined) return undefined
    const eq = hit.indexOf('=')
    return eq < 0 ? '' : hit.slice(eq + 1)
  }
  const quick = flag('quick') !== undefined
  const onlyRaw = flag('only')
  const only = onlyRaw
    ? (onlyRaw.split(',').filter((n) => ALL_BENCHES.includes(n as BenchName)) as BenchName[])
    : ALL_BENCHES
  const runs = Number(flag('runs') ?? (quick ? 3 : 5))
  const subscribersRaw = flag('fanout-subscribers') ?? process.env.BENCH_FANOUT_SUBSCRIBERS
  const subscribers = subscribersRaw ? Number(subscribersRaw) : quick ? 200 : FANOUT_SUBSCRIBERS
  if (!Number.isInteger(subscribers) || subscribers < 20)
    throw new Error('--fanout-subscribers must be an integer ≥ 20')
  const fanoutOnly = flag('fanout-only')?.split(',').filter(Boolean)
  // Results are written for the 1,000 subscribers; a scaled-down run writes only when asked (--write).
  const defaultWrite = !quick && subscribers === FANOUT_SUBSCRIBERS && fanoutOnly === undefined
  return {
    quick,
    only,
    runs,
    throughputMessages: quick ? { 64: 5000, 1024: 2000 } : { 64: 150_000, 1024: 50_000 },
    latencyRoundTrips: quick ? 300 : 2000,
    memorySubscriptions: quick ? 300 : 2000,
    stormClients: quick ? 60 : 250,
    // Without DevTools instrumentation (browser-cdp.ts) Chromium moves 30k–200k events/s: 10k would be timed in ~50 ms.
    browserMessages: quick ? { 64: 2000, 1024: 1000 } : { 64: 50_000, 1024: 20_000 },
    browserRuns: quick ? 1 : 3,
    fanout: {
      subscribers,
      burstEvents: quick ? 50 : 200,
      // Interleaved bursts: at least 7 in a full run (CPU time per delivery varies ±10 % burst to burst here).
      runs: quick ? runs : Math.max(runs, 7),
      window: 32,
      pacedEvents: quick ? 30 : 100,
      pacedIntervalMs: 20,
    },
    ...(fanoutOnly ? { fanoutOnly } : {}),
    // A quick run is a smoke test: it writes only when asked (--write).
    write: defaultWrite ? flag('no-write') === undefined : flag('write') !== undefined,
  }
}
