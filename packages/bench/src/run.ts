/**
 * `pnpm bench`: runs every benchmark in one process tree and writes `results/latest.json` and
 * `docs/benchmarks.md`. Flags: `--quick` (small counts, no files unless `--write`), `--only=size,throughput`,
 * `--runs=N`, `--no-write`, `--rerender` (rewrite the files from the last results, nothing measured). Child modes (`--child=…`) are the server process and the memory probes.
 */
import { fileURLToPath } from 'node:url'
import { ALL_BENCHES, parseConfig, type BenchName } from './config'
import { startServerProcess, type ServerProcess } from './ctl'
import { currentLoad, machineInfo } from './machine'
import { RESULTS_FILE, writeReport, type BenchResults } from './report'
import { mergeResults } from './report-merge'
import { serverChildMain } from './server-child'
import { measureSizes } from './size'
import { runThroughput } from './throughput'
import { runStormSim } from './storm-sim'
import { runLatency } from './latency'
import { memoryChildMain, runMemory } from './memory'
import { runBrowser } from './browser'
import { runStormReal } from './storm-real'
import { fanoutChildMain } from './fanout-server'
import { runFanout } from './fanout'
import { fanoutConsole } from './fanout-report'

const bundle = fileURLToPath(import.meta.url)
const childArg = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length)

async function withTimeout<T>(name: string, ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} exceeded its ${ms / 1000} s budget`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2))
  const started = performance.now()
  const log = (line: string): void => console.log(line)
  // The whole run stops by itself.
  const watchdog = setTimeout(() => {
    console.error('bench: overall timeout (15 min) — aborting')
    process.exit(2)
  }, 900_000)
  watchdog.unref()

  const results: BenchResults = {
    command: `pnpm bench${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: config.quick,
    machine: machineInfo(),
    config,
    wallSeconds: 0,
    errors: {},
  }
  const want = (name: BenchName): boolean => config.only.includes(name)
  const step = async (name: BenchName, budgetMs: number, fn: () => Promise<void>): Promise<void> => {
    if (!want(name)) return
    const t = performance.now()
    log(`\n== ${name}`)
    try {
      await withTimeout(name, budgetMs, fn)
    } catch (error) {
      results.errors[name] = String((error as Error).stack ?? error)
      log(`!! ${name} failed: ${(error as Error).message}`)
    }
    log(`== ${name} done in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }

  await step('size', 60_000, async () => {
    results.size = await measureSizes()
    for (const r of results.size)
      log(
        `  ${r.id.padEnd(26)} ${r.ok ? `${r.gzipBytes} B gzip, ${r.brotliBytes} B brotli, ${r.rawBytes} B min` : `not built: ${r.error}`}`,
      )
  })

  await step('storm-sim', 60_000, async () => {
    results.stormSim = runStormSim(config.quick ? 3 : 7)
    for (const r of results.stormSim) {
      log(
        `  ${r.scenario.clients}/${r.scenario.downMs}/${r.scenario.acceptPer100ms} ${r.id.padEnd(10)} all back ${r.allBackMs == null ? 'never' : Math.round(r.allBackMs)} ms, attempts ${r.attempts}, peak ${r.peakAttemptsPer100ms}/100 ms`,
      )
    }
  })

  let server: ServerProcess | undefined
  const needsServer = config.only.some((n) => n !== 'size' && n !== 'storm-sim' && n !== 'fanout')
  if (needsServer) server = await startServerProcess(bundle)
  try {
    await step('throughput', 180_000, async () => {
      const s = server as ServerProcess
      results.throughput = await runThroughput({
        info: s.info,
        ctl: s.ctl,
        runs: config.runs,
        messages: config.throughputMessages,
        log,
      })
    })
    await step('latency', 90_000, async () => {
      const s = server as ServerProcess
      results.latency = await runLatency({ info: s.info, roundTrips: config.latencyRoundTrips, runs: config.runs, log })
    })
    await step('memory', 150_000, async () => {
      const s = server as ServerProcess
      results.memory = await runMemory({ bundle, info: s.info, count: config.memorySubscriptions, log })
    })
    await step('storm-real', 150_000, async () => {
      const s = server as ServerProcess
      results.stormReal = await runStormReal({ info: s.info, ctl: s.ctl, clients: config.stormClients, log })
    })
    await step('browser', 120_000, async () => {
      results.browser = await runBrowser({
        server: server as ServerProcess,
        config: { messages: config.browserMessages, runs: config.browserRuns },
        log,
      })
    })
  } finally {
    await server?.stop()
  }

  // Its own server processes, one per contender, so it runs after the shared server is gone.
  await step('fanout', 420_000, async () => {
    results.fanout = await runFanout({
      bundle,
      config: config.fanout,
      log,
      ...(config.fanoutOnly ? { only: config.fanoutOnly } : {}),
    })
    log(fanoutConsole(results.fanout))
  })

  results.wallSeconds = (performance.now() - started) / 1000
  results.machine.loadAverage.end = currentLoad()
  clearTimeout(watchdog)
  if (config.write) {
    const partial = ALL_BENCHES.some((name) => !config.only.includes(name))
    const previous = partial ? await readPrevious() : undefined
    const files = await writeReport(previous ? mergeResults(previous, results) : results)
    log(`\nwrote ${files.join(', ')}`)
  }
  log(`\nbench finished in ${results.wallSeconds.toFixed(1)} s`)
}

/** The results of the last written run, if any. */
async function readPrevious(): Promise<BenchResults | undefined> {
  const { readFile } = await import('node:fs/promises')
  return readFile(RESULTS_FILE, 'utf8').then(
    (text) => JSON.parse(text) as BenchResults,
    () => undefined,
  )
}

if (process.argv.includes('--rerender')) {
  // Rewrites results/latest.json and docs/benchmarks.md from the last results (after a change to the report).
  const { readFile } = await import('node:fs/promises')
  const { RESULTS_FILE } = await import('./report')
  const files = await writeReport(JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as BenchResults)
  console.log(`rewrote ${files.join(', ')}`)
} else if (childArg === 'server') {
  await serverChildMain()
} else if (childArg === 'memory') {
  await memoryChildMain()
} else if (childArg === 'fanout') {
  await fanoutChildMain()
} else if (childArg) {
  console.error(`unknown child mode ${childArg}`)
  process.exit(2)
} else {
  await main()
  process.exit(0)
}
