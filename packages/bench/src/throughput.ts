/**
 * Node receive throughput: one stream at a time, `n` messages (after a warm-up of 20 %) pushed by the simplest
 * fastest server for each contender, paced by credits (see server-child.ts). Reports msg/s from the first to
 * the last timed message, and the receiver's CPU time per message (process.cpuUsage) — when the receiver is
 * not busy (CPU utilisation well under 100 %), the server side was the limit, not the client.
 */
import type { Ctl } from './ctl'
import type { ServerInfo } from './server-child'
import type { BenchMessage } from './payloads'
import { RECEIVERS, type Receiver } from './receivers'
import { median, ratio, rotate } from './stats'

export interface ThroughputSample {
  msgPerSec: number
  cpuUsPerMsg: number
  /** Receiver CPU time / wall time over the timed part. */
  cpuUtil: number
  outOfOrder: number
}

export interface ThroughputRow {
  id: string
  label: string
  transport: 'websocket' | 'sse'
  switchline: boolean
  payloadBytes: number
  runs: number
  medianMsgPerSec: number | null
  medianCpuUsPerMsg: number | null
  medianCpuUtil: number | null
  samples: number[]
  /** vs raw `ws` at the same payload size (msg/s). */
  ratioToWs: number | null
  /** raw `ws` CPU µs/msg ÷ this row's: the same ratio from receiver CPU cost, robust to a busy machine. */
  cpuRatioToWs: number | null
  /** fetch + eventsource-parser CPU µs/msg ÷ this row's. */
  cpuRatioToFetchParser: number | null
  /** socket.io-client CPU µs/msg ÷ this row's. */
  cpuRatioToSocketIo: number | null
  /** vs fetch + eventsource-parser (SSE rows). */
  ratioToFetchParser: number | null
  /** vs socket.io-client. */
  ratioToSocketIo: number | null
  notMeasured?: string
  errors: string[]
}

export interface ThroughputOptions {
  info: ServerInfo
  ctl: Ctl
  runs: number
  messages: Record<number, number>
  timeoutMs?: number
  log?: (line: string) => void
  receivers?: Receiver[]
}

let sidCounter = 0

/** Measures one stream once. */
export async function measureOnce(
  r: Receiver,
  opts: { info: ServerInfo; ctl: Ctl; size: number; n: number; timeoutMs: number },
): Promise<ThroughputSample> {
  const { info, ctl, size, n, timeoutMs } = opts
  const warm = Math.max(200, Math.floor(n / 5))
  const total = warm + n
  const windowBytes = Number(process.env.BENCH_WINDOW_BYTES ?? 384 * 1024)
  const window = Math.max(64, Math.min(20000, Math.floor(windowBytes / (size + 100))))
  const creditEvery = Math.max(16, window >> 2)
  const sid = `t${process.pid}-${++sidCounter}`
  let received = 0
  let expected = 0
  let outOfOrder = 0
  let bursting = false
  let t0 = 0
  let cpu0: NodeJS.CpuUsage | undefined
  let resolveDone!: (s: ThroughputSample) => void
  const done = new Promise<ThroughputSample>((resolve) => (resolveDone = resolve))

  const onMessage = (m: BenchMessage): void => {
    if (m.seq < 0) {
      if (!bursting) {
        bursting = true
        ctl.send({ op: 'burst', sid, n: total, window })
      }
      return
    }
    if (m.seq !== expected) outOfOrder++
    expected = m.seq + 1
    received++
    if (received === warm) {
      t0 = performance.now()
      cpu0 = process.cpuUsage()
    }
    if (received % creditEvery === 0) ctl.send({ op: 'credit', sid, received })
    if (received === total) {
      const wallMs = performance.now() - t0
      const cpu = process.cpuUsage(cpu0)
      const cpuUs = cpu.user + cpu.system
      resolveDone({
        msgPerSec: (n / wallMs) * 1000,
        cpuUsPerMsg: cpuUs / n,
        cpuUtil: cpuUs / 1000 / wallMs,
        outOfOrder,
      })
    }
  }

  const close = await r.open(info, sid, onMessage)
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    ctl.send({ op: 'probe', sid, kind: r.kind, size })
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`timed out after ${timeoutMs} ms (${received}/${total} received, bursting=${bursting})`)),
        timeoutMs,
      )
    })
    return await Promise.race([done, timeout])
  } finally {
    clearTimeout(timer)
    close()
    await ctl.request({ op: 'end', sid }).catch(() => undefined)
  }
}

