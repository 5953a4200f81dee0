/**
 * Memory per idle subscription: a child process (`node --expose-gc`, one per measurement) opens `count`
 * subscriptions, waits until all are open, collects garbage and reports the heap delta per subscription.
 * A first subscription is opened before the baseline, so one-time module initialisation is not counted; shared
 * scenarios also rehearse their pattern once on a throw-away client (see `memoryChildMain`).
 */
import { fork } from 'node:child_process'
import WebSocket from 'ws'
import { EventSource } from 'eventsource'
import { io, type Socket } from 'socket.io-client'
import type { ServerInfo } from './server-child'
import { createClient, subscribe, type BenchSchema } from './switchline'
import { tick } from './wait'

export interface MemoryScenario {
  id: string
  label: string
  transport: 'websocket' | 'sse'
  /** Many channels over one connection (`true`) or one connection per subscription. */
  shared: boolean
  /** At most this many subscriptions (the protocol allows 64 channels per SSE stream). */
  maxCount?: number
}

export const MEMORY_SCENARIOS: MemoryScenario[] = [
  { id: 'ws', label: 'raw `ws`, one connection each', transport: 'websocket', shared: false },
  {
    id: 'socket.io-client',
    label: 'socket.io-client, one connection each (`forceNew`)',
    transport: 'websocket',
    shared: false,
  },
  {
    id: 'switchline-ws-each',
    label: 'Switchline `createClient`, WebSocket, one connection each',
    transport: 'websocket',
    shared: false,
  },
  {
    id: 'switchline-ws-raw-each',
    label: 'Switchline `subscribe(ws://…)`, one connection each',
    transport: 'websocket',
    shared: false,
  },
  // docs/protocol.md R26: at most 64 channels per WebSocket too (a 65th is a fatal 400 for that channel), so this
  // one also measures 1 + 63.
  {
    id: 'switchline-ws-shared',
    label: 'Switchline `createClient`, WebSocket, all channels on one connection (64 max)',
    transport: 'websocket',
    shared: true,
    maxCount: 63,
  },
  { id: 'eventsource', label: '`eventsource` package, one connection each', transport: 'sse', shared: false },
  {
    id: 'switchline-sse-each',
    label: 'Switchline `createClient`, SSE, one connection each',
    transport: 'sse',
    shared: false,
  },
  {
    id: 'switchline-sse-raw-each',
    label: 'Switchline `subscribe(http://…)`, one connection each',
    transport: 'sse',
    shared: false,
  },
  // docs/protocol.md R10: at most 64 channels per SSE stream, and createClient does not split a larger set over
  // several streams (every channel fails with a fatal 400 from the 65th on), so this one measures 1 + 63.
  {
    id: 'switchline-sse-shared',
    label: 'Switchline `createClient`, SSE, all channels on one stream (64 max)',
    transport: 'sse',
    shared: true,
    maxCount: 63,
  },
]

export interface MemoryRow {
  id: string
  label: string
  transport: 'websocket' | 'sse'
  shared: boolean
  count: number
  opened: number
  heapBytesPerSub: number | null
  rssBytesPerSub: number | null
  externalBytesPerSub: number | null
  error?: string
}

/** Something that reports whether it is open and can be closed. */
interface Handle {
  isOpen(): boolean
  close(): void
}

type Opener = (info: ServerInfo, i: number) => Handle

function openers(id: string): {
  open: Opener
  openShared?: (info: ServerInfo) => { add(i: number): Handle; close(): void }
} {
  const tag = `mem${process.pid}x`
  switch (id) {
    case 'ws':
      return {
        open: (info, i) => {
          const ws = new WebSocket(`ws://127.0.0.1:${info.rawPort}/ws?sid=${tag}${i}`, { perMessageDeflate: false })
          ws.on('error', () => {})
          return { isOpen: () => ws.readyState === WebSocket.OPEN, close: () => ws.close() }
        },
      }
    case 'socket.io-client':
      return {
        open: (info) => {
          const s: Socket = io(`http://127.0.0.1:${info.sioPort}`, { transports: ['websocket'], forceNew: true })
          return { isOpen: () => s.connected, close: () => s.close() }
        },
      }
    case 'eventsource':
      return {
        open: (info, i) => {
          const es = new EventSource(`http://127.0.0.1:${info.rawPort}/sse?sid=${tag}${i}`)
          es.onerror = () => {}
          return { isOpen: () => es.readyState === EventSource.OPEN, close: () => es.close() }
        },
      }
    case 'switchline-ws-each':
    case 'switchline-sse-each': {
      const transport = id === 'switchline-ws-each' ? 'websocket' : 'sse'
      return {
        open: (info, i) => {
          const client = createClient<BenchSchema>({ url: info.slBaseUrl, transport })
          const sub = client.subscribe('bench', { key: `${tag}${i}` })
          return { isOpen: () => sub.state === 'open', close: () => client.close() }
        },
      }
    }
    case 'switchline-ws-raw-each':
      return {
        open: (info, i) => {
          const sub = subscribe(`ws://127.0.0.1:${info.rawPort}/ws?sid=${tag}${i}`, { transport: 'websocket' })
          return { isOpen: () => sub.state === 'open', close: () => sub.close() }
        },
      }
    case 'switchline-sse-raw-each':
      return {
        open: (info, i) => {
          const sub = subscribe(`http://127.0.0.1:${info.rawPort}/sse?sid=${tag}${i}`, { transport: 'sse' })
          return { isOpen: () => sub.state === 'open', close: () => sub.close() }
        },
      }
    case 'switchline-ws-shared':
    case 'switchline-sse-shared': {
      const transport = id === 'switchline-ws-shared' ? 'websocket' : 'sse'
      return {
        open: () => {
          throw new Error('shared scenario')
        },
        openShared: (info) => {
          const client = createClient<BenchSchema>({ url: info.slBaseUrl, transport })
          return {
            add: (i) => {
              const sub = client.subscribe('bench', { key: `${tag}${i}` })
              return { isOpen: () => sub.state === 'open', close: () => sub.close() }
            },
            close: () => client.close(),
          }
        },
      }
    }
    default:
      throw new Error(`unknown memory scenario ${id}`)
  }
}

