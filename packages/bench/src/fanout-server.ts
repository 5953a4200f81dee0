/**
 * The server side of the fan-out benchmark: one child process per contender (`--child=fanout`, `--expose-gc`), so
 * the server's CPU time (`process.cpuUsage`) and heap are its own, never the subscribers'. It hosts one of:
 * - `ws`: a plain `ws` server broadcasting with `client.send(buf, { binary: false })` over `wss.clients`;
 * - `sse`: a plain `node:http` SSE writer looping `res.write(buf)` (a floor for SSE, for context);
 * - `sio`: socket.io 4 (WebSocket transport), `io.emit('m', data)`;
 * - `sl-ws` / `sl-sse`: `@switchline/server` (in-memory or Redis engine), `server.publish('bench', data)`.
 *
 * The parent drives it over IPC (`FanoutRequest`): heap after GC, a credit-paced burst (at most `window` events
 * ahead of the ones every subscriber has), a paced run for latency.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { writeHeapSnapshot } from 'node:v8'
import { WebSocketServer } from 'ws'
import { Server as SocketIoServer } from 'socket.io'
import { createSwitchlineServer } from '@switchline/server'
import { redisEngine } from '@switchline/server/redis'
import { fanoutData, FANOUT_CHANNEL, type FanoutContenderId } from './fanout-shared'

/** What the parent tells the child at start (env `BENCH_FANOUT`). */
export interface FanoutChildSetup {
  contender: FanoutContenderId
  redisUrl?: string
}

export type FanoutRequest =
  | { op: 'heap' }
  | { op: 'burst'; events: number; window: number }
  | { op: 'credit'; delivered: number }
  | { op: 'burst-end' }
  | { op: 'paced'; events: number; intervalMs: number }
  | { op: 'stats' }
  | { op: 'snapshot'; path: string }

export type FanoutReply =
  | { op: 'ready'; port: number; baseUrl: string }
  | { op: 'heap'; heapUsed: number }
  | { op: 'burst-done'; cpuUs: number; wallMs: number; failed: number }
  | { op: 'paced-done'; failed: number }
  | { op: 'stats'; stats: unknown }
  | { op: 'snapshot'; path: string }

/** Publishes one event to every subscriber; a promise when the engine is asynchronous. */
type Publish = (seq: number) => unknown

interface Hosted {
  port: number
  baseUrl: string
  publish: Publish
  stats(): unknown
}

const TEXT = { binary: false } as const

async function host(setup: FanoutChildSetup): Promise<Hosted> {
  const http = createServer()
  const listen = async (): Promise<number> => {
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', 511, resolve))
    return (http.address() as AddressInfo).port
  }
  switch (setup.contender) {
    case 'ws': {
      const wss = new WebSocketServer({ server: http, perMessageDeflate: false })
      wss.on('connection', (ws) => ws.on('error', () => undefined))
      const port = await listen()
      return {
        port,
        baseUrl: `ws://127.0.0.1:${port}`,
        publish(seq) {
          const buf = Buffer.from(JSON.stringify(fanoutData(seq)))
          for (const client of wss.clients) if (client.readyState === 1) client.send(buf, TEXT)
        },
        stats: () => ({ clients: wss.clients.size }),
      }
    }
    case 'sse': {
      const streams = new Set<ServerResponse>()
      http.on('request', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
        res.write('retry: 1000\n\n')
        res.socket?.setNoDelay(true)
        streams.add(res)
        res.on('close', () => streams.delete(res))
      })
      const port = await listen()
      return {
        port,
        baseUrl: `http://127.0.0.1:${port}`,
        publish(seq) {
          const buf = Buffer.from(`data: ${JSON.stringify(fanoutData(seq))}\n\n`)
          for (const res of streams) res.write(buf)
        },
        stats: () => ({ streams: streams.size }),
      }
    }
    case 'sio': {
      const io = new SocketIoServer(http, { transports: ['websocket'], serveClient: false })
      const port = await listen()
      return {
        port,
        baseUrl: `http://127.0.0.1:${port}`,
        publish: (seq) => io.emit('m', fanoutData(seq)),
        stats: () => ({ clients: io.engine.clientsCount }),
      }
    }
    case 'sl-ws':
    case 'sl-sse':
    case 'sl-ws-redis':
    case 'sl-sse-redis': {
      const channels = { [FANOUT_CHANNEL]: { send: false } }
      const server = setup.redisUrl
        ? // a key prefix per contender: two servers on one prefix would be one cluster, each fanning out the other's events
          createSwitchlineServer({
            channels,
            allowedOrigins: '*',
            engine: redisEngine({ url: setup.redisUrl, keyPrefix: `bench-${setup.contender}` }),
          })
        : createSwitchlineServer({ channels, allowedOrigins: '*' })
      if (setup.redisUrl) await server.ready()
      const listener = await server.listen({ host: '127.0.0.1', port: 0 })
      return {
        port: listener.port,
        baseUrl: listener.baseUrl,
        publish: (seq) => server.publish(FANOUT_CHANNEL, fanoutData(seq) as never),
        stats: () => server.stats(),
      }
    }
  }
}

