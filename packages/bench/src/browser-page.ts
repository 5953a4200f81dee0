/**
 * The in-browser throughput page (bundled by browser.ts for the browser platform). `window.benchRun(config)`
 * measures events/s through the Switchline SDK and through the native WebSocket / EventSource in the same page,
 * with the same probe → credit-paced burst protocol as the Node benchmark (server-child.ts).
 */
import type { BenchMessage } from './payloads'
import type { CtlRequest, StreamKind } from './server-child'
import { rotate } from './stats'
import { openBenchChannel, openSubscription } from './switchline'

export interface BrowserConfig {
  /** Messages timed per run, by payload size. */
  messages: Record<number, number>
  runs: number
}

export interface BrowserSample {
  id: string
  size: number
  msgPerSec: number | null
  error?: string
}

interface PageReceiver {
  id: string
  kind: StreamKind
  open(sid: string, onMessage: (m: BenchMessage) => void): () => void
}

const origin = location.origin
const wsOrigin = origin.replace(/^http/, 'ws')

const RECEIVERS: PageReceiver[] = [
  {
    id: 'native-websocket',
    kind: 'ws',
    open(sid, onMessage) {
      const ws = new WebSocket(`${wsOrigin}/ws?sid=${sid}`)
      ws.onmessage = (e) => onMessage(JSON.parse(e.data as string) as BenchMessage)
      return () => ws.close()
    },
  },
  {
    id: 'switchline-ws-raw',
    kind: 'ws',
    open(sid, onMessage) {
      return openSubscription(`${wsOrigin}/ws?sid=${sid}`, 'websocket', onMessage)
    },
  },
  {
    // The reference for createClient over WebSocket: the same protocol frames (welcome, subscribed, events),
    // decoded with JSON.parse and nothing else.
    id: 'native-websocket-protocol',
    kind: 'slmock-ws',
    open(sid, onMessage) {
      const ws = new WebSocket(`${wsOrigin}/slmock/ws`, 'switchline.v1')
      ws.onopen = () => {
        ws.send('{"type":"hello"}')
        ws.send(JSON.stringify({ type: 'subscribe', id: 1, channel: `bench:${sid}` }))
      }
      ws.onmessage = (e) => {
        const frame = JSON.parse(e.data as string) as { type: string; data?: BenchMessage }
        if (frame.type === 'event') onMessage(frame.data as BenchMessage)
      }
      return () => ws.close()
    },
  },
  {
    id: 'switchline-ws',
    kind: 'slmock-ws',
    open(sid, onMessage) {
      return openBenchChannel(`${origin}/slmock`, 'websocket', sid, onMessage)
    },
  },
  {
    id: 'native-eventsource',
    kind: 'sse',
    open(sid, onMessage) {
      const es = new EventSource(`${origin}/sse?sid=${sid}`)
      es.onmessage = (e) => onMessage(JSON.parse(e.data as string) as BenchMessage)
      return () => es.close()
    },
  },
  {
    id: 'switchline-sse-raw',
    kind: 'sse',
    open(sid, onMessage) {
      return openSubscription(`${origin}/sse?sid=${sid}`, 'sse', onMessage)
    },
  },
  {
    // The reference for createClient over SSE: the same protocol stream (ids, `{"channel","data"}` envelopes),
    // decoded with JSON.parse and nothing else.
    id: 'native-eventsource-protocol',
    kind: 'slmock-sse',
    open(sid, onMessage) {
      const es = new EventSource(`${origin}/slmock/sse?channels=${encodeURIComponent(`bench:${sid}`)}`)
      es.onmessage = (e) => onMessage((JSON.parse(e.data as string) as { data: BenchMessage }).data)
      return () => es.close()
    },
  },
  {
    id: 'switchline-sse',
    kind: 'slmock-sse',
    open(sid, onMessage) {
      return openBenchChannel(`${origin}/slmock`, 'sse', sid, onMessage)
    },
  },
]

async function connectCtl(): Promise<(req: CtlRequest) => void> {
  const ws = new WebSocket(`${wsOrigin}/ctl`)
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = reject
  })
  return (req) => ws.send(JSON.stringify(req))
}

let counter = 0

async function measure(send: (req: CtlRequest) => void, r: PageReceiver, size: number, n: number): Promise<number> {
  const warm = Math.max(200, Math.floor(n / 5))
  const total = warm + n
  const window = Math.max(64, Math.min(2000, Math.floor((384 * 1024) / (size + 100))))
  const creditEvery = Math.max(16, window >> 2)
  const sid = `b${Date.now().toString(36)}${++counter}`
  let received = 0
  let bursting = false
  let t0 = 0
  const done = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out (${received}/${total})`)), 15_000)
    const close = r.open(sid, (m) => {
      if (m.seq < 0) {
        if (!bursting) {
          bursting = true
          send({ op: 'burst', sid, n: total, window })
        }
        return
      }
      received++
      if (received === warm) t0 = performance.now()
      if (received % creditEvery === 0) send({ op: 'credit', sid, received })
      if (received === total) {
        const rate = (n / (performance.now() - t0)) * 1000
        clearTimeout(timer)
        close()
        resolve(rate)
      }
    })
    send({ op: 'probe', sid, kind: r.kind, size })
  })
  try {
    return await done
  } finally {
    send({ op: 'end', sid })
  }
}

async function benchRun(config: BrowserConfig): Promise<BrowserSample[]> {
  const send = await connectCtl()
  const samples: BrowserSample[] = []
  for (let run = 0; run < config.runs; run++) {
    for (const size of Object.keys(config.messages).map(Number)) {
      for (const r of rotate(RECEIVERS, run)) {
        try {
          samples.push({ id: r.id, size, msgPerSec: await measure(send, r, size, config.messages[size] as number) })
        } catch (error) {
          samples.push({ id: r.id, size, msgPerSec: null, error: String((error as Error).message ?? error) })
        }
      }
    }
  }
  return samples
}

;(globalThis as { benchRun?: typeof benchRun }).benchRun = benchRun
