/**
 * The subscribers of the fan-out benchmark, all in the parent process: the lightest client each protocol allows
 * (`ws` sockets speaking just enough of the Switchline protocol, `node:http` requests with a minimal SSE splitter,
 * socket.io-client for socket.io), so the server child is what is measured. Each delivery is counted; while
 * latency is recorded, its age (monotonic clock, the same in both processes) is kept too.
 */
import { Agent, get as httpGet, type ClientRequest } from 'node:http'
import WebSocket from 'ws'
import { io, type Socket } from 'socket.io-client'
import { FANOUT_CHANNEL, monotonicUs, stampOf, type FanoutContenderId } from './fanout-shared'
import { tick } from './wait'

/** A growing set of subscribers of one contender. */
export interface SubscriberSet {
  /** Opens `n` more subscribers in batches; resolves once all are live. */
  open(n: number, timeoutMs: number): Promise<void>
  /** Deliveries received so far. */
  delivered(): number
  /** Subscribers that closed while they should have stayed open (e.g. closed as slow consumers). */
  lost(): number
  /** Starts keeping each delivery's latency (µs), from an empty list. */
  recordLatency(on: boolean): void
  latenciesUs(): readonly number[]
  close(): void
}

interface Counters {
  delivered: number
  lost: number
  live: number
  record: boolean
  samples: number[]
  closing: boolean
}

type Opener = (c: Counters, onDelivery: (text: string) => void) => () => void

const BATCH = 100
/** Switchline closes a WebSocket silent for 45 s (R19): subscribers ping every 15 s. */
const PING_MS = 15_000

function opener(contender: FanoutContenderId, baseUrl: string, agent: Agent): Opener {
  const sse =
    (path: string, isEvent: (block: string) => boolean, isReady: (block: string) => boolean): Opener =>
    (c, onDelivery) => {
      let req: ClientRequest | undefined = httpGet(`${baseUrl}${path}`, { agent }, (res) => {
        let buffer = ''
        let ready = false
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffer += chunk
          let end = buffer.indexOf('\n\n')
          while (end >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            if (isEvent(block)) onDelivery(block)
            else if (!ready && isReady(block)) {
              ready = true
              c.live += 1
            }
            end = buffer.indexOf('\n\n')
          }
        })
        res.on('close', () => {
          if (!c.closing) c.lost += 1
        })
      })
      req.on('error', () => undefined)
      return () => {
        req?.destroy()
        req = undefined
      }
    }
  switch (contender) {
    case 'ws':
      return (c, onDelivery) => {
        const ws = new WebSocket(baseUrl, { perMessageDeflate: false })
        ws.on('open', () => (c.live += 1))
        ws.on('message', (data) => onDelivery(String(data)))
        ws.on('close', () => void (c.closing || (c.lost += 1)))
        ws.on('error', () => undefined)
        return () => ws.terminate()
      }
    case 'sl-ws':
    case 'sl-ws-redis':
      return (c, onDelivery) => {
        const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, 'switchline.v1', { perMessageDeflate: false })
        let ping: ReturnType<typeof setInterval> | undefined
        ws.on('open', () => {
          ws.send('{"type":"hello"}')
          ping = setInterval(() => ws.send('{"type":"ping"}'), PING_MS)
        })
        ws.on('message', (data) => {
          const text = String(data)
          if (text.startsWith('{"type":"event"')) return onDelivery(text)
          const frame = JSON.parse(text) as { type: string }
          if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', id: 1, channel: FANOUT_CHANNEL }))
          else if (frame.type === 'subscribed') c.live += 1
          else if (frame.type === 'error') console.error(`  fan-out subscriber got ${text}`)
        })
        ws.on('close', () => {
          clearInterval(ping)
          if (!c.closing) c.lost += 1
        })
        ws.on('error', () => undefined)
        return () => {
          clearInterval(ping)
          ws.terminate()
        }
      }
    case 'sl-sse':
    case 'sl-sse-redis':
      return sse(
        `/sse?channels=${FANOUT_CHANNEL}`,
        (b) => b.startsWith('id:'),
        (b) => b.startsWith('event: sl-ready'),
      )
    case 'sse':
      return sse(
        '/',
        (b) => b.startsWith('data:'),
        (b) => b.startsWith('retry:'),
      )
    case 'sio':
      return (c, onDelivery) => {
        const socket: Socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false })
        socket.on('connect', () => (c.live += 1))
        socket.on('m', (data: { t: number }) => onDelivery(`{"t":${data.t}}`))
        socket.on('disconnect', () => void (c.closing || (c.lost += 1)))
        return () => socket.close()
      }
  }
}

/** Creates the subscriber set of `contender`, whose server listens at `baseUrl`. */
export function createSubscribers(contender: FanoutContenderId, baseUrl: string): SubscriberSet {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity })
  const c: Counters = { delivered: 0, lost: 0, live: 0, record: false, samples: [], closing: false }
  const onDelivery = (text: string): void => {
    c.delivered += 1
    if (!c.record) return
    const t = stampOf(text)
    if (t !== undefined) c.samples.push(monotonicUs() - t)
  }
  const open = opener(contender, baseUrl, agent)
  const closers: (() => void)[] = []
  return {
    async open(n, timeoutMs) {
      const deadline = performance.now() + timeoutMs
      const target = closers.length + n
      while (closers.length < target) {
        const batch = Math.min(BATCH, target - closers.length)
        for (let i = 0; i < batch; i++) closers.push(open(c, onDelivery))
        // batch by batch, so no listen backlog overflows
        while (c.live < closers.length) {
          if (performance.now() > deadline)
            throw new Error(`only ${c.live}/${target} subscribers live within ${timeoutMs / 1000} s`)
          await tick(10)
        }
      }
    },
    delivered: () => c.delivered,
    lost: () => c.lost,
    recordLatency(on) {
      c.record = on
      if (on) c.samples = []
    },
    latenciesUs: () => c.samples,
    close() {
      c.closing = true
      for (const close of closers.splice(0)) close()
      agent.destroy()
    },
  }
}
