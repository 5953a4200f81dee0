/**
 * Fan-out at the limit (issue 11 item 5): one publisher, `subscribers` subscribers on one channel, 64 B events.
 * Every contender's server runs in its own child process (`fanout-server.ts`, `--expose-gc`); the subscribers run
 * here (`fanout-subscribers.ts`). Per contender:
 * - **heap per idle connection**: the slope of heap after GC over connections (100 subscribers, then 4 steps to all);
 * - **server CPU per delivery**: the child's `process.cpuUsage()` over a credit-paced burst (at most `window`
 *   events ahead of what every subscriber has) ÷ deliveries; median of `runs` bursts, contenders interleaved;
 * - **publish throughput**: events per second over those bursts (every event reaching every subscriber);
 * - **delivery latency**: p50/p99 from publish to receipt over `pacedEvents` events published every
 *   `pacedIntervalMs`, in rounds the contenders take in turn (monotonic clock, shared by both processes).
 */
import { fork, type ChildProcess } from 'node:child_process'
import type { FanoutChildSetup, FanoutReply, FanoutRequest } from './fanout-server'
import { FANOUT_CONTENDERS, type FanoutContender } from './fanout-shared'
import { createSubscribers, type SubscriberSet } from './fanout-subscribers'
import { currentLoad } from './machine'
import { startRedis, type RedisProcess } from './redis-process'
import { median, percentile, ratio, rotate } from './stats'
import { tick } from './wait'

export interface FanoutConfig {
  subscribers: number
  /** Events per measured burst. */
  burstEvents: number
  /** Bursts per contender (interleaved). */
  runs: number
  /** Events at most ahead of the slowest subscriber during a burst. */
  window: number
  /** Events of the latency run, and their interval. */
  pacedEvents: number
  pacedIntervalMs: number
}

export interface FanoutRow {
  id: string
  label: string
  transport: 'websocket' | 'sse'
  engine?: 'memory' | 'redis'
  subscribers: number
  /** Server CPU µs per delivery: median over the bursts, and every burst's value. */
  cpuUsPerDelivery: number | null
  cpuSamples: number[]
  /** Events per second reaching every subscriber (median over the bursts). */
  eventsPerSec: number | null
  p50Ms: number | null
  p99Ms: number | null
  heapBytesPerConnection: number | null
  /** This row ÷ raw `ws`. */
  cpuRatioToWs: number | null
  heapRatioToWs: number | null
  /** Subscribers closed by the server during the run, and publishes that failed. */
  lost: number
  failedPublishes: number
  error?: string
}

export interface FanoutResults {
  config: FanoutConfig
  date: string
  loadAverage: { start: number; end: number }
  rows: FanoutRow[]
}

interface Running {
  contender: FanoutContender
  row: FanoutRow
  child: ChildProcess
  subs: SubscriberSet
  /** Sends `req` and resolves with the reply `want`. */
  request<T extends FanoutReply['op']>(
    req: FanoutRequest,
    want: T,
    timeoutMs?: number,
  ): Promise<Extract<FanoutReply, { op: T }>>
}

/** Connections opened before the first heap reading (code compiled, pools grown), and the readings after it. */
const WARM_SUBSCRIBERS = 100
const HEAP_STEPS = 4

/**
 * The median of `a[i] / b[i]` over the runs both have: each run round measures every contender within seconds, so
 * the ratio of one round is steadier than the ratio of two medians on a machine whose load changes.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number | null {
  const ratios: number[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const r = ratio(a[i], b[i])
    if (r !== null) ratios.push(r)
  }
  return ratios.length === 0 ? null : median(ratios)
}

/** The least-squares slope of `y` over `x`. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  }
  return num / den
}

function emptyRow(c: FanoutContender, subscribers: number): FanoutRow {
  return {
    id: c.id,
    label: c.label,
    transport: c.transport,
    ...(c.engine ? { engine: c.engine } : {}),
    subscribers,
    cpuUsPerDelivery: null,
    cpuSamples: [],
    eventsPerSec: null,
    p50Ms: null,
    p99Ms: null,
    heapBytesPerConnection: null,
    cpuRatioToWs: null,
    heapRatioToWs: null,
    lost: 0,
    failedPublishes: 0,
  }
}

/** Forks the server child of one contender and waits until it listens. */
export async function startChild(
  bundle: string,
  setup: FanoutChildSetup,
): Promise<Pick<Running, 'child' | 'request'> & { baseUrl: string }> {
  const execArgv = ['--expose-gc', ...(process.env.BENCH_SERVER_EXEC_ARGV?.split(' ').filter(Boolean) ?? [])]
  const child = fork(bundle, ['--child=fanout'], {
    execArgv,
    env: { ...process.env, BENCH_FANOUT: JSON.stringify(setup) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const waiters = new Map<string, (reply: FanoutReply) => void>()
  child.on('message', (reply: FanoutReply) => {
    waiters.get(reply.op)?.(reply)
    waiters.delete(reply.op)
  })
  const waitFor = <T extends FanoutReply['op']>(
    want: T,
    timeoutMs = 60_000,
  ): Promise<Extract<FanoutReply, { op: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fan-out child: no ${want} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      )
      waiters.set(want, (reply) => {
        clearTimeout(timer)
        resolve(reply as never)
      })
    })
  const request: Running['request'] = (req, want, timeoutMs) => {
    const reply = waitFor(want, timeoutMs)
    child.send(req)
    return reply
  }
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`fan-out child exited with ${code}`))),
  )
  exited.catch(() => undefined)
  const ready = await Promise.race([waitFor('ready', 30_000), exited])
  return { child, baseUrl: ready.baseUrl, request }
}