async function collect(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc')
  for (let i = 0; i < 4; i++) {
    gc()
    await tick(20)
  }
  return process.memoryUsage()
}

async function waitOpen(handles: Handle[], deadline: number): Promise<number> {
  for (;;) {
    const open = handles.filter((h) => h.isOpen()).length
    if (open === handles.length || performance.now() > deadline) return open
    await tick(25)
  }
}

/** The child side: measures one scenario and reports over IPC. */
export async function memoryChildMain(): Promise<void> {
  const {
    scenario,
    count: requested,
    info,
  } = JSON.parse(process.env.BENCH_MEMORY ?? '{}') as { scenario: string; count: number; info: ServerInfo }
  const def = MEMORY_SCENARIOS.find((s) => s.id === scenario) as MemoryScenario
  const count = Math.min(requested, def.maxCount ?? requested)
  const o = openers(scenario)
  const deadline = performance.now() + 30_000
  // A shared scenario first runs its whole pattern once on a throw-away client (one channel, then a batch added to
  // the open connection), so the code those paths compile is not counted per channel: with only 63 channels on
  // one SSE stream, that one-off cost alone read as ~2.7 kB per channel.
  const rehearsal = o.openShared?.(info)
  if (rehearsal) {
    const first = [rehearsal.add(0)]
    await waitOpen(first, deadline)
    const batch = Array.from({ length: Math.min(count, 100) }, (_, i) => rehearsal.add(i + 1))
    await waitOpen(batch, deadline)
    rehearsal.close()
  }
  const shared = o.openShared?.(info)
  const open = (i: number): Handle => (shared ? shared.add(i) : o.open(info, i))
  // Warm-up subscription (module init, first connection of a shared client), then the baseline.
  const warm = [open(0)]
  await waitOpen(warm, deadline)
  const before = await collect()
  const handles: Handle[] = []
  for (let i = 1; i <= count; i += 100) {
    const batch: Handle[] = []
    for (let j = i; j < Math.min(i + 100, count + 1); j++) batch.push(open(j))
    handles.push(...batch)
    await waitOpen(handles, deadline) // batch by batch, so the listen backlog never overflows
    if (performance.now() > deadline) break
  }
  await tick(300)
  const opened = handles.filter((h) => h.isOpen()).length
  const after = await collect()
  const per = (k: 'heapUsed' | 'rss' | 'external'): number => (after[k] - before[k]) / handles.length
  const row: MemoryRow = {
    id: def.id,
    label: def.label,
    transport: def.transport,
    shared: def.shared,
    count: handles.length,
    opened,
    heapBytesPerSub: per('heapUsed'),
    rssBytesPerSub: per('rss'),
    externalBytesPerSub: per('external'),
  }
  if (opened < handles.length) row.error = `only ${opened}/${handles.length} subscriptions opened within 30 s`
  process.send?.(row)
  for (const h of [...warm, ...handles]) h.close()
  shared?.close()
  await tick(100)
  process.exit(0)
}

/** The parent side: one child per scenario, sequentially. */
export async function runMemory(opts: {
  bundle: string
  info: ServerInfo
  count: number
  log?: (s: string) => void
}): Promise<MemoryRow[]> {
  const log = opts.log ?? (() => {})
  const rows: MemoryRow[] = []
  for (const s of MEMORY_SCENARIOS) {
    const t = performance.now()
    const row = await new Promise<MemoryRow>((resolve) => {
      const child = fork(opts.bundle, ['--child=memory'], {
        execArgv: ['--expose-gc'],
        env: { ...process.env, BENCH_MEMORY: JSON.stringify({ scenario: s.id, count: opts.count, info: opts.info }) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      let result: MemoryRow | undefined
      const fail = (error: string): MemoryRow => ({
        id: s.id,
        label: s.label,
        transport: s.transport,
        shared: s.shared,
        count: opts.count,
        opened: 0,
        heapBytesPerSub: null,
        rssBytesPerSub: null,
        externalBytesPerSub: null,
        error,
      })
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
      child.on('message', (m: MemoryRow) => (result = m))
      child.on('exit', (code) => {
        clearTimeout(timer)
        resolve(result ?? fail(`child exited with ${code} before reporting`))
      })
    })
    log(
      `  ${s.id.padEnd(24)} ${row.heapBytesPerSub == null ? '—' : `${Math.round(row.heapBytesPerSub)} B heap/sub`}  ${row.opened}/${row.count} open  ${((performance.now() - t) / 1000).toFixed(1)} s${row.error ? `  (${row.error})` : ''}`,
    )
    rows.push(row)
  }
  return rows
}
