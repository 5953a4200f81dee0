/** Writes `packages/bench/results/latest.json` and `docs/benchmarks.md` from one run's results. */
import { mkdir, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { BenchConfig } from './config'
import type { MachineInfo } from './machine'
import { PAYLOAD_SIZES } from './payloads'
import { PKG_ROOT, type SizeResult } from './size'
import { featureShares } from './size-features'
import type { ThroughputRow } from './throughput'
import type { StormSimRow } from './storm-sim'
import type { LatencyRow } from './latency'
import type { MemoryRow } from './memory'
import type { BrowserRow } from './browser'
import type { StormRealRow } from './storm-real'
import type { FanoutResults } from './fanout'
import { fanoutIntro, fanoutSummary, fanoutTable, fanoutTargets } from './fanout-report'
import { ratio } from './stats'

export interface BenchResults {
  command: string
  quick: boolean
  machine: MachineInfo
  config: BenchConfig
  wallSeconds: number
  size?: SizeResult[]
  throughput?: ThroughputRow[]
  stormSim?: StormSimRow[]
  latency?: LatencyRow[]
  memory?: MemoryRow[]
  stormReal?: StormRealRow[]
  browser?: { browser: string; rows: BrowserRow[] }
  fanout?: FanoutResults
  errors: Record<string, string>
  /** Set when a partial run (`--only`) kept the other sections of an earlier run: which run, which sections. */
  keptFrom?: { command: string; date: string; sections: string[] }
}

export const RESULTS_FILE = resolve(PKG_ROOT, 'results/latest.json')
export const MARKDOWN_FILE = resolve(PKG_ROOT, '../../docs/benchmarks.md')

/** Histograms in the JSON keep their first minute (600 buckets of 100 ms); the markdown shows less anyway. */
const KEEP_BUCKETS = 600

export async function writeReport(results: BenchResults): Promise<string[]> {
  for (const r of [...(results.stormSim ?? []), ...(results.stormReal ?? [])]) {
    r.arrivalsPer100ms = r.arrivalsPer100ms.slice(0, KEEP_BUCKETS)
    if ('attemptsPer100ms' in r) r.attemptsPer100ms = r.attemptsPer100ms.slice(0, KEEP_BUCKETS)
  }
  await mkdir(resolve(PKG_ROOT, 'results'), { recursive: true })
  await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`)
  await writeFile(MARKDOWN_FILE, renderMarkdown(results))
  return [RESULTS_FILE, MARKDOWN_FILE]
}

// ---- formatting helpers ----
const int = (n: number | null | undefined): string => (n == null ? '—' : Math.round(n).toLocaleString('en-US'))
const fixed = (n: number | null | undefined, d = 2): string => (n == null ? '—' : n.toFixed(d))
const kb = (bytes: number | null | undefined): string => (bytes == null ? '—' : `${(bytes / 1000).toFixed(2)} kB`)
const x = (r: number | null | undefined): string => (r == null ? '—' : `${r.toFixed(2)}×`)
const ms = (v: number | null | undefined): string => (v == null ? '—' : `${v.toFixed(3)} ms`)
const bytes = (v: number | null | undefined): string => (v == null ? '—' : `${(v / 1000).toFixed(1)} kB`)
const secs = (ms: number | null | undefined): string => (ms == null ? '—' : `${(ms / 1000).toFixed(1)} s`)
/** Block sparkline, one character per value, scaled to `max`. */
export function sparkline(values: readonly number[], max: number): string {
  const blocks = ' ▁▂▃▄▅▆▇█'
  return (
    values
      .map((v) => blocks[Math.min(8, Math.ceil((v / Math.max(1, max)) * 8))])
      .join('')
      .replace(/\s+$/, '') || '(none)'
  )
}
/** Sums consecutive groups of `k` values. */
function rebucket(values: readonly number[], k: number): number[] {
  const out: number[] = []
  values.forEach((v, i) => {
    const j = Math.floor(i / k)
    out[j] = (out[j] ?? 0) + v
  })
  return out
}
const met = (ok: boolean | null): string => (ok == null ? 'not measured' : ok ? '**yes**' : '**no**')

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** The lines of one report section: heading, introduction, body (a table), each followed by a blank line. */
function section(heading: string, intro: string, body: string): string[] {
  return [`## ${heading}`, '', intro, '', body, '']
}

/** The notes cell of a row whose runs failed: how many, and the first error. */
const failedRuns = (errors: readonly string[]): string =>
  errors.length ? `${errors.length} failed run(s): ${errors[0]}` : ''

// ---- targets ----
export interface TargetRow {
  target: string
  goal: string
  measured: string
  met: boolean | null
}

export function targets(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = []
  const tp = results.throughput ?? []
  const tpRow = (id: string, size: number): ThroughputRow | undefined =>
    tp.find((r) => r.id === id && r.payloadBytes === size)
  /** A throughput ratio (wall clock, CPU in parentheses) that should be at least `min`. */
  const rateAtLeast = (
    target: string,
    goal: string,
    r: ThroughputRow | undefined,
    wall: number | null | undefined,
    cpu: number | null | undefined,
    min: number,
  ): TargetRow => ({
    target,
    goal,
    measured: r?.notMeasured ? 'not measured' : `${x(wall)} (CPU: ${x(cpu)})${floorNote(r)}`,
    met: wall == null ? null : wall >= min,
  })
  /**
   * For `createClient` rows: the same ratio against a bare reader of the same protocol frames (`ws-frames`,
   * `http-parser-frames`), which separates the SDK's own cost from the bytes the protocol's envelope adds.
   */
  const floorNote = (r: ThroughputRow | undefined): string => {
    const floorId =
      r?.id === 'switchline-ws' ? 'ws-frames' : r?.id === 'switchline-sse' ? 'http-parser-frames' : undefined
    const floor = floorId === undefined ? undefined : tpRow(floorId, r?.payloadBytes ?? 0)
    if (!r || !floor) return ''
    return `; ${x(ratio(r.medianMsgPerSec, floor.medianMsgPerSec))} of the same frames read bare (CPU: ${x(ratio(floor.medianCpuUsPerMsg, r.medianCpuUsPerMsg))})`
  }
  for (const size of PAYLOAD_SIZES) {
    for (const [id, what] of [
      ['switchline-ws-raw', '`subscribe(ws://…)`'],
      ['switchline-ws', '`createClient`'],
    ] as const) {
      const r = tpRow(id, size)
      rows.push(
        rateAtLeast(`WebSocket receive, ${what}, ${size} B`, '≥ 0.9× raw ws', r, r?.ratioToWs, r?.cpuRatioToWs, 0.9),
      )
    }
    for (const [id, what] of [
      ['switchline-sse-raw', '`subscribe(http://…)`'],
      ['switchline-sse', '`createClient`'],
    ] as const) {
      const r = tpRow(id, size)
      rows.push(
        rateAtLeast(
          `SSE receive, ${what}, ${size} B`,
          '≥ 1.0× fetch + eventsource-parser',
          r,
          r?.ratioToFetchParser,
          r?.cpuRatioToFetchParser,
          1.0,
        ),
      )
    }
    const r = tpRow('switchline-ws', size)
    rows.push(
      rateAtLeast(
        `WebSocket receive, \`createClient\` vs socket.io-client, ${size} B`,
        '≥ 2× socket.io-client',
        r,
        r?.ratioToSocketIo,
        r?.cpuRatioToSocketIo,
        2,
      ),
    )
  }
  const mem = (id: string): MemoryRow | undefined =>
    results.memory?.find((r) => r.id === id && r.heapBytesPerSub != null && !r.error)
  /** Heap per subscription of `id` over that of `baseline`, which should be at most `max`. */
  const heapAtMost = (target: string, goal: string, id: string, baseline: string, max: number): TargetRow => {
    const r = ratio(mem(id)?.heapBytesPerSub, mem(baseline)?.heapBytesPerSub)
    return {
      target,
      goal,
      measured:
        r == null
          ? 'not measured'
          : `${x(r)} (${bytes(mem(id)?.heapBytesPerSub)} vs ${bytes(mem(baseline)?.heapBytesPerSub)})`,
      met: r == null ? null : r <= max,
    }
  }
  for (const [id, what] of [
    ['switchline-ws-each', '`createClient`'],
    ['switchline-ws-raw-each', '`subscribe(ws://…)`'],
  ] as const) {
    rows.push(
      heapAtMost(`Heap per idle subscription, WebSocket, ${what}, one connection each`, '≤ 1.5× raw ws', id, 'ws', 1.5),
    )
  }
  for (const [id, what] of [
    ['switchline-sse-each', '`createClient`'],
    ['switchline-sse-raw-each', '`subscribe(http://…)`'],
  ] as const) {
    rows.push(
      heapAtMost(
        `Heap per idle subscription, SSE, ${what}, one connection each`,
        '≤ 0.5× `eventsource`',
        id,
        'eventsource',
        0.5,
      ),
    )
  }
  for (const [id, what] of [
    ['switchline-ws-shared', 'WebSocket'],
    ['switchline-sse-shared', 'SSE'],
  ] as const) {
    const m = mem(id)
    rows.push({
      target: `Heap per extra channel sharing one connection, ${what}`,
      goal: '≤ 1 kB',
      measured: m ? `${bytes(m.heapBytesPerSub)} (${m.count} channels)` : 'not measured',
      met: m ? (m.heapBytesPerSub as number) <= 1000 : null,
    })
  }
  const full = results.size?.find((s) => s.id === 'switchline-full')
  rows.push({
    target: 'Full client bundle (gzip)',
    goal: '≤ 5 kB',
    measured: full?.ok ? kb(full.gzipBytes) : '—',
    met: full?.ok ? (full.gzipBytes as number) <= 5000 : null,
  })
  rows.push(...fanoutTargets(results.fanout))
  return rows
}

// ---- markdown ----
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine
  const out: string[] = []
  out.push('# Benchmarks')
  out.push('')
  out.push(
    'Generated by `pnpm bench` (packages/bench) — do not edit by hand; rerun it. Raw numbers: `packages/bench/results/latest.json`.',
  )
  out.push('')
  out.push(`- **Machine:** ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}`)
  out.push(`- **Date:** ${m.date}`)
  out.push(
    `- **Command:** \`${results.command}\`${results.quick ? ' (quick smoke run — small counts, not for comparison)' : ''}`,
  )
  out.push(`- **Wall time:** ${results.wallSeconds.toFixed(0)} s`)
  if (results.keptFrom)
    out.push(
      `- **Kept from an earlier run** (\`${results.keptFrom.command}\`, ${results.keptFrom.date}): ${results.keptFrom.sections.join(', ')}`,
    )
  out.push('')
  out.push(
    `- **Machine load:** 1-minute load average ${m.loadAverage.start} at the start and ${m.loadAverage.end ?? '?'} at the end, on ${m.cores} cores. ` +
      'Other work on the machine slows wall-clock rates unevenly between runs; interleaving and medians soften that, and the CPU-time ratios in the throughput tables are the steadier comparison.',
  )
  out.push('')
  out.push(
    ...section(
      'Targets',
      'Reported, not asserted. "CPU" in parentheses: the same ratio from the receiver\'s CPU time per message.',
      table(
        ['target', 'goal', 'measured', 'met?'],
        targets(results).map((t) => [t.target, t.goal, t.measured, met(t.met)]),
      ),
    ),
  )

  if (results.size) {
    out.push(
      ...section(
        'Browser bundle size',
        'esbuild, `platform: browser`, ESM, minified, tree-shaken; gzip level 9 and brotli quality 11 (node:zlib). Switchline is bundled from its TypeScript source (the `@switchline/source` export condition) with the `browser` condition, as an app bundler would; the budget check (`pnpm size`) builds the same three entries.',
        table(
          ['bundle', 'minified', 'gzip', 'brotli'],
          results.size.map((s) =>
            s.ok
              ? [s.label, kb(s.rawBytes), kb(s.gzipBytes), kb(s.brotliBytes)]
              : [s.label, `not built: ${s.error}`, '—', '—'],
          ),
        ),
      ),
    )
    const full = results.size.find((s) => s.id === 'switchline-full')
    const shares = full ? featureShares(full) : []
    if (shares.length > 0) {
      out.push(
        ...section(
          'What the full bundle is made of',
          'The "everything" entry by feature: minified bytes per area from esbuild\'s metafile; gzip is not additive per file, so the gzip column shares the measured total pro rata (an estimate). See docs/decisions/0006-size-budget.md for what the 6 kB goal would take.',
          table(
            ['area', 'minified', 'gzip (est.)'],
            shares.map((f) => [f.area, kb(f.minifiedBytes), kb(f.gzipBytesEstimate)]),
          ),
        ),
      )
    }
  }

  if (results.throughput) {
    const rows = results.throughput.map((r) => [
      r.label,
      `${r.payloadBytes} B`,
      r.notMeasured ? `not measured: ${r.notMeasured}` : int(r.medianMsgPerSec),
      x(r.ratioToWs),
      x(r.cpuRatioToWs),
      r.transport === 'sse' ? `${x(r.ratioToFetchParser)} (CPU ${x(r.cpuRatioToFetchParser)})` : '',
      fixed(r.medianCpuUsPerMsg),
      r.medianCpuUtil == null ? '—' : `${Math.round(r.medianCpuUtil * 100)} %`,
      r.errors.length ? `${r.errors.length} failed run(s)` : '',
    ])
    out.push(
      ...section(
        'Node receive throughput',
        `One stream, one receiver, messages decoded with JSON.parse (or the SDK's decoding). Median of ${results.config.runs} interleaved runs ` +
          `(${Object.entries(results.config.throughputMessages)
            .map(([s, n]) => `${int(n)} × ${s} B`)
            .join(', ')} timed after a 20 % warm-up). ` +
          'Servers run in a separate process; bursts are credit-paced (at most ~384 KiB in flight) the same way for every contender. ' +
          '"CPU µs/msg" is the receiving process\'s CPU time per message (user + system, all its threads); "(CPU)" ratios compare those costs ' +
          '(raw ws µs/msg ÷ this row\'s), which a busy machine disturbs far less than wall-clock rates. Rows marked "protocol mock" get prebuilt ' +
          'Switchline frames from a minimal protocol server, so they measure the SDK alone; rows marked "@switchline/server" go through the ' +
          "reference server's `publish()` and are limited by it (the receiver is mostly idle there).",
        table(
          [
            'receiver',
            'payload',
            'msg/s (median)',
            'vs raw ws',
            'vs raw ws (CPU)',
            'vs fetch+parser',
            'CPU µs/msg',
            'receiver CPU',
            'notes',
          ],
          rows,
        ),
      ),
    )
  }

  if (results.latency) {
    const wsP50 = results.latency.find((r) => r.id === 'ws')?.p50Ms
    out.push(
      ...section(
        'Round-trip latency',
        `One request in flight, 64 B JSON payload, ${int(results.config.latencyRoundTrips)} timed round trips per contender over ${results.config.runs} interleaved runs (50 warm-up round trips per run). ` +
          'Switchline paths go through @switchline/server: the ack comes after the event is appended to its log and fanned out.',
        table(
          ['path', 'p50', 'p99', 'mean', 'p50 vs raw ws echo', 'notes'],
          results.latency.map((r) => [
            r.label,
            ms(r.p50Ms),
            ms(r.p99Ms),
            ms(r.meanMs),
            x(ratio(r.p50Ms, wsP50)),
            failedRuns(r.errors),
          ]),
        ),
      ),
    )
  }

  if (results.memory) {
    out.push(
      ...section(
        'Memory per idle subscription',
        `Node, one child process per row (\`--expose-gc\`): ${int(results.config.memorySubscriptions)} idle subscriptions opened in batches of 100 after one warm-up subscription, ` +
          'then heap delta after `gc()` ÷ subscriptions. Switchline `createClient` rows use @switchline/server, the others the raw ws / SSE / socket.io servers.',
        table(
          ['subscriptions', 'heap / sub', 'RSS / sub', 'external / sub', 'opened', 'notes'],
          results.memory.map((r) => [
            r.label,
            bytes(r.heapBytesPerSub),
            bytes(r.rssBytesPerSub),
            bytes(r.externalBytesPerSub),
            `${r.opened}/${r.count}`,
            r.error ?? '',
          ]),
        ),
      ),
    )
  }

  if (results.browser) {
    out.push(
      ...section(
        'In-browser throughput',
        `${results.browser.browser} (headless, one page driven over a bare DevTools pipe: no DevTools domain enabled, so no per-message instrumentation; see \`browser-cdp.ts\`); ${Object.entries(
          results.config.browserMessages,
        )
          .map(([s, n]) => `${int(n)} × ${s} B`)
          .join(', ')} timed per run after a 20 % warm-up, ` +
          `median of ${results.config.browserRuns} interleaved runs, same credit-paced bursts as in Node. Ratios compare with the native API of the same transport in the same page.`,
        table(
          ['receiver', 'payload', 'events/s (median)', 'vs native', 'notes'],
          results.browser.rows.map((r) => [
            r.label,
            `${r.payloadBytes} B`,
            int(r.medianMsgPerSec),
            x(r.ratioToNative),
            failedRuns(r.errors),
          ]),
        ),
      ),
    )
  }

  if (results.stormSim) {
    out.push(
      ...section(
        'Reconnect storm (simulation)',
        'Virtual clock, no sockets. All clients are dropped at t = 0 by a server restart; the server is down for "down" ms, then accepts at ' +
          'most K new connections per 100 ms and refuses the rest, which back off by their policy. Medians over ' +
          `${results.stormSim[0]?.seeds ?? '?'} seeds. The sparkline shows accepted connections per 500 ms over the first 30 s (first seed; full height = the server's capacity). ` +
          'Ideal for 1000 clients at K = 50: everyone back 2 s after the server is up, 1000 attempts.',
        table(
          [
            'scenario',
            'policy',
            'all back',
            'p50 back',
            'p99 back',
            'attempts',
            'refused',
            'peak attempts / 100 ms',
            'arrivals / 500 ms (0–30 s)',
          ],
          results.stormSim.map((r) => [
            `${r.scenario.clients} clients, down ${r.scenario.downMs / 1000} s, K = ${r.scenario.acceptPer100ms}`,
            r.label,
            secs(r.allBackMs),
            secs(r.p50BackMs),
            secs(r.p99BackMs),
            int(r.attempts),
            int(r.refused),
            int(r.peakAttemptsPer100ms),
            `\`${sparkline(rebucket(r.arrivalsPer100ms, 5).slice(0, 60), r.scenario.acceptPer100ms * 5)}\``,
          ]),
        ),
      ),
    )
  }

  if (results.stormReal) {
    const first = results.stormReal[0]
    out.push(
      ...section(
        'Reconnect storm (real, loopback)',
        `${first?.clients ?? '?'} Node clients, one WebSocket each, dropped at once by a server restart that keeps the server down for ${((first?.downMs ?? 0) / 1000).toFixed(1)} s. ` +
          "Switchline: @switchline/server's fault injector `restart({ keepLog: true, downMs })` (close 1012, then 503 + `Retry-After: 1` while down). " +
          "socket.io: the socket.io server is closed and listens again on the same port after the same down time. No admission limit: the curve is the policy's own spread. " +
          'Sparkline: arrivals per 100 ms over the first 15 s.',
        table(
          [
            'clients',
            'back',
            'all back',
            'p50 back',
            'p99 back',
            'attempts (client)',
            'attempts (server)',
            'arrivals / 100 ms (0–15 s)',
            'notes',
          ],
          results.stormReal.map((r) => [
            r.label,
            `${r.back}/${r.connectedBefore}`,
            secs(r.allBackMs),
            secs(r.p50BackMs),
            secs(r.p99BackMs),
            int(r.attempts),
            int(r.serverAttempts),
            `\`${sparkline(r.arrivalsPer100ms.slice(0, 150), Math.max(1, ...r.arrivalsPer100ms))}\``,
            r.error ?? '',
          ]),
        ),
      ),
    )
  }

  if (results.fanout) {
    const [header = [], ...rows] = fanoutTable(results.fanout)
    out.push(
      ...section(
        'Fan-out: one publisher, many subscribers (server side)',
        fanoutIntro(results.fanout),
        `${table(header, rows)}\n\n${fanoutSummary(results.fanout)}`,
      ),
    )
  }

  const errs = Object.entries(results.errors)
  if (errs.length) {
    out.push('## Failures in this run')
    out.push('')
    for (const [name, e] of errs) out.push(`- **${name}**: ${e.split('\n')[0]}`)
    out.push('')
  }
  return `${out.join('\n')}\n`
}
