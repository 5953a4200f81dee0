/**
 * Round-trip latency, one request in flight at a time: raw `ws` echo, socket.io-client emit-with-ack, Switchline
 * `send()` → ack over WebSocket, Switchline `send()` over SSE + HTTP POST, and a bare `fetch` POST to the same
 * publish endpoint as the baseline of that path. Switchline paths go through @switchline/server (the ack comes
 * after the event is appended to the log and fanned out). Runs are interleaved; percentiles pool all samples.
 */
import WebSocket from 'ws'
import { io } from 'socket.io-client'
import type { ServerInfo } from './server-child'
import { message, padFor } from './payloads'
import { mean, percentile, rotate } from './stats'
import { createClient, type BenchSchema } from './switchline'

export interface LatencyRow {
  id: string
  label: string
  samples: number
  p50Ms: number | null
  p99Ms: number | null
  meanMs: number | null
  errors: string[]
}

interface Pinger {
  id: string
  label: string
  /** Connects and returns one round trip and a closer. */
  open(info: ServerInfo): Promise<{ roundTrip(i: number): Promise<void>; close(): void }>
}

const PAD = padFor(64)
let keyCounter = 0

const PINGERS: Pinger[] = [
  {
    id: 'ws',
    label: 'raw `ws` echo',
    async open(info) {
      const ws = new WebSocket(`ws://127.0.0.1:${info.rawPort}/echo`, { perMessageDeflate: false })
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      let waiting: (() => void) | undefined
      ws.on('message', (data) => {
        JSON.parse(String(data))
        waiting?.()
      })
      return {
        roundTrip: (i) =>
          new Promise<void>((resolve) => {
            waiting = resolve
            ws.send(JSON.stringify(message(i, PAD)))
          }),
        close: () => ws.close(),
      }
    },
  },
  {
    id: 'socket.io-client',
    label: 'socket.io-client `emitWithAck` (websocket transport)',
    async open(info) {
      const socket = io(`http://127.0.0.1:${info.sioPort}`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      })
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject))
      return {
        roundTrip: async (i) => void (await socket.emitWithAck('echo', message(i, PAD))),
        close: () => socket.close(),
      }
    },
  },
  {
    id: 'switchline-ws',
    label: 'Switchline `send()` → ack, WebSocket (@switchline/server)',
    async open(info) {
      const client = createClient<BenchSchema>({ url: info.slBaseUrl, transport: 'websocket', sendChannels: ['chat'] })
      const sub = client.subscribe('chat', { key: `lat${++keyCounter}` })
      return { roundTrip: async (i) => void (await sub.send(message(i, PAD))), close: () => client.close() }
    },
  },
  {
    id: 'switchline-sse-post',
    label: 'Switchline `send()` → ack, SSE + HTTP POST (@switchline/server)',
    async open(info) {
      const client = createClient<BenchSchema>({ url: info.slBaseUrl, transport: 'sse', sendChannels: ['chat'] })
      const sub = client.subscribe('chat', { key: `lat${++keyCounter}`, transport: 'sse' })
      return { roundTrip: async (i) => void (await sub.send(message(i, PAD))), close: () => client.close() }
    },
  },
  {
    id: 'fetch-post',
    label: 'bare `fetch` POST to `B/publish` (baseline of the SSE + POST path)',
    async open(info) {
      const channel = `chat:lat${++keyCounter}`
      return {
        roundTrip: async (i) => {
          const res = await fetch(`${info.slBaseUrl}/publish`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ channel, data: message(i, PAD) }),
          })
          await res.json()
        },
        close: () => {},
      }
    },
  },
]

export async function runLatency(opts: {
  info: ServerInfo
  roundTrips: number
  runs: number
  log?: (s: string) => void
}): Promise<LatencyRow[]> {
  const log = opts.log ?? (() => {})
  const perRun = Math.max(50, Math.floor(opts.roundTrips / opts.runs))
  const samples = new Map<string, number[]>()
  const errors = new Map<string, string[]>()
  for (let run = 0; run < opts.runs; run++) {
    for (const p of rotate(PINGERS, run)) {
      try {
        const conn = await withTimeout(p.open(opts.info), 10_000, `${p.id}: connect`)
        try {
          for (let i = 0; i < 50; i++) await withTimeout(conn.roundTrip(-1), 10_000, `${p.id}: warm-up round trip`)
          const list = samples.get(p.id) ?? samples.set(p.id, []).get(p.id)!
          for (let i = 0; i < perRun; i++) {
            const t = performance.now()
            await withTimeout(conn.roundTrip(i), 10_000, `${p.id}: round trip`)
            list.push(performance.now() - t)
          }
          const recent = list.slice(-perRun)
          log(
            `  run ${run + 1} ${p.id.padEnd(20)} p50 ${percentile(recent, 50).toFixed(3)} ms  p99 ${percentile(recent, 99).toFixed(3)} ms`,
          )
        } finally {
          conn.close()
        }
      } catch (error) {
        ;(errors.get(p.id) ?? errors.set(p.id, []).get(p.id)!).push((error as Error).message)
        log(`  run ${run + 1} ${p.id}: ERROR ${(error as Error).message}`)
      }
    }
  }
  return PINGERS.map((p) => {
    const s = samples.get(p.id) ?? []
    return {
      id: p.id,
      label: p.label,
      samples: s.length,
      p50Ms: s.length ? percentile(s, 50) : null,
      p99Ms: s.length ? percentile(s, 99) : null,
      meanMs: s.length ? mean(s) : null,
      errors: errors.get(p.id) ?? [],
    }
  })
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}
