/** The fan-out section of the report, its console table and its target rows (issue 11 item 5). */
import type { FanoutResults, FanoutRow } from './fanout'

const num = (v: number | null | undefined, digits: number): string =>
  v == null || !Number.isFinite(v) ? '—' : v.toFixed(digits)
const x = (r: number | null | undefined): string => (r == null ? '—' : `${r.toFixed(2)}×`)
const kB = (b: number | null | undefined): string => (b == null ? '—' : `${(b / 1000).toFixed(2)} kB`)
const int = (v: number | null | undefined): string =>
  v == null || !Number.isFinite(v) ? '—' : Math.round(v).toLocaleString('en-US')

const HEADER = [
  'server',
  'engine',
  'CPU µs / delivery',
  'CPU vs raw ws',
  'heap / idle connection',
  'heap vs raw ws',
  'events/s',
  'deliveries/s',
  'p50',
  'p99',
  'notes',
]

function cells(r: FanoutRow): string[] {
  const notes = [
    r.error ?? '',
    r.lost ? `${r.lost} subscribers closed` : '',
    r.failedPublishes ? `${r.failedPublishes} publishes failed` : '',
  ]
  return [
    r.label,
    r.engine ?? '—',
    num(r.cpuUsPerDelivery, 3),
    x(r.cpuRatioToWs),
    kB(r.heapBytesPerConnection),
    x(r.heapRatioToWs),
    int(r.eventsPerSec),
    int(r.eventsPerSec == null ? null : r.eventsPerSec * r.subscribers),
    r.p50Ms == null ? '—' : `${num(r.p50Ms, 2)} ms`,
    r.p99Ms == null ? '—' : `${num(r.p99Ms, 2)} ms`,
    notes.filter(Boolean).join('; '),
  ]
}

/** The introduction of the section. */
export function fanoutIntro(f: FanoutResults): string {
  const c = f.config
  return (
    `1 publisher → ${int(c.subscribers)} subscribers on one channel, 64 B events (${f.date}; 1-minute load average ${f.loadAverage.start} → ${f.loadAverage.end}: ` +
    'a shared machine, so compare ratios, not absolute numbers). Each server runs alone in a child process (`--expose-gc`); the subscribers run in the parent, ' +
    'so "CPU µs / delivery" is the server\'s own `process.cpuUsage()` over a burst ÷ deliveries ' +
    `(median of ${c.runs} interleaved bursts of ${int(c.burstEvents)} events, at most ${c.window} events ahead of the slowest subscriber, each event published in a task of its own; ` +
    '"CPU vs raw ws" is the median of the ratios within each round of bursts). ' +
    '"events/s" is the publish rate over those bursts with every event reaching every subscriber (the subscribers\' process, on the other core, is usually the limit). ' +
    `Latency: ${int(c.pacedEvents)} events published every ${c.pacedIntervalMs} ms (in 4 rounds the servers take in turn), publish to receipt on the machine's monotonic clock, over all deliveries; ` +
    'the subscribers share one process and core, so the later ones in each fan-out wait for the client too. ' +
    "Heap per idle connection: the slope of the server's heap after GC over connections, read at 100 subscribers and at four steps up to all of them. " +
    'See docs/decisions/0022-shared-frames-fan-out.md.'
  )
}

/** Markdown table rows (header first) of the section. */
export function fanoutTable(f: FanoutResults): string[][] {
  return [HEADER, ...f.rows.map(cells)]
}

/** The closing line: the ratios to raw `ws` that the goal is stated in. */
export function fanoutSummary(f: FanoutResults): string {
  const row = (id: string): FanoutRow | undefined => f.rows.find((r) => r.id === id)
  const part = (id: string, what: string): string =>
    `${what} CPU ${x(row(id)?.cpuRatioToWs)}, heap ${x(row(id)?.heapRatioToWs)}`
  return `vs raw ws: ${part('sl-ws', 'Switchline WebSocket')}; ${part('sl-sse', 'SSE')}; ${part('sio', 'socket.io')} (goal: CPU ≤ 1.05×, heap ≤ 1.5×)`
}

/** Plain-text table for the console. */
export function fanoutConsole(f: FanoutResults): string {
  const rows = fanoutTable(f).map((r) => [r[0] as string, ...r.slice(1, 10)].map((c) => c.replace(/`/g, '')))
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '))
  return [...lines, fanoutSummary(f)].map((l) => `  ${l}`).join('\n')
}

/** Target rows for the report's target table. */
export function fanoutTargets(
  f: FanoutResults | undefined,
): { target: string; goal: string; measured: string; met: boolean | null }[] {
  const row = (id: string): FanoutRow | undefined => f?.rows.find((r) => r.id === id && !r.error)
  const out = []
  for (const [id, what] of [
    ['sl-ws', 'WebSocket'],
    ['sl-sse', 'SSE'],
  ] as const) {
    const r = row(id)
    out.push({
      target: `Fan-out server CPU per delivery, ${what}, ${int(f?.config.subscribers)} subscribers`,
      goal: '≤ 1.05× raw ws broadcast',
      measured: r?.cpuRatioToWs == null ? 'not measured' : `${x(r.cpuRatioToWs)} (${num(r.cpuUsPerDelivery, 3)} µs)`,
      met: r?.cpuRatioToWs == null ? null : r.cpuRatioToWs <= 1.05,
    })
    out.push({
      target: `Fan-out heap per idle server-side connection, ${what}`,
      goal: '≤ 1.5× raw ws',
      measured: r?.heapRatioToWs == null ? 'not measured' : `${x(r.heapRatioToWs)} (${kB(r.heapBytesPerConnection)})`,
      met: r?.heapRatioToWs == null ? null : r.heapRatioToWs <= 1.5,
    })
  }
  return out
}