/** Stops a server child (disconnect, then SIGKILL after 3 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.disconnect()
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

/** Opens the subscribers of one contender and measures the heap of its idle server-side connections. */
async function prepare(
  bundle: string,
  c: FanoutContender,
  config: FanoutConfig,
  redis: RedisProcess | undefined,
): Promise<Running> {
  const row = emptyRow(c, config.subscribers)
  const { child, baseUrl, request } = await startChild(bundle, {
    contender: c.id,
    ...(c.engine === 'redis' && redis ? { redisUrl: redis.url } : {}),
  })
  const subs = createSubscribers(c.id, baseUrl)
  const running: Running = { contender: c, row, child, subs, request }
  try {
    // Heap after GC at WARM_SUBSCRIBERS connections and at HEAP_STEPS more points up to all of them; the slope of
    // heap over connections (least squares) is the cost of one, steadier than one difference.
    const points: [number, number][] = []
    const warm = Math.min(WARM_SUBSCRIBERS, Math.floor(config.subscribers / 5)) // a scaled-down run keeps 4 steps
    for (let step = 0; step <= HEAP_STEPS; step++) {
      const target = warm + Math.round(((config.subscribers - warm) * step) / HEAP_STEPS)
      await subs.open(target - (points.at(-1)?.[0] ?? 0), 60_000)
      await tick(step === 0 ? 0 : 200)
      points.push([target, (await request({ op: 'heap' }, 'heap')).heapUsed])
    }
    row.heapBytesPerConnection = slope(points)
  } catch (error) {
    row.error = (error as Error).message
  }
  return running
}

/** One credit-paced burst; returns server CPU µs per delivery and events per second. */
async function burst(
  r: Running,
  events: number,
  config: FanoutConfig,
): Promise<{ cpuUsPerDelivery: number; eventsPerSec: number }> {
  const n = config.subscribers
  const start = r.subs.delivered()
  const lostBefore = r.subs.lost()
  r.child.send({ op: 'burst', events, window: config.window } satisfies FanoutRequest)
  let credited = 0
  const deadline = performance.now() + 60_000
  for (;;) {
    const delivered = r.subs.delivered() - start
    if (delivered >= events * n) break
    if (r.subs.lost() > lostBefore) throw new Error(`${r.subs.lost() - lostBefore} subscribers closed during the burst`)
    if (performance.now() > deadline) throw new Error(`burst stalled at ${delivered}/${events * n} deliveries`)
    const full = Math.floor(delivered / n)
    if (full > credited) {
      credited = full
      r.child.send({ op: 'credit', delivered: full } satisfies FanoutRequest)
    }
    await tick(1)
  }
  const result = await r.request({ op: 'burst-end' }, 'burst-done')
  r.row.failedPublishes += result.failed
  return { cpuUsPerDelivery: result.cpuUs / (events * n), eventsPerSec: events / (result.wallMs / 1000) }
}

/** Latency rounds: the contenders take turns (rotated), so none is always measured last, on a busier client. */
const LATENCY_ROUNDS = 4

