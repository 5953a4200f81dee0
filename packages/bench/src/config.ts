/** Benchmark configuration from the command line: `--quick`, `--only=a,b`, `--runs=N`. */

export type BenchName = 'size' | 'throughput' | 'latency' | 'memory' | 'storm-sim' | 'storm-real' | 'browser'

export const ALL_BENCHES: BenchName[] = ['size', 'throughput', 'latency', 'memory', 'storm-sim', 'storm-real', 'browser']

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
  const only = onlyRaw ? (onlyRaw.split(',').filter((n) => ALL_BENCHES.includes(n as BenchName)) as BenchName[]) : ALL_BENCHES
  const runs = Number(flag('runs') ?? (quick ? 3 : 5))
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
    // A quick run is a smoke test: it writes only when asked (--write).
    write: quick ? flag('write') !== undefined : flag('no-write') === undefined,
  }
}