export async function runThroughput(opts: ThroughputOptions): Promise<ThroughputRow[]> {
  const receivers = opts.receivers ?? RECEIVERS
  const log = opts.log ?? (() => {})
  const timeoutMs = opts.timeoutMs ?? 10_000
  const sizes = Object.keys(opts.messages).map(Number)
  const samples = new Map<string, ThroughputSample[]>()
  const errors = new Map<string, string[]>()
  const missing = new Map<string, string>()
  const key = (id: string, size: number): string => `${id}@${size}`

  for (let run = 0; run < opts.runs; run++) {
    for (const size of sizes) {
      for (const r of rotate(receivers, run)) {
        const k = key(r.id, size)
        if (missing.has(k)) continue
        try {
          const n = Math.max(1000, Math.round((opts.messages[size] as number) * (r.scale ?? 1)))
          const s = await measureOnce(r, { info: opts.info, ctl: opts.ctl, size, n, timeoutMs })
          ;(samples.get(k) ?? samples.set(k, []).get(k))!.push(s)
          log(
            `  run ${run + 1} ${String(size).padStart(4)} B ${r.id.padEnd(20)} ${Math.round(s.msgPerSec).toLocaleString('en-US').padStart(9)} msg/s  ${s.cpuUsPerMsg.toFixed(2)} µs CPU/msg  util ${(s.cpuUtil * 100).toFixed(0)}%`,
          )
        } catch (error) {
          const list = errors.get(k) ?? errors.set(k, []).get(k)!
          list.push(String((error as Error).message ?? error))
          log(`  run ${run + 1} ${size} B ${r.id}: ERROR ${(error as Error).message}`)
          if (list.length >= 2) missing.set(k, `failed twice: ${list[0]}`) // don't burn the time budget
        }
      }
    }
  }

  const rows: ThroughputRow[] = []
  for (const size of sizes) {
    const med = (id: string): number | null => {
      const s = samples.get(key(id, size))
      return s?.length ? median(s.map((x) => x.msgPerSec)) : null
    }
    const medCpu = (id: string): number | null => {
      const s = samples.get(key(id, size))
      return s?.length ? median(s.map((x) => x.cpuUsPerMsg)) : null
    }
    const wsCpu = medCpu('ws')
    const fpCpu = medCpu('fetch-parser')
    const sioCpu = medCpu('socket.io-client')
    const wsRate = med('ws')
    const fpRate = med('fetch-parser')
    const sioRate = med('socket.io-client')
    for (const r of receivers) {
      const s = samples.get(key(r.id, size)) ?? []
      const rate = med(r.id)
      const cpu = medCpu(r.id)
      const row: ThroughputRow = {
        id: r.id,
        label: r.label,
        transport: r.transport,
        switchline: r.switchline,
        payloadBytes: size,
        runs: s.length,
        medianMsgPerSec: rate,
        medianCpuUsPerMsg: cpu,
        medianCpuUtil: s.length ? median(s.map((x) => x.cpuUtil)) : null,
        samples: s.map((x) => Math.round(x.msgPerSec)),
        ratioToWs: ratio(rate, wsRate),
        cpuRatioToWs: ratio(wsCpu, cpu),
        cpuRatioToFetchParser: ratio(fpCpu, cpu),
        cpuRatioToSocketIo: ratio(sioCpu, cpu),
        ratioToFetchParser: ratio(rate, fpRate),
        ratioToSocketIo: ratio(rate, sioRate),
        errors: errors.get(key(r.id, size)) ?? [],
      }
      const miss = missing.get(key(r.id, size))
      if (miss) row.notMeasured = miss
      rows.push(row)
    }
  }
  return rows
}