/** One latency round: `events` events, one every `pacedIntervalMs`; returns each delivery's latency in µs. */
async function paced(r: Running, events: number, config: FanoutConfig): Promise<readonly number[]> {
  const start = r.subs.delivered()
  const expected = events * config.subscribers
  r.subs.recordLatency(true)
  const done = await r.request({ op: 'paced', events, intervalMs: config.pacedIntervalMs }, 'paced-done', 120_000)
  r.row.failedPublishes += done.failed
  const deadline = performance.now() + 10_000
  while (r.subs.delivered() - start < expected && performance.now() < deadline) await tick(10)
  r.subs.recordLatency(false)
  const samples = r.subs.latenciesUs()
  if (samples.length < expected) throw new Error(`latency: ${samples.length}/${expected} deliveries arrived`)
  return samples
}

/** Runs every contender; `log` gets one line per step. */
export async function runFanout(opts: {
  bundle: string
  config: FanoutConfig
  log: (line: string) => void
  only?: readonly string[]
}): Promise<FanoutResults> {
  const { bundle, config, log } = opts
  const loadStart = currentLoad()
  const contenders = FANOUT_CONTENDERS.filter((c) => !opts.only || opts.only.includes(c.id))
  let redis: RedisProcess | undefined
  let redisError: string | undefined
  if (contenders.some((c) => c.engine === 'redis'))
    redis = await startRedis().catch((e: Error) => ((redisError = e.message), undefined))
  const running: Running[] = []
  const rows: FanoutRow[] = []
  try {
    for (const c of contenders) {
      if (c.engine === 'redis' && !redis) {
        rows.push({ ...emptyRow(c, config.subscribers), error: `not measured: ${redisError}` })
        continue
      }
      const r = await prepare(bundle, c, config, redis)
      rows.push(r.row)
      log(
        `  ${c.id.padEnd(13)} ${config.subscribers} subscribers, heap ${fmt(r.row.heapBytesPerConnection, 0)} B/connection${r.row.error ? `  (${r.row.error})` : ''}`,
      )
      if (r.row.error) await stopChild(r.child).finally(() => r.subs.close())
      else running.push(r)
    }
    for (const r of running) await burst(r, Math.min(20, config.burstEvents), config).catch(() => undefined) // warm-up
    const perf = new Map<Running, number[]>()
    for (let run = 0; run < config.runs; run++) {
      for (const r of rotate(running, run)) {
        if (r.row.error) continue
        try {
          const result = await burst(r, config.burstEvents, config)
          r.row.cpuSamples.push(result.cpuUsPerDelivery)
          perf.set(r, [...(perf.get(r) ?? []), result.eventsPerSec])
        } catch (error) {
          r.row.error = (error as Error).message
        }
      }
    }
    const latencies = new Map<Running, number[]>()
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      for (const r of rotate(running, round)) {
        if (r.row.error) continue
        const samples = await paced(r, Math.ceil(config.pacedEvents / LATENCY_ROUNDS), config).catch(
          (error: Error) => void (r.row.error = error.message),
        )
        if (samples) latencies.set(r, [...(latencies.get(r) ?? []), ...samples])
      }
    }
    for (const r of running) {
      r.row.lost = r.subs.lost()
      if (r.row.error) continue
      r.row.cpuUsPerDelivery = median(r.row.cpuSamples)
      r.row.eventsPerSec = median(perf.get(r) ?? [])
      const samples = latencies.get(r) ?? []
      r.row.p50Ms = percentile(samples, 50) / 1000
      r.row.p99Ms = percentile(samples, 99) / 1000
      log(
        `  ${r.row.id.padEnd(13)} ${fmt(r.row.cpuUsPerDelivery, 3)} µs CPU/delivery, ${fmt(r.row.eventsPerSec, 0)} events/s, p50 ${fmt(r.row.p50Ms, 2)} ms, p99 ${fmt(r.row.p99Ms, 2)} ms${r.row.error ? `  (${r.row.error})` : ''}`,
      )
    }
  } finally {
    for (const r of running) {
      r.subs.close()
      await stopChild(r.child)
    }
    await redis?.stop()
  }
  const ws = rows.find((r) => r.id === 'ws')
  for (const row of rows) {
    row.cpuRatioToWs = pairedRatio(row.cpuSamples, ws?.cpuSamples ?? [])
    row.heapRatioToWs = ratio(row.heapBytesPerConnection, ws?.heapBytesPerConnection)
  }
  return { config, date: new Date().toISOString(), loadAverage: { start: loadStart, end: currentLoad() }, rows }
}

function fmt(v: number | null, digits: number): string {
  return v == null || !Number.isFinite(v) ? '—' : v.toFixed(digits)
}
