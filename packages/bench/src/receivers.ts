/**
 * Node receivers for the throughput benchmark: each connects one stream, decodes every message as its users
 * would (JSON.parse, or the SDK's own decoding) and hands the object to `onMessage`.
 */
import { get as httpGet } from 'node:http'
import WebSocket from 'ws'
import { EventSource } from 'eventsource'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { io } from 'socket.io-client'
import type { ServerInfo, StreamKind } from './server-child'
import type { BenchMessage } from './payloads'
import { openBenchChannel, openSubscription } from './switchline'

export interface Receiver {
  id: string
  label: string
  /** Which server kind feeds it. */
  kind: StreamKind
  transport: 'websocket' | 'sse'
  switchline: boolean
  /** Fraction of the configured message count (server-bound contenders take fewer, the rate is still stable). */
  scale?: number
  /** Connects; resolves a closer once the connection is being set up (readiness is detected by probes). */
  open(info: ServerInfo, sid: string, onMessage: (m: BenchMessage) => void): Promise<() => void>
}

const host = '127.0.0.1'

export const RECEIVERS: Receiver[] = [
  {
    id: 'ws',
    label: 'raw `ws`',
    kind: 'ws',
    transport: 'websocket',
    switchline: false,
    async open(info, sid, onMessage) {
      const ws = new WebSocket(`ws://${host}:${info.rawPort}/ws?sid=${sid}`, { perMessageDeflate: false })
      ws.on('message', (data) => onMessage(JSON.parse(String(data)) as BenchMessage))
      ws.on('error', () => {})
      return () => ws.close()
    },
  },
  {
    id: 'switchline-ws-raw',
    label: 'Switchline `subscribe(ws://…)` (raw ws server)',
    kind: 'ws',
    transport: 'websocket',
    switchline: true,
    async open(info, sid, onMessage) {
      return openSubscription(`ws://${host}:${info.rawPort}/ws?sid=${sid}`, 'websocket', onMessage)
    },
  },
  {
    id: 'switchline-ws',
    label: 'Switchline `createClient` over WebSocket (protocol mock, prebuilt frames)',
    kind: 'slmock-ws',
    transport: 'websocket',
    switchline: true,
    async open(info, sid, onMessage) {
      return openBenchChannel(info.slMockBaseUrl, 'websocket', sid, onMessage)
    },
  },
  {
    id: 'ws-frames',
    label: 'raw `ws` + JSON.parse of the same Switchline frames (protocol mock; the floor for `createClient`)',
    kind: 'slmock-ws',
    transport: 'websocket',
    switchline: false,
    async open(info, sid, onMessage) {
      // The least any client of the protocol does: hello, subscribe, then parse each `event` frame whole.
      const ws = new WebSocket(`${info.slMockBaseUrl.replace('http', 'ws')}/ws`, 'switchline.v1', {
        perMessageDeflate: false,
      })
      ws.on('open', () => {
        ws.send('{"type":"hello"}')
        ws.send(JSON.stringify({ type: 'subscribe', id: 1, channel: `bench:${sid}` }))
      })
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; data?: BenchMessage }
        if (frame.type === 'event') onMessage(frame.data as BenchMessage)
      })
      ws.on('error', () => {})
      return () => ws.close()
    },
  },
  {
    id: 'switchline-ws-server',
    label: 'Switchline `createClient` over WebSocket (@switchline/server `publish`)',
    kind: 'sl',
    transport: 'websocket',
    switchline: true,
    scale: 0.2,
    async open(info, sid, onMessage) {
      return openBenchChannel(info.slBaseUrl, 'websocket', sid, onMessage)
    },
  },
  {
    id: 'socket.io-client',
    label: 'socket.io-client (websocket transport)',
    kind: 'sio',
    transport: 'websocket',
    switchline: false,
    async open(info, sid, onMessage) {
      const socket = io(`http://${host}:${info.sioPort}`, {
        transports: ['websocket'],
        query: { stream: sid },
        forceNew: true,
        reconnection: false,
      })
      socket.on('m', (m: BenchMessage) => onMessage(m))
      return () => socket.close()
    },
  },
  {
    id: 'eventsource',
    label: '`eventsource` package',
    kind: 'sse',
    transport: 'sse',
    switchline: false,
    async open(info, sid, onMessage) {
      const es = new EventSource(`http://${host}:${info.rawPort}/sse?sid=${sid}`)
      es.onmessage = (e) => onMessage(JSON.parse(e.data as string) as BenchMessage)
      return () => es.close()
    },
  },
  {
    id: 'fetch-parser',
    label: 'fetch + eventsource-parser',
    kind: 'sse',
    transport: 'sse',
    switchline: false,
    async open(info, sid, onMessage) {
      return readSse(`http://${host}:${info.rawPort}/sse?sid=${sid}`, (e) =>
        onMessage(JSON.parse(e.data) as BenchMessage),
      )
    },
  },
  {
    id: 'switchline-sse-raw',
    label: 'Switchline `subscribe(http://…)` (plain SSE server)',
    kind: 'sse',
    transport: 'sse',
    switchline: true,
    async open(info, sid, onMessage) {
      return openSubscription(`http://${host}:${info.rawPort}/sse?sid=${sid}`, 'sse', onMessage)
    },
  },
  {
    id: 'switchline-sse',
    label: 'Switchline `createClient` over SSE (protocol mock, prebuilt events)',
    kind: 'slmock-sse',
    transport: 'sse',
    switchline: true,
    async open(info, sid, onMessage) {
      return openBenchChannel(info.slMockBaseUrl, 'sse', sid, onMessage)
    },
  },
  {
    id: 'http-parser-frames',
    label:
      'node:http + eventsource-parser + JSON.parse of the same Switchline events (protocol mock; the floor for `createClient`)',
    kind: 'slmock-sse',
    transport: 'sse',
    switchline: false,
    async open(info, sid, onMessage) {
      // The least any client of the protocol does, over the client Switchline uses in Node (decision 0007).
      const parser = createParser({
        onEvent: (e) => {
          if (e.event === undefined) onMessage((JSON.parse(e.data) as { data: BenchMessage }).data)
        },
      })
      const req = httpGet(
        `${info.slMockBaseUrl}/sse?channels=bench:${sid}`,
        { headers: { accept: 'text/event-stream' } },
        (res) => {
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => parser.feed(chunk))
          res.on('error', () => {})
        },
      )
      req.on('error', () => {})
      return () => req.destroy()
    },
  },
  {
    id: 'switchline-sse-server',
    label: 'Switchline `createClient` over SSE (@switchline/server `publish`)',
    kind: 'sl',
    transport: 'sse',
    switchline: true,
    scale: 0.2,
    async open(info, sid, onMessage) {
      return openBenchChannel(info.slBaseUrl, 'sse', sid, onMessage)
    },
  },
]

/** fetch + eventsource-parser: reads one SSE stream and hands each event to `onEvent`; returns the closer. */
function readSse(url: string, onEvent: (e: EventSourceMessage) => void): () => void {
  const controller = new AbortController()
  const parser = createParser({ onEvent })
  void (async () => {
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.feed(decoder.decode(value, { stream: true }))
    }
  })().catch(() => {})
  return () => controller.abort()
}