async function collectHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run the fan-out server with --expose-gc')
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return process.memoryUsage().heapUsed
}

/** The child's main: hosts the contender and answers the parent until it disconnects. */
export async function fanoutChildMain(): Promise<void> {
  const setup = JSON.parse(process.env.BENCH_FANOUT ?? '{}') as FanoutChildSetup
  const hosted = await host(setup)
  const reply = (body: FanoutReply): void => void process.send?.(body)
  let seq = 0
  let failed = 0
  const publishOne = (): void => {
    const result = hosted.publish(seq++)
    if (result instanceof Promise) result.catch(() => (failed += 1))
  }

  // The burst in progress: events published so far, and the limit the parent's credits allow. Each event is
  // published in a task of its own (as events arriving one by one would be), never several in one tick: writes made
  // in one tick can be coalesced into one syscall per socket (node:http corks a response until the next tick), which
  // would measure batching instead of the fan-out of one event.
  let burst:
    | { events: number; limit: number; published: number; scheduled: boolean; cpu: NodeJS.CpuUsage; t0: number }
    | undefined
  const step = (): void => {
    if (!burst) return
    burst.scheduled = false
    if (burst.published >= burst.limit) return
    burst.published += 1
    publishOne()
    schedule()
  }
  const schedule = (): void => {
    if (!burst || burst.scheduled || burst.published >= burst.limit) return
    burst.scheduled = true
    setImmediate(step)
  }
  let window = 0
  const credit = (delivered: number): void => {
    if (!burst) return
    burst.limit = Math.min(burst.events, delivered + window)
    schedule()
  }

  process.on('message', (req: FanoutRequest) => {
    switch (req.op) {
      case 'heap':
        void collectHeap().then((heapUsed) => reply({ op: 'heap', heapUsed }))
        return
      case 'burst':
        failed = 0
        window = req.window
        burst = {
          events: req.events,
          limit: 0,
          published: 0,
          scheduled: false,
          cpu: process.cpuUsage(),
          t0: performance.now(),
        }
        return credit(0)
      case 'credit':
        return credit(req.delivered)
      case 'burst-end': {
        if (!burst) return
        const cpu = process.cpuUsage(burst.cpu)
        reply({ op: 'burst-done', cpuUs: cpu.user + cpu.system, wallMs: performance.now() - burst.t0, failed })
        burst = undefined
        return
      }
      case 'paced': {
        failed = 0
        let left = req.events
        const timer = setInterval(() => {
          publishOne()
          if (--left > 0) return
          clearInterval(timer)
          // let the last asynchronous publishes settle before reporting failures
          setTimeout(() => reply({ op: 'paced-done', failed }), 50)
        }, req.intervalMs)
        return
      }
      case 'stats':
        return reply({ op: 'stats', stats: hosted.stats() })
      case 'snapshot':
        void collectHeap().then(() => reply({ op: 'snapshot', path: writeHeapSnapshot(req.path) }))
        return
    }
  })
  process.on('disconnect', () => process.exit(0))
  reply({ op: 'ready', port: hosted.port, baseUrl: hosted.baseUrl })
}
